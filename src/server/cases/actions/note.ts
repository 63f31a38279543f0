import { holdingUnit } from '../policy.ts';
import type { ActionHandler } from './types.ts';

/**
 * 备注: the note reaches whoever can act on it: the unit holding an open case (unless it wrote the note),
 * else the command centre, also after closure ("updates after closure reach no one").
 */
export const note: ActionHandler = ({ actor, c, notice }) => {
  const holder = holdingUnit(c);
  if (holder && holder !== actor.departmentCode) notice('department', holder, 'case.note', `案件 ${c.code} 有新备注`);
  else if (!actor.permissions.has('case.dispatch')) notice('role', 'dispatcher', 'case.note', `案件 ${c.code} 有新备注`);
};
