import { holdingUnit } from '../policy.ts';
import type { ActionHandler } from './types.ts';

/** 催办: counted per case; the holding unit and the command centre hear of each one. */
export const urge: ActionHandler = async ({ core, c, payload, notice }) => {
  payload.urges = (await core.store.countEvents(core.deps.db, c.id, 'urge')) + 1;
  const holder = holdingUnit(c);
  if (holder) notice('department', holder, 'case.urged', `案件 ${c.code} 被催办（第 ${payload.urges} 次）`);
  notice('role', 'dispatcher', 'case.urged', `案件 ${c.code} 被催办（第 ${payload.urges} 次）`);
};
