import type { ActionHandler } from './types.ts';

/** 驳回延期: the request goes, the deadline stays. */
export const denyExtension: ActionHandler = ({ c, patch, notice }) => {
  patch.pending_extension_hours = null;
  notice('department', c.main_department!, 'case.extension_denied', `案件 ${c.code} 延期申请未批准`);
};
