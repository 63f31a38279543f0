import { describe, expect, it } from 'vitest';
import { chinaHolidays2026 } from './holidays-cn.ts';
import {
  addBusinessTime,
  businessHoursBetween,
  CalendarError,
  createWorkingCalendar,
  deadlineFor,
  hoursUsed,
  isWorkingDay,
  isWorkingTime,
  localDate,
  nextWorkingMoment,
  parseOffset,
  plainCalendar,
} from './working-time.ts';

const at = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => {
  // render back in +08:00 so failures read like the calendar a dispatcher sees
  const local = new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 19);
  return `${local}`;
};
const cn2026 = createWorkingCalendar({ days: chinaHolidays2026 });

describe('addBusinessTime on the default schedule (Mon–Fri 08:30–12:00, 13:30–18:00)', () => {
  // 2026-11-23 is a Monday
  it.each([
    ['a full working day from the opening', '2026-11-23T08:30:00', 8, '2026-11-23T18:00:00'],
    ['a morning that ends exactly at lunch ends at 12:00, not after it', '2026-11-23T08:30:00', 3.5, '2026-11-23T12:00:00'],
    ['across lunch', '2026-11-23T11:30:00', 1, '2026-11-23T14:00:00'],
    ['starting during lunch counts from 13:30', '2026-11-23T12:15:00', 1, '2026-11-23T14:30:00'],
    ['starting at 12:00 sharp', '2026-11-23T12:00:00', 1, '2026-11-23T14:30:00'],
    ['starting before opening counts from 08:30', '2026-11-23T06:00:00', 2, '2026-11-23T10:30:00'],
    ['starting at 18:00 rolls to the next morning', '2026-11-23T18:00:00', 1, '2026-11-24T09:30:00'],
    ['starting in the evening', '2026-11-23T20:00:00', 2, '2026-11-24T10:30:00'],
    ['Friday afternoon across the weekend', '2026-11-27T17:00:00', 2, '2026-11-30T09:30:00'],
    ['starting on Saturday', '2026-11-28T10:00:00', 1, '2026-11-30T09:30:00'],
    ['starting on Sunday night', '2026-11-29T23:59:00', 8, '2026-11-30T18:00:00'],
    ['a quarter of an hour', '2026-11-23T09:00:00', 0.25, '2026-11-23T09:15:00'],
    ['five working days (40 h) from Monday 09:00 end Monday after next 09:00', '2026-11-23T09:00:00', 40, '2026-11-30T09:00:00'],
    ['120 working hours = 15 working days = three weeks', '2026-11-23T08:30:00', 120, '2026-12-11T18:00:00'],
  ])('%s', (_name, start, hours, expected) => {
    expect(iso(addBusinessTime(at(start), hours, plainCalendar))).toBe(expected);
  });

  it('zero hours is the start itself, even outside working time', () => {
    expect(addBusinessTime(at('2026-11-28T10:00:00'), 0, plainCalendar).getTime()).toBe(at('2026-11-28T10:00:00').getTime());
  });

  it('refuses negative, infinite and NaN hours and an invalid start', () => {
    expect(() => addBusinessTime(at('2026-11-23T09:00:00'), -1, plainCalendar)).toThrow(CalendarError);
    expect(() => addBusinessTime(at('2026-11-23T09:00:00'), Infinity, plainCalendar)).toThrow(CalendarError);
    expect(() => addBusinessTime(at('2026-11-23T09:00:00'), Number.NaN, plainCalendar)).toThrow(CalendarError);
    expect(() => addBusinessTime(new Date('nope'), 1, plainCalendar)).toThrow(CalendarError);
  });
});

describe('holidays (节假日) and make-up workdays (调休上班), China 2026', () => {
  it.each([
    ['National Day: the last working hour before it, then the day after the week off', '2026-09-30T17:00:00', 2, '2026-10-08T09:30:00'],
    ['National Day: a make-up Sunday (9-20) works', '2026-09-19T10:00:00', 1, '2026-09-20T09:30:00'],
    ['National Day: a make-up Saturday (10-10) works', '2026-10-09T17:00:00', 2, '2026-10-10T09:30:00'],
    ['Mid-Autumn Friday (9-25) is off', '2026-09-24T17:00:00', 2, '2026-09-28T09:30:00'],
    ['Spring Festival: make-up Saturday 2-14 works', '2026-02-13T17:00:00', 2, '2026-02-14T09:30:00'],
    ['Spring Festival: nine days off, back on Tuesday 2-24', '2026-02-14T17:00:00', 2, '2026-02-24T09:30:00'],
    ['New Year: Thursday 1-1 is off, make-up Sunday 1-4 works', '2025-12-31T17:00:00', 2, '2026-01-04T09:30:00'],
    ['Labour Day: 5-1 to 5-5 off', '2026-04-30T17:00:00', 2, '2026-05-06T09:30:00'],
    ['starting inside a holiday run', '2026-10-03T10:00:00', 8, '2026-10-08T18:00:00'],
  ])('%s', (_name, start, hours, expected) => {
    expect(iso(addBusinessTime(at(start), hours, cn2026))).toBe(expected);
  });

  it('knows which days work', () => {
    expect(isWorkingDay('2026-10-01', cn2026)).toBe(false);
    expect(isWorkingDay('2026-09-20', cn2026)).toBe(true); // a Sunday
    expect(isWorkingDay('2026-09-19', cn2026)).toBe(false); // a plain Saturday
    expect(isWorkingDay('2026-09-21', cn2026)).toBe(true);
    expect(isWorkingDay('2026-10-01', plainCalendar)).toBe(true); // without the calendar it is a Thursday
  });

  it('working hours between two instants skip the holiday week', () => {
    expect(businessHoursBetween(at('2026-09-30T08:30:00'), at('2026-10-08T18:00:00'), cn2026)).toBe(16);
    expect(businessHoursBetween(at('2026-09-30T08:30:00'), at('2026-10-08T18:00:00'), plainCalendar)).toBe(56);
  });

  it('every seeded day is a real 2026 date, and every make-up day falls on a weekend', () => {
    for (const d of chinaHolidays2026) {
      expect(d.date.startsWith('2026-')).toBe(true);
      const weekday = new Date(`${d.date}T00:00:00Z`).getUTCDay();
      if (d.kind === 'workday') expect([0, 6]).toContain(weekday);
    }
    expect(chinaHolidays2026.filter((d) => d.kind === 'holiday')).toHaveLength(33);
  });
});

describe('businessHoursBetween', () => {
  it('counts only working periods', () => {
    expect(businessHoursBetween(at('2026-11-23T08:30:00'), at('2026-11-23T18:00:00'), plainCalendar)).toBe(8);
    expect(businessHoursBetween(at('2026-11-23T11:00:00'), at('2026-11-23T14:00:00'), plainCalendar)).toBe(1.5);
    expect(businessHoursBetween(at('2026-11-28T00:00:00'), at('2026-11-30T00:00:00'), plainCalendar)).toBe(0);
    expect(businessHoursBetween(at('2026-11-23T00:00:00'), at('2026-11-30T00:00:00'), plainCalendar)).toBe(40);
  });

  it('is negative when the end is before the start, and zero for the same instant', () => {
    expect(businessHoursBetween(at('2026-11-23T18:00:00'), at('2026-11-23T08:30:00'), plainCalendar)).toBe(-8);
    expect(businessHoursBetween(at('2026-11-23T10:00:00'), at('2026-11-23T10:00:00'), plainCalendar)).toBe(0);
  });

  it('inverts addBusinessTime for many starts and durations', () => {
    // deterministic pseudo-random walk over a year, including holidays
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const start = new Date(Date.parse('2026-01-01T00:00:00+08:00') + Math.floor(rnd() * 360 * 24 * 60) * 60_000);
      const hours = Math.round(rnd() * 200 * 4) / 4;
      const end = addBusinessTime(start, hours, cn2026);
      expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
      expect(businessHoursBetween(start, end, cn2026)).toBeCloseTo(hours, 9);
    }
  });
});

describe('deadlineFor and hoursUsed', () => {
  it('clock hours ignore weekends and holidays; working hours do not', () => {
    const start = at('2026-09-30T17:00:00');
    expect(iso(deadlineFor(start, { hours: 24, workingTime: false }, cn2026))).toBe('2026-10-01T17:00:00');
    expect(iso(deadlineFor(start, { hours: 24, workingTime: true }, cn2026))).toBe('2026-10-10T17:00:00'); // 1 h + Thu + Fri + 7 h of the make-up Saturday
  });

  it('80% of a working-time limit is where a yellow card falls', () => {
    const start = at('2026-11-23T08:30:00');
    const rule = { hours: 40, workingTime: true };
    const yellow = deadlineFor(start, { ...rule, hours: rule.hours * 0.8 }, plainCalendar);
    expect(iso(yellow)).toBe('2026-11-26T18:00:00');
    expect(hoursUsed(start, yellow, rule, plainCalendar) / rule.hours).toBeCloseTo(0.8, 9);
    expect(hoursUsed(start, at('2026-11-24T08:30:00'), { workingTime: false }, plainCalendar)).toBe(24);
  });
});

describe('time zone and schedule configuration', () => {
  it('uses the configured fixed offset, not the server time zone', () => {
    const ny = createWorkingCalendar({ offset: '-05:00', periods: ['09:00-17:00'] });
    // Monday 2026-11-23 16:00 at -05:00 is 21:00Z; one hour left that day, then Tuesday 09:00 local
    const end = addBusinessTime(new Date('2026-11-23T21:00:00Z'), 2, ny);
    expect(end.toISOString()).toBe('2026-11-24T15:00:00.000Z');
    expect(localDate(new Date('2026-11-24T03:00:00Z'), ny)).toBe('2026-11-23');
    expect(localDate(new Date('2026-11-23T17:00:00Z'), plainCalendar)).toBe('2026-11-24');
  });

  it('a local day boundary is midnight in the city, not in UTC', () => {
    // 2026-11-23T16:30Z is 00:30 on Tuesday in +08:00
    expect(iso(nextWorkingMoment(new Date('2026-11-23T16:30:00Z'), plainCalendar))).toBe('2026-11-24T08:30:00');
  });

  it('supports per-weekday periods such as a Friday half day and a six-day week', () => {
    const cal = createWorkingCalendar({ workingWeekdays: [1, 2, 3, 4, 5, 6], weekdayPeriods: { 5: ['08:30-12:00'] } });
    expect(iso(addBusinessTime(at('2026-11-27T11:00:00'), 2, cal))).toBe('2026-11-28T09:30:00');
    expect(businessHoursBetween(at('2026-11-23T00:00:00'), at('2026-11-30T00:00:00'), cal)).toBe(8 * 5 + 3.5);
  });

  it('a make-up workday uses the standard periods even when that weekday has an override', () => {
    const cal = createWorkingCalendar({ weekdayPeriods: { 0: ['10:00-11:00'] }, days: [{ date: '2026-11-29', kind: 'workday' }] });
    expect(businessHoursBetween(at('2026-11-29T00:00:00'), at('2026-11-30T00:00:00'), cal)).toBe(8);
    expect(businessHoursBetween(at('2026-12-06T00:00:00'), at('2026-12-07T00:00:00'), cal)).toBe(1);
  });

  it('isWorkingTime treats period ends as closed', () => {
    expect(isWorkingTime(at('2026-11-23T08:30:00'), plainCalendar)).toBe(true);
    expect(isWorkingTime(at('2026-11-23T12:00:00'), plainCalendar)).toBe(false);
    expect(isWorkingTime(at('2026-11-23T13:29:59'), plainCalendar)).toBe(false);
    expect(isWorkingTime(at('2026-11-28T10:00:00'), plainCalendar)).toBe(false);
  });

  it('refuses malformed configuration with a readable error', () => {
    expect(() => createWorkingCalendar({ offset: '8' })).toThrow(/offset/);
    expect(() => createWorkingCalendar({ periods: ['12:00-08:30'] })).toThrow(/before the end/);
    expect(() => createWorkingCalendar({ periods: ['08:30-12:00', '11:00-13:00'] })).toThrow(/overlap/);
    expect(() => createWorkingCalendar({ days: [{ date: '2026-02-30', kind: 'holiday' }] })).toThrow(/date/);
    expect(parseOffset('+05:45')).toBe(345);
  });

  it('a calendar without any working time fails instead of looping forever', () => {
    const never = createWorkingCalendar({ workingWeekdays: [] });
    expect(() => addBusinessTime(at('2026-11-23T09:00:00'), 1, never)).toThrow(/no working time/);
    expect(() => nextWorkingMoment(at('2026-11-23T09:00:00'), never)).toThrow(/no working time/);
  });
});
