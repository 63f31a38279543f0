import type { Actor } from '../access/permissions.ts';
import { CalendarError } from '../calendar/working-time.ts';
import type { Db } from '../db/database.ts';
import { AppError, invalid } from '../errors.ts';
import { actionHandlers, type ActInput, type ActionContext } from './actions/index.ts';
import { applyClassification } from './actions/classify.ts';
import { illegalTransition, staleVersion } from './actions/errors.ts';
import type { CaseCore } from './core.ts';
import { pauseClock, resumeClock, startClock, stepDue, type ClockPatch } from './deadlines.ts';
import type { CaseChange } from './event-bus.ts';
import type { NewNotification } from './notifications.ts';
import { assertMayAct, hasContact } from './policy.ts';
import { clockRunningStates, findTransition, remarkActions, type CaseAction, type CaseState } from '../../../shared/cases/state-machine.ts';
import type { CasePatch, CaseRow } from './store.ts';

export type { ActInput } from './actions/index.ts';
export { illegalTransition } from './actions/errors.ts';

export function createWorkflow(core: CaseCore) {
  const { deps, store, taxonomy } = core;
  const { db, clock } = deps;

  async function checkAttachments(c: CaseRow, ids: string[]): Promise<{ photos: number }> {
    if (!ids.length) return { photos: 0 };
    const rows = await store.attachmentKinds(db, c.id, ids);
    if (rows.length !== new Set(ids).size) throw invalid('case.unknown_attachment', 'an attachment id does not belong to this case; upload it to this case first');
    return { photos: rows.filter((r) => r.kind === 'photo').length };
  }

  /** The clock consequence of moving between states: start at first dispatch, stop and restart around pauses. */
  async function clockPatch(c: CaseRow, to: CaseState, now: Date, extraHours = 0): Promise<ClockPatch> {
    const wasRunning = clockRunningStates.has(c.state) && c.due_at !== null;
    const willRun = clockRunningStates.has(to);
    const cal = await core.calendar();
    const clockOf = { deadlineHours: c.deadline_hours, workingTime: c.working_time, dueAt: c.due_at, yellowAt: c.yellow_at, pausedSince: c.paused_since, pausedMs: c.paused_ms };
    if (willRun && !c.due_at) {
      // the limit of the version current when the clock starts; stored on the case with its version number, so a
      // later taxonomy change never rewrites a running deadline
      const version = await core.taxonomyVersion();
      const cat = version.rule(c.category!)!;
      return { ...startClock(now, { hours: cat.deadlineHours, workingTime: cat.workingTime }, cal), taxonomyVersion: version.version };
    }
    if (wasRunning && !willRun) return pauseClock(now);
    if (!wasRunning && willRun && c.paused_since) return resumeClock(clockOf, now, cal, extraHours);
    if (extraHours > 0 && c.due_at) return resumeClock({ ...clockOf, pausedSince: now }, now, cal, extraHours);
    return {};
  }

  const clockColumns = (p: ClockPatch): CasePatch => ({
    ...(p.deadlineHours !== undefined ? { deadline_hours: p.deadlineHours } : {}),
    ...(p.taxonomyVersion !== undefined ? { taxonomy_version: p.taxonomyVersion } : {}),
    ...(p.workingTime !== undefined ? { working_time: p.workingTime } : {}),
    ...(p.dueAt !== undefined ? { due_at: p.dueAt } : {}),
    ...(p.yellowAt !== undefined ? { yellow_at: p.yellowAt } : {}),
    ...(p.pausedSince !== undefined ? { paused_since: p.pausedSince } : {}),
    ...(p.pausedMs !== undefined ? { paused_ms: p.pausedMs } : {}),
  });

  /**
   * Performs one transition: checks the state machine, the permission and the action's own conditions, then
   * writes the case (only if its version is unchanged), the event and the audit entry in one transaction.
   */
  async function act(actor: Actor, code: string, action: CaseAction, input: ActInput): Promise<CaseRow> {
    const c = await core.visibleCase(actor, code);
    // A caller acting on an outdated view learns that first: reload, then decide again.
    if (input.version !== undefined && input.version !== c.version) throw staleVersion(c);
    const tr = findTransition(c.state, action);
    if (!tr || action === 'close_with_main') throw illegalTransition(c, action);
    assertMayAct(actor, c, tr);
    const reason = input.reason?.trim() || null;
    if (tr.needsReason && !reason) throw invalid('case.reason_required', `${action} needs a reason`);
    const attachments = [...new Set(input.attachments ?? [])];
    const evidence = await checkAttachments(c, attachments);

    const now = clock.now();
    const remark = remarkActions.has(action);
    // a remark leaves state, step deadline and handling clock as they are
    const patch: CasePatch = remark ? { updated_at: now } : { state: tr.to, updated_at: now, step_due_at: stepDue(tr.to, now) };
    const payload: Record<string, unknown> = {};
    const notices: NewNotification[] = [];
    const after: ((tx: Db, updated: CaseRow) => Promise<void>)[] = [];
    const mergedChanges: CaseChange[] = [];
    let extraHours = 0;
    // categories as the current taxonomy version has them (one an admin added is valid at once)
    const category = applyClassification(input.category !== undefined ? await core.taxonomyVersion() : taxonomy, c, action, input, patch, payload);
    const ctx: ActionContext = {
      core, actor, action, c, tr, input, now, reason, evidence, category, patch, payload,
      notice(recipient_type, recipient, kind, title) {
        if (recipient_type === 'reporter' && !hasContact(c)) return;
        notices.push({ recipient_type, recipient, case_id: c.id, area_path: c.area_path, kind, title, created_at: now });
      },
      after: (step) => void after.push(step),
      extendBy: (hours) => void (extraHours = hours),
      alsoChanged: mergedChanges,
    };
    await actionHandlers[action]?.(ctx);

    try {
      if (!remark) Object.assign(patch, clockColumns(await clockPatch({ ...c, category }, tr.to, now, extraHours)));
    } catch (err) {
      if (err instanceof CalendarError) throw new AppError(409, 'case.no_deadline', err.message);
      throw err;
    }

    const updated = await db.transaction().execute(async (tx) => {
      const row = await store.updateIfVersion(tx, c.id, c.version, patch);
      if (!row) throw staleVersion(c);
      await core.recordEvent(tx, row, actor, { action, from: c.state, to: tr.to, reason, attachments, payload });
      for (const f of after) await f(tx, row);
      await core.notify(tx, notices);
      return row;
    });
    core.bus.publish(core.change(updated, action, c.state));
    for (const ch of mergedChanges) core.bus.publish(ch);
    return updated;
  }

  return { act };
}
