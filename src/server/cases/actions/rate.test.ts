import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { rate } from './rate.ts';

describe('rate (评价)', () => {
  it('records the rating; 不满意 asks the dispatchers to review', async () => {
    const closed = caseRow({ state: 'closed' });
    const ok = await runHandler(rate, 'rate', closed, { rating: 'satisfied', comment: '  ' });
    expect(ok.patch).toEqual({ rating: 'satisfied', rating_comment: null, rated_at: handlerNow });
    expect(ok.notices).toEqual([]);
    const bad = await runHandler(rate, 'rate', closed, { rating: 'unsatisfied', comment: '没修好' });
    expect(bad.patch.rating_comment).toBe('没修好');
    expect(bad.notices).toEqual([{ recipient_type: 'role', recipient: 'dispatcher', kind: 'case.unsatisfied', title: '案件 2026112300001 评价不满意，请审核是否返工' }]);
  });
  it('needs a rating', async () => {
    await expect(runHandler(rate, 'rate', caseRow({ state: 'closed' }), {})).rejects.toMatchObject({ status: 400, code: 'case.rating_required' });
  });
});
