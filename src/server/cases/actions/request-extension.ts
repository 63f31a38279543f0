import { invalid } from '../../errors.ts';
import type { ActionHandler } from './types.ts';

/** 申请延期: the unit asks for more hours (up to 30 days); the dispatcher decides. */
export const requestExtension: ActionHandler = ({ c, input, patch, payload, notice }) => {
  const hours = input.hours;
  if (!hours || hours <= 0 || hours > 24 * 30) throw invalid('case.bad_extension', 'ask for between 0 and 720 hours more');
  patch.pending_extension_hours = hours;
  payload.hours = hours;
  notice('role', 'dispatcher', 'case.extension_requested', `案件 ${c.code} 申请延期 ${hours} 小时`);
};
