import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { requestExtension } from './request-extension.ts';

const handling = () => caseRow({ state: 'handling', main_department: 'SW' });

describe('request_extension (延期申请)', () => {
  it('records the hours asked for and tells the dispatchers', async () => {
    const r = await runHandler(requestExtension, 'request_extension', handling(), { hours: 48, reason: '等材料' });
    expect(r.patch).toEqual({ pending_extension_hours: 48 });
    expect(r.payload).toEqual({ hours: 48 });
    expect(r.notices).toEqual([{ recipient_type: 'role', recipient: 'dispatcher', kind: 'case.extension_requested', title: '案件 2026112300001 申请延期 48 小时' }]);
  });
  it('refuses no hours, negative hours and more than 30 days', async () => {
    for (const hours of [undefined, 0, -1, 721]) {
      await expect(runHandler(requestExtension, 'request_extension', handling(), { hours })).rejects.toMatchObject({ status: 400, code: 'case.bad_extension' });
    }
  });
});
