import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { calendarDay, dayBody, dayQuery, deadline, deadlineQuery, isoDate, noticeBody, noticePreview, schedule, scheduleBody, yearBody } from './schema.ts';
import type { CalendarService } from './service.ts';
import type { CalendarDayRow } from './store.ts';

const present = (d: CalendarDayRow): z.infer<typeof calendarDay> => ({ date: d.day, kind: d.kind, name: d.name, updatedAt: d.updated_at.toISOString() });

export const calendarRoutes =
  (calendar: CalendarService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['calendar'];

    app.get('/api/v1/calendar/days', { schema: { tags, summary: 'Holidays (节假日) and make-up workdays (调休上班)', querystring: dayQuery, response: { 200: paged(calendarDay), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await calendar.listDays(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(present) };
    });

    app.put(
      '/api/v1/calendar/days',
      { schema: { tags, summary: "Replace one year's holidays and make-up workdays", body: yearBody, response: { 200: z.array(calendarDay), ...errors(400, 401, 403) } } },
      async (req) => (await calendar.replaceYear(requireActor(req), req.body.year, req.body.days)).map(present),
    );

    app.put(
      '/api/v1/calendar/days/:date',
      { schema: { tags, summary: 'Mark one day as a holiday or a make-up workday', params: z.object({ date: isoDate }), body: dayBody, response: { 200: calendarDay, 201: calendarDay, ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { created, day } = await calendar.putDay(requireActor(req), { date: req.params.date, ...req.body });
        return reply.status(created ? 201 : 200).send(present(day));
      },
    );

    app.delete(
      '/api/v1/calendar/days/:date',
      { schema: { tags, summary: 'Return a day to the weekly schedule', params: z.object({ date: isoDate }), response: { 204: z.null(), ...errors(400, 401, 403, 404) } } },
      async (req, reply) => {
        await calendar.deleteDay(requireActor(req), req.params.date);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/v1/calendar/notice-preview',
      { schema: { tags, summary: "Read the State Council's holiday notice (部分节假日安排的通知) into days; saves nothing", body: noticeBody, response: { 200: noticePreview, ...errors(400, 401, 403) } } },
      async (req) => calendar.previewNotice(requireActor(req), req.body.text, req.body.year),
    );

    app.get('/api/v1/calendar/schedule', { schema: { tags, summary: 'Office hours deadlines are counted in', response: { 200: schedule, ...errors(401, 403) } } }, async (req) =>
      calendar.getSchedule(requireActor(req)),
    );

    app.put('/api/v1/calendar/schedule', { schema: { tags, summary: 'Change office hours', body: scheduleBody, response: { 200: schedule, ...errors(400, 401, 403) } } }, async (req) =>
      calendar.putSchedule(requireActor(req), req.body),
    );

    app.get(
      '/api/v1/calendar/deadline',
      { schema: { tags, summary: 'Preview a deadline: start + hours (working or clock) on the current calendar', querystring: deadlineQuery, response: { 200: deadline, ...errors(400, 401, 403) } } },
      async (req) => {
        const { start, hours, workingTime } = req.query;
        const at = await calendar.previewDeadline(requireActor(req), new Date(start), hours, workingTime);
        return { start: new Date(start).toISOString(), deadline: at.toISOString(), hours, workingTime };
      },
    );
  };
