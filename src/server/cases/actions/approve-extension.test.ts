import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { approveExtension } from './approve-extension.ts';

const asking = () => caseRow({ state: 'extension_requested', main_department: 'SW', pending_extension_hours: 24 });

describe('approve_extension (批准延期)', () => {
  it('grants what was asked by default, or less, and moves the deadline by that', async () => {
    const all = await runHandler(approveExtension, 'approve_extension', asking());
    expect(all.extraHours).toBe(24);
    expect(all.patch).toEqual({ pending_extension_hours: null });
    const some = await runHandler(approveExtension, 'approve_extension', asking(), { hours: 8 });
    expect(some.extraHours).toBe(8);
    expect(some.notices[0]).toMatchObject({ recipient_type: 'department', recipient: 'SW', kind: 'case.extension_approved' });
  });
  it('never grants more than was asked', async () => {
    await expect(runHandler(approveExtension, 'approve_extension', asking(), { hours: 25 })).rejects.toMatchObject({ status: 400, code: 'case.bad_extension' });
  });
});
