import { invalid } from '../../errors.ts';
import type { ActionHandler } from './types.ts';

/**
 * 派遣 and 改派: the dispatcher's unit, or the catalogue's (权责清单) for the category and place, checked by the
 * territorial guard; co-handling units must exist. Redispatching a returned case settles its objections.
 */
export const dispatch: ActionHandler = async ({ core, action, c, input, category, patch, payload, now, notice, after }) => {
  const { dispatch: catalogue, deps } = core;
  const db = deps.db;
  if (!category) throw invalid('case.category_required', 'set the category before dispatching');
  const resolved = await catalogue.resolve(db, category, c.area_path);
  const department = input.department ?? resolved.department;
  const co = [...new Set(input.coDepartments ?? (input.department ? [] : resolved.coDepartments))].filter((d) => d !== department);
  await catalogue.guard(db, category, c.area_path, department);
  for (const d of co) if (!(await core.org.findDepartment(db, d))) throw invalid('department.unknown', `department ${d} does not exist`);
  patch.main_department = department;
  patch.co_departments = co;
  payload.department = department;
  payload.coDepartments = co;
  payload.source = input.department ? 'dispatcher' : resolved.rule ? 'catalogue' : 'taxonomy';
  if (action === 'dispatch' || c.state !== 'returned') patch.dispatched_at = c.dispatched_at ?? now;
  if (c.state === 'returned') after((tx) => catalogue.resolveObjections(tx, c.id, department, now).then(() => undefined));
  notice('department', department, 'case.dispatched', `新派遣案件 ${c.code}`);
  for (const d of co) notice('department', d, 'case.co_handling', `协办案件 ${c.code}`);
};
