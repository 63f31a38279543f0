import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../calendar/working-time.ts';
import { resumeClock, startClock, supervisionAt } from './deadlines.ts';

const cal = createWorkingCalendar({ days: [{ date: '2026-11-25', kind: 'holiday' }, { date: '2026-11-28', kind: 'workday' }] });
const at = (s: string) => new Date(s);

describe('handling deadlines', () => {
  it('counts clock hours straight through nights and weekends', () => {
    const c = startClock(at('2026-11-27T17:00:00+08:00'), { hours: 72, workingTime: false }, cal);
    expect(c.dueAt!.toISOString()).toBe(at('2026-11-30T17:00:00+08:00').toISOString());
    expect(c.yellowAt!.toISOString()).toBe(at('2026-11-30T02:36:00+08:00').toISOString());
  });

  it('counts working hours over a holiday and a make-up Saturday', () => {
    // Tue 24th 09:00 + 16 working hours: rest of Tue (8h minus 30 min before 09:00 = 7.5h), Wed is a holiday,
    // Thu 26th 8h, then 0.5h on Fri 27th → Fri 09:00
    const c = startClock(at('2026-11-24T09:00:00+08:00'), { hours: 16, workingTime: true }, cal);
    expect(c.dueAt!.toISOString()).toBe(at('2026-11-27T09:00:00+08:00').toISOString());
    // Fri 27th 13:30 + 16 h: Fri 4.5h, Sat 28th is a make-up workday (8h), Mon 30th 3.5h → 12:00
    const d = startClock(at('2026-11-27T13:30:00+08:00'), { hours: 16, workingTime: true }, cal);
    expect(d.dueAt!.toISOString()).toBe(at('2026-11-30T12:00:00+08:00').toISOString());
  });

  it('moves the deadline by the paused time and adds an approved extension', () => {
    const start = at('2026-11-23T09:00:00+08:00');
    const c = startClock(start, { hours: 24, workingTime: false }, cal);
    const clock = { deadlineHours: 24, workingTime: false, dueAt: c.dueAt!, yellowAt: c.yellowAt!, pausedSince: at('2026-11-23T19:00:00+08:00'), pausedMs: 0 };
    const resumed = resumeClock(clock, at('2026-11-24T09:00:00+08:00'), cal);
    expect(resumed.dueAt!.toISOString()).toBe(at('2026-11-24T23:00:00+08:00').toISOString());
    expect(resumed.pausedMs).toBe(14 * 3_600_000);
    const extended = resumeClock(clock, at('2026-11-24T09:00:00+08:00'), cal, 10);
    expect(extended.dueAt!.toISOString()).toBe(at('2026-11-25T09:00:00+08:00').toISOString());
    expect(extended.deadlineHours).toBe(34);
  });

  it('raises yellow at 80 % and red when overdue, never lowers, and not while paused', () => {
    const c = { dueAt: at('2026-11-24T09:00:00+08:00'), yellowAt: at('2026-11-24T04:12:00+08:00'), pausedSince: null };
    expect(supervisionAt(c, 'none', at('2026-11-24T04:00:00+08:00'))).toBe('none');
    expect(supervisionAt(c, 'none', at('2026-11-24T04:12:00+08:00'))).toBe('yellow');
    expect(supervisionAt(c, 'yellow', at('2026-11-24T09:00:00+08:00'))).toBe('red');
    expect(supervisionAt(c, 'red', at('2026-11-23T00:00:00+08:00'))).toBe('red');
    expect(supervisionAt({ ...c, pausedSince: at('2026-11-24T00:00:00+08:00') }, 'none', at('2026-11-25T00:00:00+08:00'))).toBe('none');
  });
});
