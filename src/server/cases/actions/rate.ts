import { invalid } from '../../errors.ts';
import type { ActionHandler } from './types.ts';

/** 评价: the reporter's rating (through the clerk here); 不满意 asks the dispatcher to consider rework. */
export const rate: ActionHandler = ({ c, input, patch, payload, now, notice }) => {
  if (!input.rating) throw invalid('case.rating_required', 'rate 满意 (satisfied), 基本满意 (basically_satisfied) or 不满意 (unsatisfied)');
  patch.rating = input.rating;
  patch.rating_comment = input.comment?.trim() || null;
  patch.rated_at = now;
  payload.rating = input.rating;
  if (input.rating === 'unsatisfied') notice('role', 'dispatcher', 'case.unsatisfied', `案件 ${c.code} 评价不满意，请审核是否返工`);
};
