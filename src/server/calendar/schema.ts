import { z } from 'zod';
import { pageQuery } from '../../../shared/paging.ts';
import { isIsoDate } from './working-time.ts';

export const isoDate = z.string().refine(isIsoDate, 'a calendar date written YYYY-MM-DD');
export const dayKind = z.enum(['holiday', 'workday']).describe('holiday 节假日 (no working time) | workday 调休上班 (a weekend day that works)');

export const calendarDay = z.object({ date: z.string(), kind: dayKind, name: z.string(), updatedAt: z.string() });

export const dayQuery = pageQuery.extend({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  kind: dayKind.optional(),
});

export const dayBody = z.object({ kind: dayKind, name: z.string().trim().max(100).default('') });

export const yearBody = z.object({
  year: z.number().int().min(2000).max(2100),
  days: z.array(z.object({ date: isoDate, kind: dayKind, name: z.string().trim().max(100).default('') })).max(366),
});

const period = z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, 'HH:MM-HH:MM');
export const scheduleBody = z.object({
  periods: z.array(period).min(1).max(6),
  workingWeekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7).describe('0 = Sunday … 6 = Saturday'),
});
export const schedule = scheduleBody.extend({ offset: z.string() });

export const deadlineQuery = z.object({
  start: z.iso.datetime({ offset: true }),
  hours: z.coerce.number().min(0).max(10_000),
  workingTime: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});
export const deadline = z.object({ start: z.string(), deadline: z.string(), hours: z.number(), workingTime: z.boolean() });

/** 节假日通知 pasted as text; the answer is a preview the admin then saves with PUT /api/v1/calendar/days */
export const noticeBody = z.object({
  text: z.string().min(1).max(20_000),
  year: z.number().int().min(2000).max(2100).optional(),
});
export const noticePreview = z.object({
  year: z.number(),
  days: z.array(z.object({ date: z.string(), kind: dayKind, name: z.string() })),
  problems: z.array(z.object({ line: z.string(), reason: z.enum(['no_dates', 'day_count_mismatch', 'bad_date']) })),
});
