import type { z } from 'zod';
import type { area, department, user } from '../../../shared/org.ts';
import type { AreaRow, DepartmentRow, UserView } from './store.ts';

// Presenters decide exactly what leaves the API: never a password hash or a failed-login counter.
export const presentArea = (a: AreaRow): z.infer<typeof area> => ({ code: a.code, name: a.name, level: a.level, path: a.path, parentCode: a.parent_code, verifyBeforeFiling: a.verify_before_filing, active: a.active });

export const presentDepartment = (d: DepartmentRow): z.infer<typeof department> => ({
  code: d.code,
  name: d.name,
  nameEn: d.name_en,
  kind: d.kind,
  areaCode: d.area_code,
  active: d.active,
});

export const presentUser = (u: UserView): z.infer<typeof user> => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  roles: u.roles,
  scope: u.scope_path,
  departmentCode: u.department_code,
  disabled: u.disabled,
  lockedUntil: u.locked_until ? u.locked_until.toISOString() : null,
  mustChangePassword: u.must_change_password,
  createdAt: u.created_at.toISOString(),
});
