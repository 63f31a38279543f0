import { formatOffset, OffsetError, parseOffset } from '../time.ts';

/**
 * 工作时间日历: a pure working-time calendar for deadlines (处置时限). No I/O and no clock: callers pass the
 * instants, so deadline logic is tested by numbers, not by waiting.
 *
 * Times are computed in the city's fixed UTC offset (China has no DST, so a fixed offset is exact and avoids
 * depending on the server's TZ database). A day's working periods come from, in order:
 *   1. a calendar day marked `holiday` (节假日)            → no working time that day
 *   2. a calendar day marked `workday` (调休上班, e.g. a Sunday) → the standard workday periods
 *   3. otherwise the weekly schedule for that weekday      (default Mon–Fri 08:30–12:00, 13:30–18:00 = 8 h)
 */

export type DayKind = 'holiday' | 'workday';

/** One working period of a day, in minutes after local midnight, `start < end ≤ 1440`. */
export interface WorkPeriod {
  start: number;
  end: number;
}

export interface WorkingCalendar {
  /** minutes east of UTC (+08:00 → 480) */
  offsetMinutes: number;
  /** periods per weekday, index 0 = Sunday … 6 = Saturday */
  weekly: readonly (readonly WorkPeriod[])[];
  /** periods of a make-up workday (调休上班) */
  workdayPeriods: readonly WorkPeriod[];
  /** exceptions by local date `YYYY-MM-DD` */
  days: ReadonlyMap<string, DayKind>;
}

export interface CalendarOptions {
  /** `+08:00` style offset; default +08:00 */
  offset?: string;
  /** the offset already parsed (config.TZ_OFFSET_MINUTES); wins over `offset` */
  offsetMinutes?: number;
  /** standard workday periods as `HH:MM-HH:MM`; default 08:30-12:00 and 13:30-18:00 */
  periods?: readonly string[];
  /** weekdays that work by default (0 = Sunday); default Monday–Friday */
  workingWeekdays?: readonly number[];
  /** per-weekday overrides of the periods, e.g. a half day on Friday */
  weekdayPeriods?: Partial<Record<number, readonly string[]>>;
  /** holidays (节假日) and make-up workdays (调休上班) */
  days?: Iterable<{ date: string; kind: DayKind }>;
}

export const DEFAULT_PERIODS = ['08:30-12:00', '13:30-18:00'] as const;

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A calendar with no working time in this many consecutive days is a configuration error, not a deadline. */
const MAX_IDLE_DAYS = 400;

export class CalendarError extends Error {
  override name = 'CalendarError';
}

// one parser for the city's offset (src/server/time.ts); re-exported for the calendar's own callers
export { formatOffset, parseOffset };

function calendarOffset(text: string): number {
  try {
    return parseOffset(text);
  } catch (err) {
    if (err instanceof OffsetError) throw new CalendarError(err.message);
    throw err;
  }
}

/** `08:30-12:00` → {start: 510, end: 720}; `24:00` is allowed as an end. */
export function parsePeriod(text: string): WorkPeriod {
  const m = /^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) throw new CalendarError(`bad working period ${JSON.stringify(text)}: use HH:MM-HH:MM`);
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  if (Number(m[2]) > 59 || Number(m[4]) > 59 || start >= end || end > 1440) {
    throw new CalendarError(`bad working period ${text}: the start must be before the end, within one day`);
  }
  return { start, end };
}

function parsePeriods(list: readonly string[]): WorkPeriod[] {
  const periods = list.map(parsePeriod).sort((a, b) => a.start - b.start);
  for (let i = 1; i < periods.length; i++) {
    if (periods[i]!.start < periods[i - 1]!.end) throw new CalendarError(`working periods ${list.join(', ')} overlap`);
  }
  return periods;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  if (!DATE_RE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function createWorkingCalendar(opts: CalendarOptions = {}): WorkingCalendar {
  const offsetMinutes = opts.offsetMinutes ?? calendarOffset(opts.offset ?? '+08:00');
  const workdayPeriods = parsePeriods(opts.periods ?? DEFAULT_PERIODS);
  const working = new Set(opts.workingWeekdays ?? [1, 2, 3, 4, 5]);
  const weekly = Array.from({ length: 7 }, (_, wd) => {
    const override = opts.weekdayPeriods?.[wd];
    if (override) return parsePeriods(override);
    return working.has(wd) ? workdayPeriods : [];
  });
  const days = new Map<string, DayKind>();
  for (const d of opts.days ?? []) {
    if (!isIsoDate(d.date)) throw new CalendarError(`bad calendar date ${JSON.stringify(d.date)}: use YYYY-MM-DD`);
    days.set(d.date, d.kind);
  }
  return { offsetMinutes, weekly, workdayPeriods, days };
}

/** The calendar with the default schedule and no holidays. */
export const plainCalendar: WorkingCalendar = createWorkingCalendar();

// ---- day arithmetic in the city's local time

/** Local midnight (as a UTC instant in ms) of the local day containing `ms`. */
function localDayStart(ms: number, cal: WorkingCalendar): number {
  const shift = cal.offsetMinutes * MINUTE;
  return Math.floor((ms + shift) / DAY) * DAY - shift;
}

/** `YYYY-MM-DD` and weekday of the local day starting at `dayStart`. */
function dayInfo(dayStart: number, cal: WorkingCalendar): { key: string; weekday: number } {
  const local = new Date(dayStart + cal.offsetMinutes * MINUTE);
  return { key: local.toISOString().slice(0, 10), weekday: local.getUTCDay() };
}

/** Working periods of the local day starting at `dayStart`, as absolute ms intervals. */
function periodsOfDay(dayStart: number, cal: WorkingCalendar): [number, number][] {
  const { key, weekday } = dayInfo(dayStart, cal);
  const kind = cal.days.get(key);
  const periods = kind === 'holiday' ? [] : kind === 'workday' ? cal.workdayPeriods : cal.weekly[weekday]!;
  return periods.map((p) => [dayStart + p.start * MINUTE, dayStart + p.end * MINUTE]);
}

/** The local date `YYYY-MM-DD` of an instant in the calendar's time zone. */
export function localDate(at: Date, cal: WorkingCalendar): string {
  return dayInfo(localDayStart(at.getTime(), cal), cal).key;
}

/** Whether the local date has any working time (a working day after holidays and make-up days). */
export function isWorkingDay(date: string, cal: WorkingCalendar): boolean {
  if (!isIsoDate(date)) throw new CalendarError(`bad calendar date ${JSON.stringify(date)}`);
  const dayStart = Date.parse(`${date}T00:00:00Z`) - cal.offsetMinutes * MINUTE;
  return periodsOfDay(dayStart, cal).length > 0;
}

/** Whether `at` falls inside a working period (period ends are exclusive). */
export function isWorkingTime(at: Date, cal: WorkingCalendar): boolean {
  const t = at.getTime();
  return periodsOfDay(localDayStart(t, cal), cal).some(([s, e]) => t >= s && t < e);
}

/** The first instant at or after `at` that is working time. */
export function nextWorkingMoment(at: Date, cal: WorkingCalendar): Date {
  const t = at.getTime();
  let day = localDayStart(t, cal);
  for (let i = 0; i < MAX_IDLE_DAYS; i++, day += DAY) {
    for (const [s, e] of periodsOfDay(day, cal)) if (t < e) return new Date(Math.max(t, s));
  }
  throw new CalendarError(`the working calendar has no working time within ${MAX_IDLE_DAYS} days of ${at.toISOString()}`);
}

/**
 * The instant `hours` working hours after `start`. A start outside working time counts from the next
 * working moment; a deadline that uses up a period exactly ends at that period's end (18:00, not the next
 * morning). Zero hours returns `start` itself.
 */
export function addBusinessTime(start: Date, hours: number, cal: WorkingCalendar): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new CalendarError(`working hours must be a finite number ≥ 0, got ${hours}`);
  const t = start.getTime();
  if (Number.isNaN(t)) throw new CalendarError('invalid start date');
  if (hours === 0) return new Date(t);
  let remaining = Math.round(hours * HOUR);
  let day = localDayStart(t, cal);
  let idle = 0;
  for (;;) {
    const periods = periodsOfDay(day, cal);
    let worked = false;
    for (const [s, e] of periods) {
      if (t >= e) continue;
      const from = Math.max(t, s);
      const available = e - from;
      worked = true;
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
    idle = worked ? 0 : idle + 1;
    if (idle >= MAX_IDLE_DAYS) throw new CalendarError(`the working calendar has no working time within ${MAX_IDLE_DAYS} days`);
    day += DAY;
  }
}

/**
 * Working hours between two instants (negative when `to` is before `from`). Used for "how much of the
 * allowed time is used" (80% → yellow card) and for pauses while a case is parked.
 */
export function businessHoursBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (Number.isNaN(a) || Number.isNaN(b)) throw new CalendarError('invalid date');
  if (b < a) return -businessHoursBetween(to, from, cal);
  let total = 0;
  for (let day = localDayStart(a, cal); day < b; day += DAY) {
    for (const [s, e] of periodsOfDay(day, cal)) {
      const lo = Math.max(s, a);
      const hi = Math.min(e, b);
      if (hi > lo) total += hi - lo;
    }
  }
  return total / HOUR;
}

/** A deadline rule as the taxonomy states it: `hours` of clock time, or of working time. */
export interface DeadlineRule {
  hours: number;
  workingTime: boolean;
}

/** The deadline for a rule: working hours on the calendar, or plain clock hours. */
export function deadlineFor(start: Date, rule: DeadlineRule, cal: WorkingCalendar): Date {
  if (rule.workingTime) return addBusinessTime(start, rule.hours, cal);
  if (!Number.isFinite(rule.hours) || rule.hours < 0) throw new CalendarError(`hours must be a finite number ≥ 0, got ${rule.hours}`);
  return new Date(start.getTime() + Math.round(rule.hours * HOUR));
}

/** Hours of a rule's kind elapsed between two instants (working or clock hours), for 督办 supervision levels. */
export function hoursUsed(from: Date, to: Date, rule: Pick<DeadlineRule, 'workingTime'>, cal: WorkingCalendar): number {
  return rule.workingTime ? businessHoursBetween(from, to, cal) : (to.getTime() - from.getTime()) / HOUR;
}
