import { describe, expect, it } from 'vitest';
import { checkChoices, stateOf, tally } from './rules.ts';

const d = (day: number) => new Date(Date.UTC(2026, 10, day));
const tt = { proposal_at: d(1), deliberation_at: d(3), opens_at: d(5), closes_at: d(8), closed_early_at: null, published_at: null };

describe('participation rules', () => {
  it('derives the state from the clock', () => {
    expect(stateOf(tt, d(2))).toBe('proposal');
    expect(stateOf(tt, d(4))).toBe('deliberation');
    expect(stateOf(tt, d(5))).toBe('voting');
    expect(stateOf(tt, d(8))).toBe('closed');
    expect(stateOf({ ...tt, closed_early_at: d(6) }, d(6))).toBe('closed');
    expect(stateOf({ ...tt, published_at: d(9) }, d(9))).toBe('published');
  });
  it('checks ballots against the poll kind', () => {
    const b = { kind: 'multiple' as const, maxChoices: 2, optionIds: ['a', 'b', 'c'] };
    expect(() => checkChoices(b, ['a', 'b'])).not.toThrow();
    expect(() => checkChoices(b, ['a', 'b', 'c'])).toThrow(/at most 2/);
    expect(() => checkChoices(b, ['a', 'a'])).toThrow(/once/);
    expect(() => checkChoices({ ...b, kind: 'single' }, ['a', 'b'])).toThrow(/exactly one/);
    expect(() => checkChoices(b, ['z'])).toThrow(/not on this ballot/);
  });
  it('counts a ranking by Borda points', () => {
    expect(tally('ranking', ['a', 'b', 'c'], [['a', 'b', 'c'], ['b', 'a']]).counts).toEqual({ a: 3, b: 3, c: 0 });
    expect(tally('single', ['a', 'b'], [['a'], ['a'], ['b']])).toEqual({ ballots: 3, counts: { a: 2, b: 1 } });
  });
});
