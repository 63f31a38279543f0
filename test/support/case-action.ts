import { systemActor, type Actor } from '../../src/server/access/permissions.ts';
import type { ActInput, ActionContext, ActionHandler } from '../../src/server/cases/actions/index.ts';
import type { CaseCore } from '../../src/server/cases/core.ts';
import type { NewNotification } from '../../src/server/cases/notifications.ts';
import { findTransition, type CaseAction } from '../../shared/cases/state-machine.ts';
import type { CasePatch, CaseRow } from '../../src/server/cases/store.ts';

const at = new Date('2026-11-23T02:00:00Z');

/** A stored case with everything empty but what a test names: enough for a handler that needs no database. */
export function caseRow(over: Partial<CaseRow> = {}): CaseRow {
  return {
    id: 'c1', code: '2026112300001', channel: 'hotline', state: 'received', version: 1, text: '路灯不亮', dup_text: '', nature: 'complaint', category: null,
    priority: 0, urgent: false, lon: null, lat: null, address: null, grid_code: null, area_path: 'c.d', h3: null, reporter_anonymous: false, reporter_name: null,
    reporter_phone: 'sealed', reporter_phone_idx: null, reporter_email: null, rating_token_hash: null, external_ref: null, main_department: null, co_departments: [],
    dispatched_at: null, deadline_hours: null, taxonomy_version: null, working_time: null, due_at: null, yellow_at: null, step_due_at: null, paused_since: null, paused_ms: 0,
    pending_extension_hours: null, supervision: 'none', merged_into: null, answer: null, rating: null, rating_comment: null, rated_at: null, rework_count: 0,
    rating_rework_used: false, created_by: null, created_at: at, updated_at: at, closed_at: null, verified_at: null, ...over,
  };
}

export interface RunResult {
  patch: CasePatch;
  payload: Record<string, unknown>;
  notices: Pick<NewNotification, 'recipient_type' | 'recipient' | 'kind' | 'title'>[];
  extraHours: number;
  afterSteps: number;
}

/** Runs one handler on a case as the workflow would, and returns what it asked the write to do. */
export async function runHandler(handler: ActionHandler, action: CaseAction, c: CaseRow, input: ActInput = {}, opts: { actor?: Actor; core?: Partial<CaseCore>; photos?: number } = {}): Promise<RunResult> {
  const tr = findTransition(c.state, action);
  if (!tr) throw new Error(`${action} is not a transition from ${c.state}`);
  const out: RunResult = { patch: {}, payload: {}, notices: [], extraHours: 0, afterSteps: 0 };
  const ctx: ActionContext = {
    core: (opts.core ?? {}) as CaseCore,
    actor: opts.actor ?? systemActor('c'),
    action, c, tr, input, now: at, reason: input.reason?.trim() || null, evidence: { photos: opts.photos ?? 0 }, category: input.category ?? c.category,
    patch: out.patch, payload: out.payload,
    notice: (recipient_type, recipient, kind, title) => void out.notices.push({ recipient_type, recipient, kind, title }),
    after: () => void out.afterSteps++,
    extendBy: (h) => void (out.extraHours = h),
    alsoChanged: [],
  };
  await handler(ctx);
  return out;
}

export const handlerNow = at;
