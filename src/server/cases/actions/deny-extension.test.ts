import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { denyExtension } from './deny-extension.ts';

describe('deny_extension (驳回延期)', () => {
  it('drops the request, leaves the deadline, tells the unit', async () => {
    const r = await runHandler(denyExtension, 'deny_extension', caseRow({ state: 'extension_requested', main_department: 'SW', pending_extension_hours: 24 }));
    expect(r.patch).toEqual({ pending_extension_hours: null });
    expect(r.extraHours).toBe(0);
    expect(r.notices).toEqual([{ recipient_type: 'department', recipient: 'SW', kind: 'case.extension_denied', title: '案件 2026112300001 延期申请未批准' }]);
  });
});
