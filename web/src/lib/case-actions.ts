import { findTransition, type CaseAction, type CaseState } from '../../../shared/cases/state-machine.ts';

/**
 * Which case actions a user is offered, from the server's own state machine (imported, not copied: it is a
 * pure module), and which inputs each action's form asks for.
 */

export type ActionField = 'reason' | 'answer' | 'category' | 'department' | 'into' | 'hours' | 'rating' | 'photos' | 'urgent';

export interface ActionSpec {
  fields: readonly ActionField[];
  /** inputs that must be filled before the form can be sent */
  required: readonly ActionField[];
  /** shown in red: the step undoes or refuses work */
  danger?: boolean;
}

const specs: Partial<Record<CaseAction, ActionSpec>> = {
  file: { fields: ['category', 'urgent'], required: [] },
  reject: { fields: ['reason'], required: ['reason'], danger: true },
  answer: { fields: ['answer'], required: ['answer'] },
  void: { fields: ['reason'], required: ['reason'], danger: true },
  merge: { fields: ['into'], required: ['into'] },
  dispatch: { fields: ['category', 'department'], required: [] },
  redispatch: { fields: ['department', 'reason'], required: [] },
  accept: { fields: [], required: [] },
  object: { fields: ['reason'], required: ['reason'], danger: true },
  request_extension: { fields: ['hours', 'reason'], required: ['hours', 'reason'] },
  approve_extension: { fields: ['hours'], required: [] },
  deny_extension: { fields: ['reason'], required: ['reason'], danger: true },
  park: { fields: ['reason'], required: ['reason'] },
  unpark: { fields: [], required: [] },
  report: { fields: ['answer', 'photos'], required: ['answer'] },
  check: { fields: ['reason', 'photos'], required: [] },
  rework: { fields: ['reason'], required: ['reason'], danger: true },
  close: { fields: ['answer'], required: [] },
  rate: { fields: ['rating', 'reason'], required: ['rating'] },
  note: { fields: ['reason', 'photos'], required: ['reason'] },
  urge: { fields: ['reason'], required: [] },
  verify: { fields: ['reason', 'photos'], required: ['reason'] },
};

export function actionSpec(action: string): ActionSpec {
  return specs[action as CaseAction] ?? { fields: ['reason'], required: [] };
}

/** Some transitions need a reason only from some states (改派 of a case the unit still holds). */
export function reasonRequired(state: string, action: string): boolean {
  const tr = findTransition(state as CaseState, action as CaseAction);
  return !!tr?.needsReason;
}

/**
 * The actions this user may try on a case: allowed from its state (the server lists them), permitted by the
 * user's role, and — for a department's own steps — only when the case is with the user's department.
 */
export function actionsFor(
  c: { state: string; allowedActions: readonly string[]; department: { main: string | null } },
  me: { permissions: readonly string[]; departmentCode: string | null; roles: readonly string[] },
): string[] {
  const perms = new Set(me.permissions);
  return c.allowedActions.filter((action) => {
    const tr = findTransition(c.state as CaseState, action as CaseAction);
    if (!tr || !perms.has(tr.permission)) return false;
    if (tr.ownDepartment && !me.roles.includes('admin')) return me.departmentCode !== null && me.departmentCode === c.department.main;
    return true;
  });
}

/** Body of POST /cases/{code}/actions from a filled form; empty inputs are left out so server defaults apply. */
export function actionBody(
  action: string,
  version: number,
  v: { reason?: string; answer?: string; category?: string; department?: string; into?: string; hours?: number | null; rating?: string; urgent?: boolean; attachments?: string[] },
): Record<string, unknown> {
  const body: Record<string, unknown> = { action, version };
  const text = (s?: string) => (s && s.trim() ? s.trim() : undefined);
  const put = (k: string, val: unknown) => val !== undefined && val !== null && val !== '' && (body[k] = val);
  put('reason', text(v.reason));
  put('answer', text(v.answer));
  put('category', v.category);
  put('department', v.department);
  put('into', text(v.into));
  put('hours', v.hours ?? undefined);
  put('rating', v.rating);
  if (action === 'rate') {
    delete body.reason;
    put('comment', text(v.reason));
  }
  if (v.urgent !== undefined && action === 'file') body.urgent = v.urgent;
  if (v.attachments?.length) body.attachments = v.attachments;
  return body;
}
