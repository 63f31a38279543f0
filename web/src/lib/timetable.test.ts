import { describe, expect, it } from 'vitest';
import { isoOf, timetableProblem } from './timetable.ts';

describe('the consultation timetable as typed', () => {
  it('reads a typed time as the city’s wall-clock time (UTC+8), whatever the PC’s zone', () => {
    expect(isoOf('2026-12-05T19:00')).toBe('2026-12-05T11:00:00.000Z');
    expect(isoOf('')).toBeUndefined();
    expect(isoOf(undefined)).toBeUndefined();
  });

  it('names the first step out of order, as the server orders them (only the close must be strictly after)', () => {
    const ok = { proposalAt: '2026-12-01T09:00', deliberationAt: '2026-12-01T09:00', opensAt: '2026-12-03T09:00', closesAt: '2026-12-10T18:00', resultAt: '2026-12-10T18:00' };
    expect(timetableProblem(ok)).toBeNull();
    expect(timetableProblem({ ...ok, opensAt: '2026-11-30T09:00' })).toBe('opensAt');
    expect(timetableProblem({ ...ok, closesAt: ok.opensAt })).toBe('closesAt');
    expect(timetableProblem({ ...ok, resultAt: '2026-12-09T00:00' })).toBe('resultAt');
    // optional steps left empty are skipped, and the next one is checked against the one before them
    expect(timetableProblem({ deliberationAt: '2026-12-02T09:00', opensAt: '2026-12-01T09:00', closesAt: '2026-12-10T09:00' })).toBe('opensAt');
    expect(timetableProblem({ deliberationAt: '2026-12-02T09:00', opensAt: '2026-12-03T09:00', closesAt: '2026-12-10T09:00' })).toBeNull();
  });
});
