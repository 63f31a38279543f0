import { assertCan, type Actor } from '../access/permissions.ts';
import { CalendarError } from '../calendar/working-time.ts';
import type { Db } from '../db/database.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import { onSiteGroups, type CaseCore } from './core.ts';
import { pauseClock, resumeClock, startClock, stepDue, type ClockPatch } from './deadlines.ts';
import { allowedActions, caseActions, clockRunningStates, findTransition, openStates, remarkActions, stateNames, type CaseAction, type CaseState, type Transition } from './state-machine.ts';
import type { CaseChange } from './event-bus.ts';
import type { NewNotification } from './notifications.ts';
import type { CasePatch, CaseRow, Rating } from './store.ts';

export interface ActInput {
  /** the version the caller saw; a stale one is refused with 409 case.conflict */
  version?: number;
  reason?: string;
  attachments?: string[];
  category?: string;
  nature?: string;
  urgent?: boolean;
  priority?: number;
  department?: string;
  coDepartments?: string[];
  /** merge: the main case's code */
  into?: string;
  /** extension hours (requested, or granted ≤ requested) */
  hours?: number;
  /** answer text: 直接办结, 反馈 result, 结案 answer */
  answer?: string;
  rating?: Rating;
  comment?: string;
}

export const illegalTransition = (c: CaseRow, action: string) =>
  new AppError(
    409,
    'case.illegal_transition',
    `case ${c.code} is ${c.state} (${stateNames[c.state]}); ${action} is not possible now. Allowed next: ${allowedActions(c.state).join(', ') || 'none'}`,
    { state: c.state, action, allowed: allowedActions(c.state) },
  );

const staleVersion = (c: CaseRow) => conflict('case.conflict', `case ${c.code} was changed by someone else; reload it and try again`, { state: c.state, version: c.version });

const hasContact = (c: CaseRow) => c.reporter_phone !== null || c.reporter_email !== null;

/** The unit that holds an open case right now (dispatched to it and not yet reported back), if any. */
const holdingUnit = (c: CaseRow) => (c.main_department && ['dispatched', 'handling', 'extension_requested', 'parked'].includes(c.state) ? c.main_department : null);

/** Actions that are system steps or have their own entry point (public rating) are not reachable here. */
export const httpActions = caseActions.filter((a) => a !== 'close_with_main');

export function createWorkflow(core: CaseCore) {
  const { deps, store, taxonomy, dispatch } = core;
  const { db, clock } = deps;

  function checkActor(actor: Actor, c: CaseRow, tr: Transition) {
    assertCan(actor, tr.permission);
    if (!tr.ownDepartment) return;
    const isAdmin = actor.roles.includes('admin') || actor.roles.includes('system');
    if (actor.departmentCode ? actor.departmentCode !== c.main_department : !isAdmin) {
      throw new AppError(403, 'case.not_your_department', `case ${c.code} is with ${c.main_department ?? 'no department'}; only that department can ${tr.action} it`);
    }
  }

  async function checkAttachments(c: CaseRow, ids: string[]): Promise<{ photos: number }> {
    if (!ids.length) return { photos: 0 };
    const rows = await db.selectFrom('case_attachments').select(['id', 'kind']).where('case_id', '=', c.id).where('id', 'in', ids).execute();
    if (rows.length !== new Set(ids).size) throw invalid('case.unknown_attachment', 'an attachment id does not belong to this case; upload it to this case first');
    return { photos: rows.filter((r) => r.kind === 'photo').length };
  }

  function requireText(value: string | undefined, code: string, what: string): string {
    const v = value?.trim();
    if (!v) throw invalid(code, what);
    return v;
  }

  /** The clock consequence of moving between states: start at first dispatch, stop and restart around pauses. */
  async function clockPatch(c: CaseRow, to: CaseState, now: Date, extraHours = 0): Promise<ClockPatch> {
    const wasRunning = clockRunningStates.has(c.state) && c.due_at !== null;
    const willRun = clockRunningStates.has(to);
    const cal = await core.calendar();
    const clockOf = { deadlineHours: c.deadline_hours, workingTime: c.working_time, dueAt: c.due_at, yellowAt: c.yellow_at, pausedSince: c.paused_since, pausedMs: c.paused_ms };
    if (willRun && !c.due_at) {
      const cat = taxonomy.category(c.category!)!;
      return startClock(now, { hours: cat.deadlineHours, workingTime: cat.workingTime }, cal);
    }
    if (wasRunning && !willRun) return pauseClock(now);
    if (!wasRunning && willRun && c.paused_since) return resumeClock(clockOf, now, cal, extraHours);
    if (extraHours > 0 && c.due_at) return resumeClock({ ...clockOf, pausedSince: now }, now, cal, extraHours);
    return {};
  }

  const clockColumns = (p: ClockPatch): CasePatch => ({
    ...(p.deadlineHours !== undefined ? { deadline_hours: p.deadlineHours } : {}),
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
    checkActor(actor, c, tr);
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
    let extraHours = 0;
    const notice = (recipient_type: NewNotification['recipient_type'], recipient: string, kind: string, title: string) => {
      // a reporter without phone or email (anonymous) has nowhere to receive the outcome but the public page
      if (recipient_type === 'reporter' && !hasContact(c)) return;
      notices.push({ recipient_type, recipient, case_id: c.id, area_path: c.area_path, kind, title, created_at: now });
    };

    if (input.category !== undefined && ['file', 'dispatch', 'redispatch'].includes(action)) {
      if (!taxonomy.category(input.category)) throw invalid('case.unknown_category', `category ${input.category} is not in the taxonomy`);
      if (c.due_at && input.category !== c.category) throw conflict('case.category_locked', 'the handling clock has started; the category can no longer change');
      patch.category = input.category;
      payload.category = { from: c.category, to: input.category };
      if (taxonomy.category(input.category)!.urgent) patch.urgent = true;
    }
    if (input.nature !== undefined && ['file', 'answer'].includes(action)) {
      if (!taxonomy.natures.some((n) => n.code === input.nature)) throw invalid('case.unknown_nature', `nature ${input.nature} is unknown`);
      patch.nature = input.nature;
    }
    if (input.urgent !== undefined && action === 'file') patch.urgent = input.urgent;
    if (input.priority !== undefined && action === 'file') patch.priority = input.priority;
    const category = (patch.category as string | undefined) ?? c.category;

    switch (action) {
      case 'reject':
      case 'void':
        patch.closed_at = now;
        break;
      case 'answer': {
        const nature = (patch.nature as string | undefined) ?? c.nature;
        if (nature !== 'consult') throw conflict('case.not_consultation', '直接办结 is for how-to questions (nature consult); file the case for dispatch instead', { nature });
        patch.answer = requireText(input.answer, 'case.answer_required', 'give the answer told to the caller');
        patch.closed_at = now;
        notice('reporter', c.code, 'case.outcome', '您的诉求已办结');
        break;
      }
      case 'merge': {
        const into = requireText(input.into, 'case.merge_target_required', 'name the main case (into)');
        const main = await store.findByCode(db, into, actor.scopePath);
        if (!main) throw notFound('case', into);
        if (main.id === c.id) throw invalid('case.bad_merge_target', 'a case cannot merge into itself');
        if (!openStates.includes(main.state)) throw conflict('case.bad_merge_target', `case ${main.code} is ${main.state}; merge only into an open case`, { state: main.state });
        patch.merged_into = main.id;
        payload.into = main.code;
        break;
      }
      case 'dispatch':
      case 'redispatch': {
        if (!category) throw invalid('case.category_required', 'set the category before dispatching');
        const resolved = await dispatch.resolve(db, category, c.area_path);
        const department = input.department ?? resolved.department;
        const co = [...new Set(input.coDepartments ?? (input.department ? [] : resolved.coDepartments))].filter((d) => d !== department);
        await dispatch.guard(db, category, c.area_path, department);
        for (const d of co) if (!(await core.org.findDepartment(db, d))) throw invalid('department.unknown', `department ${d} does not exist`);
        patch.main_department = department;
        patch.co_departments = co;
        payload.department = department;
        payload.coDepartments = co;
        payload.source = input.department ? 'dispatcher' : resolved.rule ? 'catalogue' : 'taxonomy';
        if (action === 'dispatch' || c.state !== 'returned') patch.dispatched_at = c.dispatched_at ?? now;
        if (c.state === 'returned') after.push((tx) => dispatch.resolveObjections(tx, c.id, department, now).then(() => undefined));
        notice('department', department, 'case.dispatched', `新派遣案件 ${c.code}`);
        for (const d of co) notice('department', d, 'case.co_handling', `协办案件 ${c.code}`);
        break;
      }
      case 'object':
        after.push((tx) =>
          dispatch.recordObjection(tx, { case_id: c.id, department_code: c.main_department!, reason: reason!, objected_by: actor.id, objected_by_name: actor.username, objected_at: now }).then(() => undefined),
        );
        payload.department = c.main_department;
        notice('role', 'dispatcher', 'case.objected', `案件 ${c.code} 被退单`);
        break;
      case 'request_extension': {
        const hours = input.hours;
        if (!hours || hours <= 0 || hours > 24 * 30) throw invalid('case.bad_extension', 'ask for between 0 and 720 hours more');
        patch.pending_extension_hours = hours;
        payload.hours = hours;
        notice('role', 'dispatcher', 'case.extension_requested', `案件 ${c.code} 申请延期 ${hours} 小时`);
        break;
      }
      case 'approve_extension': {
        const asked = c.pending_extension_hours ?? 0;
        const granted = input.hours ?? asked;
        if (granted <= 0 || granted > asked) throw invalid('case.bad_extension', `grant between 0 and the ${asked} hours asked for`);
        extraHours = granted;
        patch.pending_extension_hours = null;
        payload.hours = granted;
        notice('department', c.main_department!, 'case.extension_approved', `案件 ${c.code} 延期 ${granted} 小时已批准`);
        break;
      }
      case 'deny_extension':
        patch.pending_extension_hours = null;
        notice('department', c.main_department!, 'case.extension_denied', `案件 ${c.code} 延期申请未批准`);
        break;
      case 'report':
        patch.answer = requireText(input.answer, 'case.result_required', 'describe what was done (the handling result)');
        break;
      case 'check': {
        const group = category ? taxonomy.category(category)?.group : undefined;
        if (group && onSiteGroups.has(group) && evidence.photos === 0) {
          throw invalid('case.photo_required', `category ${category} is checked on site: attach at least one photo taken at the place`);
        }
        break;
      }
      case 'rework':
        if (c.state === 'rated') {
          if (c.rating !== 'unsatisfied') throw conflict('case.rework_not_allowed', 'only a 不满意 rating can reopen a case', { rating: c.rating });
          if (c.rating_rework_used) throw conflict('case.rework_not_allowed', 'a dissatisfied rating reopens a case only once');
          patch.rating_rework_used = true;
          patch.rating = null;
          patch.rating_comment = null;
          patch.rated_at = null;
          patch.closed_at = null;
          payload.previousRating = c.rating;
        }
        patch.rework_count = c.rework_count + 1;
        notice('department', c.main_department!, 'case.rework', `案件 ${c.code} 返工`);
        break;
      case 'close': {
        patch.answer = input.answer?.trim() || c.answer;
        if (!patch.answer) throw invalid('case.answer_required', 'give the answer the reporter will receive');
        patch.closed_at = now;
        notice('reporter', c.code, 'case.outcome', '您的诉求已办结');
        after.push(async (tx, updated) => void mergedChanges.push(...(await closeMerged(tx, actor, updated, now))));
        break;
      }
      case 'note': {
        // the note reaches whoever can act on it: the unit holding an open case (unless it wrote the note),
        // else the command centre, also after closure ("updates after closure reach no one")
        const holder = holdingUnit(c);
        if (holder && holder !== actor.departmentCode) notice('department', holder, 'case.note', `案件 ${c.code} 有新备注`);
        else if (!actor.permissions.has('case.dispatch')) notice('role', 'dispatcher', 'case.note', `案件 ${c.code} 有新备注`);
        break;
      }
      case 'urge': {
        payload.urges = (await store.countEvents(db, c.id, 'urge')) + 1;
        const holder = holdingUnit(c);
        if (holder) notice('department', holder, 'case.urged', `案件 ${c.code} 被催办（第 ${payload.urges} 次）`);
        notice('role', 'dispatcher', 'case.urged', `案件 ${c.code} 被催办（第 ${payload.urges} 次）`);
        break;
      }
      case 'rate':
        if (!input.rating) throw invalid('case.rating_required', 'rate 满意 (satisfied), 基本满意 (basically_satisfied) or 不满意 (unsatisfied)');
        patch.rating = input.rating;
        patch.rating_comment = input.comment?.trim() || null;
        patch.rated_at = now;
        payload.rating = input.rating;
        if (input.rating === 'unsatisfied') notice('role', 'dispatcher', 'case.unsatisfied', `案件 ${c.code} 评价不满意，请审核是否返工`);
        break;
      default:
        break;
    }

    try {
      if (!remark) Object.assign(patch, clockColumns(await clockPatch({ ...c, category }, tr.to, now, extraHours)));
    } catch (err) {
      if (err instanceof CalendarError) throw new AppError(409, 'case.no_deadline', err.message);
      throw err;
    }

    const mergedChanges: CaseChange[] = [];
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

  /** The merged cases (并单) close with their main case and carry its answer to their own reporters. */
  async function closeMerged(tx: Db, actor: Actor, main: CaseRow, now: Date): Promise<CaseChange[]> {
    const changes: CaseChange[] = [];
    for (const m of await store.mergedInto(tx, main.id)) {
      const row = await store.updateIfVersion(tx, m.id, m.version, { state: 'closed', answer: main.answer, closed_at: now, updated_at: now, step_due_at: null });
      if (!row) throw staleVersion(m);
      await core.recordEvent(tx, row, actor, { action: 'close_with_main', from: 'merged', to: 'closed', payload: { main: main.code } });
      if (hasContact(m)) await core.notify(tx, [{ recipient_type: 'reporter', recipient: m.code, case_id: m.id, area_path: m.area_path, kind: 'case.outcome', title: '您的诉求已办结', created_at: now }]);
      changes.push(core.change(row, 'close_with_main', 'merged'));
    }
    return changes;
  }

  return { act };
}
