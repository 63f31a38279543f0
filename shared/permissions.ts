/**
 * Roles and THE permission table, shared by the API (which enforces it: src/server/access/permissions.ts) and
 * the console (which shows only what the API will allow). Pure data: no server imports.
 */
export const roles = ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin', 'citizen'] as const;
export type Role = (typeof roles)[number];

/**
 * The single permission table. Every service call checks one of these; the console reads the same table to
 * decide what to show, so a menu never offers what the API will refuse.
 */
export const permissionTable = {
  'org.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'],
  'org.manage': ['admin'],
  'user.read': ['admin'],
  'user.manage': ['admin'],
  'audit.read': ['admin', 'leader'],
  'audit.verify': ['admin'],
  'taxonomy.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'],
  'taxonomy.manage': ['admin'],
  'geo.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'],
  'geo.manage': ['admin', 'dataadmin'],
  'registry.read': ['admin', 'leader', 'dispatcher', 'clerk', 'gridworker', 'dataadmin'],
  'registry.write': ['admin', 'gridworker', 'dataadmin'],
  'registry.import': ['admin', 'dataadmin'],
  /** 查看明文: reveal clear PII for a recorded purpose */
  'registry.reveal': ['admin', 'gridworker'],
  'triage.use': ['admin', 'dispatcher', 'clerk', 'gridworker'],
  'case.create': ['admin', 'dispatcher', 'clerk', 'gridworker', 'citizen'],
  'case.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker'],
  'case.dispatch': ['admin', 'dispatcher'],
  'case.handle': ['admin', 'handler'],
  'case.check': ['admin', 'gridworker', 'dispatcher'],
  'case.supervise': ['admin', 'dispatcher', 'leader'],
  /** 受理 decisions at the front desk: 不受理 and 直接办结 */
  'case.accept': ['admin', 'dispatcher', 'clerk'],
  /** 评价 on the reporter's behalf (the reporter also rates with the secret token from intake) */
  'case.rate': ['admin', 'clerk'],
  /** 查看明文 a reporter's contacts, for a recorded purpose */
  'case.reveal': ['admin', 'dispatcher', 'clerk'],
  /** run background jobs (supervision sweep) on demand */
  'ops.run': ['admin'],
  'dispatch.manage': ['admin'],
  'device.read': ['admin', 'leader', 'dispatcher', 'dataadmin'],
  'device.manage': ['admin', 'dataadmin'],
  'alarm.read': ['admin', 'leader', 'dispatcher'],
  'alarm.manage': ['admin', 'dispatcher'],
  'dashboard.read': ['admin', 'leader', 'dispatcher'],
  /** 工作日历 holidays and office hours deadlines are counted on */
  'calendar.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'],
  'calendar.manage': ['admin'],
  /** Open311 API keys of external systems */
  'open311.manage': ['admin'],
  /** 数据大厅: search the catalogue, see one's own requests and the reads of one's data */
  'datahall.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'],
  /** grade resources and fields, register consumer apps, decide every request as the data admin */
  'datahall.manage': ['admin', 'dataadmin'],
  /** request another department's data, publish one's own datasets */
  'datahall.request': ['admin', 'leader', 'dispatcher', 'handler', 'dataadmin'],
  /** decide requests for one's own department's resources (and, with datahall.manage, any) */
  'datahall.approve': ['admin', 'leader', 'handler', 'dataadmin'],
  /** 送达 the notification outbox: dead letters, retries, the dev outbox */
  'notify.manage': ['admin'],
  /** 回访 work the callback queue and record the caller's rating */
  'callback.work': ['admin', 'clerk'],
  /** 知识库 search the service catalogue (the portal has a public twin) */
  'knowledge.read': ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'],
  'knowledge.manage': ['admin'],
  /** 综合评价: indicators, scores and rankings (leaders and admins the city, a district leader its district) */
  'evaluation.read': ['admin', 'leader', 'dispatcher'],
  /** 考核方案 weight schemes and rollup rebuilds */
  'evaluation.manage': ['admin'],
  /** 矛盾纠纷 register (台账) and dispute pages, in the data scope */
  'dispute.read': ['admin', 'leader', 'dispatcher', 'clerk', 'gridworker'],
  /** register disputes, record sessions, outcomes, 回访, re-open; record screening rounds (排查) */
  'dispute.manage': ['admin', 'dispatcher', 'gridworker'],
  /** 风险预警 warnings: see them */
  'warning.read': ['admin', 'leader', 'dispatcher'],
  /** acknowledge, assign, resolve, dismiss warnings */
  'warning.manage': ['admin', 'leader', 'dispatcher'],
  /** 巡查 / 走访: own patrols and visits */
  'fieldwork.record': ['admin', 'gridworker'],
  /** patrol logs, visit due lists and check-in summaries of the grid workers in scope */
  'fieldwork.read': ['admin', 'leader', 'dispatcher', 'gridworker'],
  /** 协商议事: run participation spaces, consultations and proposals of one's own area; verify residents in person */
  'participation.organise': ['admin', 'gridworker'],
  // ---- issue #18 devices/admin screens
  /** 感知设备类型: define device types, their metrics, units and valid ranges */
  'devicetype.manage': ['admin'],
  /** 系统设置 deployment settings an admin may change in the browser */
  'settings.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionTable;

export function permissionsOf(userRoles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const [perm, allowed] of Object.entries(permissionTable) as [Permission, readonly Role[]][]) {
    if (allowed.some((r) => userRoles.includes(r))) out.add(perm);
  }
  return out;
}
