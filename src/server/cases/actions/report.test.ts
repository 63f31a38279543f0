import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { report } from './report.ts';

describe('report (反馈)', () => {
  it('keeps the handling result and refuses an empty one', async () => {
    const c = caseRow({ state: 'handling', main_department: 'SW' });
    expect((await runHandler(report, 'report', c, { answer: '已修复' })).patch).toEqual({ answer: '已修复' });
    await expect(runHandler(report, 'report', c, {})).rejects.toMatchObject({ status: 400, code: 'case.result_required' });
  });
});
