import { conflict } from '../../errors.ts';
import type { ActionHandler } from './types.ts';

/** 返工: back to the unit; from a rating only a 不满意 one, and only once per case. */
export const rework: ActionHandler = ({ c, patch, payload, notice }) => {
  if (c.state === 'rated') {
    if (c.rating !== 'unsatisfied') throw conflict('case.rework_not_allowed', 'only a 不满意 rating can reopen a case', { rating: c.rating });
    if (c.rating_rework_used) throw conflict('case.rework_not_allowed', 'a dissatisfied rating reopens a case only once');
    patch.rating_rework_used = true;
    patch.rating = null;
    patch.rating_comment = null;
    patch.rated_at = null;
    patch.closed_at = null;
    payload.previousRating = c.rating;
  }
  patch.rework_count = c.rework_count + 1;
  notice('department', c.main_department!, 'case.rework', `案件 ${c.code} 返工`);
};
