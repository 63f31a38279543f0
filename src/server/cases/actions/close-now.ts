import type { ActionHandler } from './types.ts';

/** 不予受理 reject and 作废 void: the case ends here, unanswered. */
export const closeNow: ActionHandler = ({ patch, now }) => {
  patch.closed_at = now;
};
