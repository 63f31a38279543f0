import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import type { CaseCore } from '../core.ts';
import { check } from './check.ts';

const core = { taxonomy: { category: (code: string) => ({ group: code.slice(0, 2) }) } } as unknown as CaseCore;

describe('check (核查)', () => {
  it('an on-site category needs a photo; an office one does not', async () => {
    const onSite = caseRow({ state: 'reported', category: '0101' });
    await expect(runHandler(check, 'check', onSite, {}, { core })).rejects.toMatchObject({ status: 400, code: 'case.photo_required' });
    await expect(runHandler(check, 'check', onSite, {}, { core, photos: 1 })).resolves.toMatchObject({ patch: {} });
    await expect(runHandler(check, 'check', caseRow({ state: 'reported', category: '1201' }), {}, { core })).resolves.toMatchObject({ patch: {} });
  });
});
