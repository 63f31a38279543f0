import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { closeNow } from './close-now.ts';

describe('reject / void', () => {
  it('ends the case now, telling no one', async () => {
    for (const action of ['reject', 'void'] as const) {
      const r = await runHandler(closeNow, action, caseRow(), { reason: '重复来电' });
      expect(r.patch).toEqual({ closed_at: handlerNow });
      expect(r.notices).toEqual([]);
    }
  });
});
