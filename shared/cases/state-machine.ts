import type { Permission } from '../permissions.ts';

/**
 * The case lifecycle as data: every legal (state, action) pair, where it leads and which permission it needs.
 * Pure: no clock, no database. The service adds the conditions that need data (own department, a photo, the
 * one rework a dissatisfied rating may cause).
 */

export const caseStates = [
  'received', // 受理
  'filed', // 立案
  'dispatched', // 派遣 (waiting for the department to sign for it)
  'handling', // 处置
  'extension_requested', // 延期申请中: the clock stands still until the dispatcher decides
  'parked', // 挂账
  'reported', // 反馈
  'checked', // 核查
  'closed', // 结案
  'rated', // 评价
  'rejected', // 不受理
  'returned', // 回退 (退单 by the handler: back with the dispatcher)
  'void', // 作废
  'merged', // 合并 into another case
] as const;
export type CaseState = (typeof caseStates)[number];

export const caseActions = [
  'file', // 立案
  'reject', // 不受理
  'answer', // 直接办结 (how-to questions answered by the clerk)
  'void', // 作废
  'merge', // 合并
  'dispatch', // 派遣
  'accept', // 签收
  'object', // 退单
  'redispatch', // 改派
  'request_extension', // 延期申请
  'approve_extension',
  'deny_extension',
  'park', // 挂账
  'unpark',
  'report', // 反馈
  'check', // 核查通过
  'rework', // 返工
  'close', // 结案
  'rate', // 评价
  'note', // 备注: a remark, an instruction (批示) or evidence, in any state; the case does not move
  'urge', // 催办: the reporter called again about an open case; the case does not move
  'verify', // 核实: the grid worker's on-site finding on a report before 立案; the case does not move
  'close_with_main', // internal: a merged case closes with its main case
] as const;
export type CaseAction = (typeof caseActions)[number];

/**
 * Actions that record something on a case without moving it: no state change, no effect on its deadlines.
 * A note after closure still reaches the people who can act on it (the dispatcher), not a void.
 */
export const remarkActions: ReadonlySet<CaseAction> = new Set(['note', 'urge', 'verify']);

/** Actions only the system performs; the HTTP API never accepts them. */
export const internalActions: ReadonlySet<CaseAction> = new Set(['close_with_main']);

/** Actions that are system steps or have their own entry point (public rating) are not reachable here. */
export const httpActions = caseActions.filter((a) => a !== 'close_with_main');

/** Who may perform a transition: a permission, and for handler steps the case's own department. */
export interface Transition {
  from: CaseState;
  action: CaseAction;
  to: CaseState;
  permission: Permission;
  /** only the main responsible department (主办) may do this */
  ownDepartment?: boolean;
  /** a reason is required (objections, rejections, rework, …) */
  needsReason?: boolean;
  /**
   * 核实 before 立案: in a grid that requires on-site verification, a citizen report (see verifiedChannels) must
   * carry a verify first. Whether the grid requires it is data (areas.verify_before_filing), so the service checks.
   */
  needsOnSiteVerification?: boolean;
}

/** Channels whose reports come from citizens (not seen by staff on site): the ones a grid may want verified before 立案. */
export const verifiedChannels: ReadonlySet<string> = new Set(['hotline', 'web', 'app', 'api', 'open311']);

const t = (from: CaseState, action: CaseAction, to: CaseState, permission: Permission, extra: Partial<Transition> = {}): Transition => ({
  from,
  action,
  to,
  permission,
  ...extra,
});

/** Open cases: still someone's work. Duplicate search and dashboards count these. */
export const openStates: readonly CaseState[] = ['received', 'filed', 'dispatched', 'handling', 'extension_requested', 'parked', 'reported', 'checked', 'returned'];

export const transitions: readonly Transition[] = [
  t('received', 'file', 'filed', 'case.dispatch', { needsOnSiteVerification: true }),
  // 核实 before 立案: whoever may check work on site (the grid worker of the case's grid) records what they found
  t('received', 'verify', 'received', 'case.check', { needsReason: true }),
  t('received', 'reject', 'rejected', 'case.accept', { needsReason: true }),
  t('received', 'answer', 'closed', 'case.accept'),
  t('received', 'void', 'void', 'case.dispatch', { needsReason: true }),
  t('filed', 'void', 'void', 'case.dispatch', { needsReason: true }),
  t('returned', 'void', 'void', 'case.dispatch', { needsReason: true }),
  t('received', 'merge', 'merged', 'case.dispatch'),
  t('filed', 'merge', 'merged', 'case.dispatch'),
  t('filed', 'dispatch', 'dispatched', 'case.dispatch'),
  t('dispatched', 'accept', 'handling', 'case.handle', { ownDepartment: true }),
  t('dispatched', 'object', 'returned', 'case.handle', { ownDepartment: true, needsReason: true }),
  t('handling', 'object', 'returned', 'case.handle', { ownDepartment: true, needsReason: true }),
  t('returned', 'redispatch', 'dispatched', 'case.dispatch'),
  t('dispatched', 'redispatch', 'dispatched', 'case.dispatch', { needsReason: true }),
  t('handling', 'redispatch', 'dispatched', 'case.dispatch', { needsReason: true }),
  t('handling', 'request_extension', 'extension_requested', 'case.handle', { ownDepartment: true, needsReason: true }),
  t('extension_requested', 'approve_extension', 'handling', 'case.dispatch'),
  t('extension_requested', 'deny_extension', 'handling', 'case.dispatch', { needsReason: true }),
  t('handling', 'park', 'parked', 'case.dispatch', { needsReason: true }),
  t('parked', 'unpark', 'handling', 'case.dispatch'),
  t('handling', 'report', 'reported', 'case.handle', { ownDepartment: true }),
  t('reported', 'check', 'checked', 'case.check'),
  // a failed check sends the work back (返工); so may a dissatisfied rating, once, after the supervisor's review
  t('reported', 'rework', 'handling', 'case.check', { needsReason: true }),
  t('rated', 'rework', 'handling', 'case.supervise', { needsReason: true }),
  t('checked', 'close', 'closed', 'case.dispatch'),
  t('closed', 'rate', 'rated', 'case.rate'),
  t('merged', 'close_with_main', 'closed', 'case.dispatch'),
  // 备注 on every case still in the books; a void, rejected or merged case takes nothing more (its main case does)
  ...caseStates.filter((s) => !['void', 'rejected', 'merged'].includes(s)).map((state) => t(state, 'note', state, 'case.read', { needsReason: true })),
  // 催办 is taken by the front desk (the reporter calls again) and the command centre, on open cases only
  ...openStates.map((state) => t(state, 'urge', state, 'case.accept')),
];

const index = new Map(transitions.map((tr) => [`${tr.from}:${tr.action}`, tr]));

export function findTransition(from: CaseState, action: CaseAction): Transition | undefined {
  return index.get(`${from}:${action}`);
}

/** The actions a caller may try next from a state (internal ones left out). */
export function allowedActions(from: CaseState): CaseAction[] {
  return transitions.filter((tr) => tr.from === from && !internalActions.has(tr.action)).map((tr) => tr.action);
}


/**
 * The handling clock (处置时限) runs from dispatch while the case is with a department or bounced back to the
 * dispatcher; it stands still while parked, while an extension waits for a decision and after the report.
 */
export const clockRunningStates: ReadonlySet<CaseState> = new Set(['dispatched', 'handling', 'returned']);

export const stateNames: Record<CaseState, string> = {
  received: '受理',
  filed: '立案',
  dispatched: '派遣',
  handling: '处置',
  extension_requested: '延期申请',
  parked: '挂账',
  reported: '反馈',
  checked: '核查',
  closed: '结案',
  rated: '评价',
  rejected: '不受理',
  returned: '回退',
  void: '作废',
  merged: '合并',
};
