import { forbidden } from '../errors.ts';
import { permissionTable, type Permission } from '../../../shared/permissions.ts';

export { permissionsOf, permissionTable, roles, type Permission, type Role } from '../../../shared/permissions.ts';

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
