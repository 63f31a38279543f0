import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { getSetting, putSetting } from '../db/settings-store.ts';
import { chinaHolidays2026 } from './holidays-cn.ts';
import { parseHolidayNotice, type ParsedNotice } from './holiday-notice.ts';
import { createCalendarStore, type CalendarDayRow } from './store.ts';
import {
  CalendarError,
  createWorkingCalendar,
  deadlineFor,
  DEFAULT_PERIODS,
  formatOffset,
  isIsoDate,
  type DayKind,
  type WorkingCalendar,
} from './working-time.ts';

/** The weekly part of the calendar, kept in settings so an admin can change office hours without a deploy. */
export interface WeeklySchedule {
  periods: string[];
  workingWeekdays: number[];
}

const SCHEDULE_KEY = 'calendar.schedule';
const defaultSchedule: WeeklySchedule = { periods: [...DEFAULT_PERIODS], workingWeekdays: [1, 2, 3, 4, 5] };

/**
 * How long a loaded calendar is trusted. Edits through this process drop the cache at once; another API node
 * sees them within this window, which is fine for a table that changes a few times a year.
 */
const CACHE_MS = 60_000;

export function createCalendarService(deps: Deps) {
  const store = createCalendarStore();
  const { db, clock, audit, config } = deps;
  // this node's calendar: one service per process (services.ts), so the cases service and the calendar
  // routes read the same one and an admin's edit reaches both at once
  let cache: { at: number; calendar: WorkingCalendar } | null = null;

  const record = (tx: Db, actor: Actor, action: string, targetId: string, detail?: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'calendar', id: targetId }, detail);

  async function schedule(): Promise<WeeklySchedule> {
    return (await getSetting<WeeklySchedule>(db, SCHEDULE_KEY)) ?? defaultSchedule;
  }

  async function load(): Promise<WorkingCalendar> {
    const [weekly, days] = await Promise.all([schedule(), store.allDays(db)]);
    return createWorkingCalendar({ offsetMinutes: config.TZ_OFFSET_MINUTES, periods: weekly.periods, workingWeekdays: weekly.workingWeekdays, days: days.map((d) => ({ date: d.day, kind: d.kind })) });
  }

  const invalidate = () => {
    cache = null;
  };

  function checkDate(date: string) {
    if (!isIsoDate(date)) throw invalid('calendar.bad_date', `${date} is not a calendar date; use YYYY-MM-DD`);
  }

  async function current(): Promise<WorkingCalendar> {
    const now = clock.now().getTime();
    if (cache && Math.abs(now - cache.at) < CACHE_MS) return cache.calendar;
    const calendar = await load();
    cache = { at: now, calendar };
    return calendar;
  }

  return {
    /** The calendar deadlines are computed on, cached; what the cases service calls for every deadline. */
    current,

    invalidate,

    async listDays(actor: Actor, filter: { year?: number; kind?: DayKind }, page: number, pageSize: number): Promise<Page<CalendarDayRow>> {
      assertCan(actor, 'calendar.read');
      const range = filter.year ? { from: `${filter.year}-01-01`, to: `${filter.year + 1}-01-01` } : {};
      const [items, total] = await store.listDays(db, { ...range, kind: filter.kind }, page, pageSize);
      return { items, total, page, pageSize };
    },

    async putDay(actor: Actor, input: { date: string; kind: DayKind; name: string }): Promise<{ created: boolean; day: CalendarDayRow }> {
      assertCan(actor, 'calendar.manage');
      checkDate(input.date);
      const before = await store.findDay(db, input.date);
      await db.transaction().execute(async (tx) => {
        await store.upsertDay(tx, { day: input.date, kind: input.kind, name: input.name, updated_at: clock.now() });
        await record(tx, actor, 'calendar.day.put', input.date, { kind: input.kind, name: input.name, before: before ? { kind: before.kind, name: before.name } : null });
      });
      invalidate();
      return { created: !before, day: (await store.findDay(db, input.date))! };
    },

    async deleteDay(actor: Actor, date: string): Promise<void> {
      assertCan(actor, 'calendar.manage');
      checkDate(date);
      await db.transaction().execute(async (tx) => {
        const before = await store.findDay(tx, date);
        if (!before || !(await store.deleteDay(tx, date))) throw notFound('calendar.day', date);
        await record(tx, actor, 'calendar.day.delete', date, { kind: before.kind, name: before.name });
      });
      invalidate();
    },

    /** Replaces a whole year's exceptions at once, as cities do when the State Council publishes next year's notice. */
    async replaceYear(actor: Actor, year: number, days: { date: string; kind: DayKind; name: string }[]): Promise<CalendarDayRow[]> {
      assertCan(actor, 'calendar.manage');
      const seen = new Set<string>();
      for (const d of days) {
        checkDate(d.date);
        if (!d.date.startsWith(`${year}-`)) throw invalid('calendar.outside_year', `${d.date} is not in ${year}`, { date: d.date });
        if (seen.has(d.date)) throw invalid('calendar.duplicate_date', `${d.date} is listed twice`, { date: d.date });
        seen.add(d.date);
      }
      const from = `${year}-01-01`;
      const to = `${year + 1}-01-01`;
      await db.transaction().execute(async (tx) => {
        const removed = await store.deleteRange(tx, from, to);
        const now = clock.now();
        for (const d of days) await store.upsertDay(tx, { day: d.date, kind: d.kind, name: d.name, updated_at: now });
        await record(tx, actor, 'calendar.year.replace', String(year), { removed, holidays: days.filter((d) => d.kind === 'holiday').length, workdays: days.filter((d) => d.kind === 'workday').length });
      });
      invalidate();
      const [rows] = await store.listDays(db, { from, to }, 1, 1000);
      return rows;
    },

    /** Only a preview: the admin checks the days and saves them with replaceYear, so a misread notice never lands. */
    previewNotice(actor: Actor, text: string, year?: number): ParsedNotice {
      assertCan(actor, 'calendar.manage');
      const parsed = parseHolidayNotice(text, year);
      if (parsed.days.length === 0 && parsed.problems.length === 0) throw invalid('calendar.notice_empty', 'no numbered festival line (一、元旦：…) was found in the text');
      return parsed;
    },

    async getSchedule(actor: Actor): Promise<WeeklySchedule & { offset: string }> {
      assertCan(actor, 'calendar.read');
      const cal = await current();
      return { ...(await schedule()), offset: formatOffset(cal.offsetMinutes) };
    },

    async putSchedule(actor: Actor, input: WeeklySchedule): Promise<WeeklySchedule & { offset: string }> {
      assertCan(actor, 'calendar.manage');
      const workingWeekdays = [...new Set(input.workingWeekdays)].sort();
      try {
        // Parse with the real builder so a bad period is refused here, never found by the sweeper later.
        createWorkingCalendar({ offsetMinutes: config.TZ_OFFSET_MINUTES, periods: input.periods, workingWeekdays });
      } catch (err) {
        if (err instanceof CalendarError) throw invalid('calendar.bad_schedule', err.message);
        throw err;
      }
      if (workingWeekdays.length === 0) throw invalid('calendar.bad_schedule', 'at least one weekday must be a working day');
      const value: WeeklySchedule = { periods: input.periods, workingWeekdays };
      await db.transaction().execute(async (tx) => {
        await putSetting(tx, SCHEDULE_KEY, value, clock.now());
        await record(tx, actor, 'calendar.schedule.update', 'schedule', { ...value });
      });
      invalidate();
      return { ...value, offset: config.TZ_OFFSET };
    },

    /** Preview of a deadline on the current calendar, e.g. for a clerk telling a caller when to expect an answer. */
    async previewDeadline(actor: Actor, start: Date, hours: number, workingTime: boolean): Promise<Date> {
      assertCan(actor, 'calendar.read');
      try {
        return deadlineFor(start, { hours, workingTime }, await current());
      } catch (err) {
        if (err instanceof CalendarError) throw invalid('calendar.no_deadline', err.message);
        throw err;
      }
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;

/** Seeds the national holidays of 2026 inside the seeding transaction (demo and fresh installs; cities edit them). */
export async function seedCalendar(tx: Db, at: Date): Promise<void> {
  const store = createCalendarStore();
  for (const d of chinaHolidays2026) await store.upsertDay(tx, { day: d.date, kind: d.kind, name: d.name, updated_at: at });
}
