import { forbidden } from '../errors.ts';

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
  /** 协商议事: run participation spaces, consultations and proposals of one's own area; verify residents in person */
  'participation.organise': ['admin', 'gridworker'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionTable;

export function permissionsOf(userRoles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const [perm, allowed] of Object.entries(permissionTable) as [Permission, readonly Role[]][]) {
    if (allowed.some((r) => userRoles.includes(r))) out.add(perm);
  }
  return out;
}

/** Who is acting: a signed-in user, or the system itself (sweepers, devices, seeds). */
export interface Actor {
  id: string | null;
  username: string;
  roles: readonly string[];
  /** ltree path of the area subtree this actor may see */
  scopePath: string;
  departmentCode: string | null;
  permissions: ReadonlySet<Permission>;
  requestId?: string;
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.permissions.has(permission);
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden(permission);
}

/** The system actor sees the whole city (its scope is the root path of the deployment). */
export function systemActor(cityPath: string, name = 'system'): Actor {
  return {
    id: null,
    username: name,
    roles: ['system'],
    scopePath: cityPath,
    departmentCode: null,
    permissions: new Set(Object.keys(permissionTable) as Permission[]),
  };
}
