import type { Actor } from '../../access/permissions.ts';
import type { Db } from '../../db/database.ts';
import { invalid } from '../../errors.ts';
import type { CaseCore } from '../core.ts';
import type { CaseChange } from '../event-bus.ts';
import { hasContact } from '../policy.ts';
import type { CaseRow } from '../store.ts';
import { staleVersion } from './errors.ts';
import type { ActionHandler } from './types.ts';

/** 结案: closed with the answer the reporter receives; the cases merged into it close with it. */
export const close: ActionHandler = ({ core, actor, c, input, patch, now, notice, after, alsoChanged }) => {
  patch.answer = input.answer?.trim() || c.answer;
  if (!patch.answer) throw invalid('case.answer_required', 'give the answer the reporter will receive');
  patch.closed_at = now;
  notice('reporter', c.code, 'case.outcome', '您的诉求已办结');
  after(async (tx, updated) => void alsoChanged.push(...(await closeMerged(core, tx, actor, updated, now))));
};

/** The merged cases (并单) close with their main case and carry its answer to their own reporters. */
async function closeMerged(core: CaseCore, tx: Db, actor: Actor, main: CaseRow, now: Date): Promise<CaseChange[]> {
  const changes: CaseChange[] = [];
  for (const m of await core.store.mergedInto(tx, main.id)) {
    const row = await core.store.updateIfVersion(tx, m.id, m.version, { state: 'closed', answer: main.answer, closed_at: now, updated_at: now, step_due_at: null });
    if (!row) throw staleVersion(m);
    await core.recordEvent(tx, row, actor, { action: 'close_with_main', from: 'merged', to: 'closed', payload: { main: main.code } });
    if (hasContact(m)) await core.notify(tx, [{ recipient_type: 'reporter', recipient: m.code, case_id: m.id, area_path: m.area_path, kind: 'case.outcome', title: '您的诉求已办结', created_at: now }]);
    changes.push(core.change(row, 'close_with_main', 'merged'));
  }
  return changes;
}
