import type { ActionHandler } from './types.ts';

/**
 * 核实: the on-site finding on a report before 立案. The case stays 受理 (a remark action); the event keeps the
 * finding and how many photos back it, and the command centre hears of it, since filing is theirs to decide.
 */
export const verify: ActionHandler = ({ c, now, patch, evidence, payload, notice }) => {
  // what 立案 checks in a grid that requires verification first (actions/file.ts)
  patch.verified_at = now;
  payload.verified = true;
  payload.photos = evidence.photos;
  notice('role', 'dispatcher', 'case.verified', `案件 ${c.code} 已现场核实，可决定是否立案`);
};
