import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { rework } from './rework.ts';

describe('rework (返工)', () => {
  it('from a check: counts the rework and tells the unit', async () => {
    const r = await runHandler(rework, 'rework', caseRow({ state: 'reported', main_department: 'SW', rework_count: 1 }), { reason: '未修好' });
    expect(r.patch).toEqual({ rework_count: 2 });
    expect(r.notices[0]).toMatchObject({ recipient_type: 'department', recipient: 'SW', kind: 'case.rework' });
  });
  it('from a rating: only 不满意, only once, and the rating is cleared', async () => {
    const rated = (over = {}) => caseRow({ state: 'rated', main_department: 'SW', rating: 'unsatisfied', closed_at: handlerNow, ...over });
    const r = await runHandler(rework, 'rework', rated(), { reason: '复查' });
    expect(r.patch).toMatchObject({ rating_rework_used: true, rating: null, rating_comment: null, rated_at: null, closed_at: null, rework_count: 1 });
    expect(r.payload).toEqual({ previousRating: 'unsatisfied' });
    await expect(runHandler(rework, 'rework', rated({ rating: 'satisfied' }), { reason: 'x' })).rejects.toMatchObject({ status: 409, code: 'case.rework_not_allowed' });
    await expect(runHandler(rework, 'rework', rated({ rating_rework_used: true }), { reason: 'x' })).rejects.toMatchObject({ status: 409, code: 'case.rework_not_allowed' });
  });
});
