import { describe, expect, it } from 'vitest';
import { confidentCases } from './bulk.ts';

const row = (code: string, state: string, category: string | null) => ({ code, state, category: category ? { code: category } : null });

describe('bulk dispatch picks only confident cases', () => {
  it('takes waiting cases whose triage is confident and agrees with the case', () => {
    const rows = [row('a', 'received', null), row('b', 'filed', '0501'), row('c', 'received', '0101'), row('d', 'received', null), row('e', 'dispatched', null)];
    const guesses = new Map([
      ['a', { code: '0501', confidence: 0.95 }],
      ['b', { code: '0501', confidence: 0.9 }],
      ['c', { code: '0502', confidence: 0.99 }], // the clerk chose otherwise: a human looks first
      ['d', { code: '0101', confidence: 0.6 }], // not sure enough
      ['e', { code: '0101', confidence: 0.99 }], // already dispatched
    ]);
    expect(confidentCases(rows, guesses).map((r) => r.code)).toEqual(['a', 'b']);
  });

  it("uses triage's own calibrated threshold when it sends one", () => {
    const rows = [row('a', 'received', null)];
    expect(confidentCases(rows, new Map([['a', { code: '0501', confidence: 0.82, threshold: 0.85 }]]))).toEqual([]);
    expect(confidentCases(rows, new Map([['a', { code: '0501', confidence: 0.7, threshold: 0.65 }]]))).toHaveLength(1);
  });
});
