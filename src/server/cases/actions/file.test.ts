import { describe, expect, it } from 'vitest';
import { caseRow, runHandler } from '../../../../test/support/case-action.ts';
import type { CaseCore } from '../core.ts';
import { file } from './file.ts';

const grid = (requires: boolean) => ({ deps: { db: {} }, store: { gridVerifiesBeforeFiling: async () => requires } }) as unknown as CaseCore;

describe('file (立案)', () => {
  it('refuses a citizen report not yet verified in a grid that requires it', async () => {
    await expect(runHandler(file, 'file', caseRow({ grid_code: 'g1' }), {}, { core: grid(true) })).rejects.toMatchObject({ status: 409, code: 'case.needs_verification' });
  });
  it('files a verified report, a staff report, a report without grid, or one in a grid that does not require it', async () => {
    await runHandler(file, 'file', caseRow({ grid_code: 'g1', verified_at: new Date() }), {}, { core: grid(true) });
    await runHandler(file, 'file', caseRow({ grid_code: 'g1', channel: 'gridworker' }), {}, { core: grid(true) });
    await runHandler(file, 'file', caseRow({ grid_code: null }), {}, { core: grid(true) });
    await runHandler(file, 'file', caseRow({ grid_code: 'g1' }), {}, { core: grid(false) });
  });
});
