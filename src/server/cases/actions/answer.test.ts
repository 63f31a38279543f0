import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { answer } from './answer.ts';

describe('answer (直接办结)', () => {
  it('closes a how-to question with the answer and tells the reporter', async () => {
    const r = await runHandler(answer, 'answer', caseRow({ nature: 'consult' }), { answer: ' 拨打 12345 转 2 ' });
    expect(r.patch).toEqual({ answer: '拨打 12345 转 2', closed_at: handlerNow });
    expect(r.notices).toEqual([{ recipient_type: 'reporter', recipient: '2026112300001', kind: 'case.outcome', title: '您的诉求已办结' }]);
  });
  it('is only for consultations, and needs an answer', async () => {
    await expect(runHandler(answer, 'answer', caseRow({ nature: 'complaint' }), { answer: 'x' })).rejects.toMatchObject({ status: 409, code: 'case.not_consultation' });
    await expect(runHandler(answer, 'answer', caseRow({ nature: 'consult' }), { answer: '  ' })).rejects.toMatchObject({ status: 400, code: 'case.answer_required' });
  });
});
