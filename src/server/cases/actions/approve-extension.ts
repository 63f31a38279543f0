import { invalid } from '../../errors.ts';
import type { ActionHandler } from './types.ts';

/** 批准延期: grants the hours asked for, or fewer; the deadline moves by what was granted. */
export const approveExtension: ActionHandler = ({ c, input, patch, payload, notice, extendBy }) => {
  const asked = c.pending_extension_hours ?? 0;
  const granted = input.hours ?? asked;
  if (granted <= 0 || granted > asked) throw invalid('case.bad_extension', `grant between 0 and the ${asked} hours asked for`);
  extendBy(granted);
  patch.pending_extension_hours = null;
  payload.hours = granted;
  notice('department', c.main_department!, 'case.extension_approved', `案件 ${c.code} 延期 ${granted} 小时已批准`);
};
