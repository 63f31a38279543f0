import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import type { FieldworkService } from './service.ts';
import type { PatrolListRow } from './store.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const byId = z.object({ id: z.uuid() });
const point = z.object({ at: z.iso.datetime({ offset: true }), lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), accuracyM: z.number().min(0).max(10_000).optional() });

const patrol = z.object({
  id: z.string(),
  user: z.string(),
  gridCode: z.string().nullable(),
  startedAt: z.string(),
  stoppedAt: z.string().nullable(),
  distanceM: z.number(),
  pointCount: z.number().int(),
  tracksPurged: z.boolean(),
  caseCodes: z.array(z.string()),
  points: z.array(z.object({ at: z.string(), lon: z.number(), lat: z.number() })).optional(),
});
const presentPatrol = (p: PatrolListRow & { points?: { at: Date; lon: number; lat: number }[] }): z.infer<typeof patrol> => ({
  id: p.id,
  user: p.user_name,
  gridCode: p.grid_code,
  startedAt: iso(p.started_at)!,
  stoppedAt: iso(p.stopped_at),
  distanceM: Number(p.distance_m),
  pointCount: p.point_count,
  tracksPurged: p.tracks_purged_at !== null,
  caseCodes: p.case_codes,
  ...(p.points ? { points: p.points.map((x) => ({ at: iso(x.at)!, lon: Number(x.lon), lat: Number(x.lat) })) } : {}),
});
const visit = z.object({ id: z.string(), personId: z.string().nullable(), houseId: z.string().nullable(), gridCode: z.string(), visitedAt: z.string(), by: z.string(), note: z.string() });
const presentVisit = (v: { id: string; person_id: string | null; house_id: string | null; grid_code: string; visited_at: Date; visited_by_name: string; note: string }) => ({
  id: v.id,
  personId: v.person_id,
  houseId: v.house_id,
  gridCode: v.grid_code,
  visitedAt: iso(v.visited_at)!,
  by: v.visited_by_name,
  note: v.note,
});
const dueVisit = z.object({ kind: z.enum(['person', 'house']), personId: z.string().nullable(), houseId: z.string().nullable(), name: z.string(), tags: z.array(z.string()), gridCode: z.string(), cycleDays: z.number().int(), lastVisit: z.string().nullable(), nextDue: z.string(), overdue: z.boolean() });
const screeningRow = z.object({ grid: z.object({ code: z.string(), name: z.string() }), done: z.boolean(), nothingFound: z.boolean().nullable(), disputeCodes: z.array(z.string()), recordedAt: z.string().nullable(), recordedBy: z.string().nullable() });
const period = z.string().regex(/^(\d{4}-\d{2}|holiday:\d{4}-\d{2}-\d{2})$/);

export const fieldworkRoutes =
  (fw: FieldworkService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['fieldwork'];
    const base = '/api/v1/fieldwork';

    app.post(`${base}/patrols`, { schema: { tags, summary: 'Start a patrol (巡查)', body: z.object({ note: z.string().max(500).optional() }), response: { 201: patrol, ...errors(400, 401, 403, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentPatrol(await fw.startPatrol(requireActor(req), req.body))),
    );
    app.get(`${base}/patrols/:id`, { schema: { tags, summary: 'A patrol with its track (until the retention period ends)', params: byId, response: { 200: patrol, ...errors(401, 403, 404) } } }, async (req) =>
      presentPatrol(await fw.getPatrol(requireActor(req), req.params.id)),
    );
    app.post(`${base}/patrols/:id/points`, { schema: { tags, summary: 'GPS track points of a running patrol', params: byId, body: z.object({ points: z.array(point).min(1).max(500) }), response: { 200: patrol, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentPatrol(await fw.addPoints(requireActor(req), req.params.id, req.body.points)),
    );
    app.post(`${base}/patrols/:id/stop`, { schema: { tags, summary: 'Stop a patrol', params: byId, response: { 200: patrol, ...errors(401, 403, 404, 409) } } }, async (req) =>
      presentPatrol(await fw.stopPatrol(requireActor(req), req.params.id)),
    );
    app.post(
      `${base}/patrols/:id/events`,
      { schema: { tags, summary: 'Report an event found on the patrol (a case through intake)', params: byId, body: z.object({ text: z.string().min(1).max(4000), category: z.string().optional(), lon: z.number(), lat: z.number(), address: z.string().max(200).optional() }), response: { 201: z.object({ caseCode: z.string(), patrol }), ...errors(400, 401, 403, 404, 409) } } },
      async (req, reply) => {
        const r = await fw.reportEvent(requireActor(req), req.params.id, req.body);
        return reply.status(201).send({ caseCode: r.caseCode, patrol: presentPatrol(r.patrol) });
      },
    );
    app.get(`${base}/log`, { schema: { tags, summary: 'Daily log (工作日志): patrols and visits of one day', querystring: z.object({ day: isoDate, userId: z.uuid().optional() }), response: { 200: z.object({ day: z.string(), patrols: z.array(patrol), visits: z.array(visit) }), ...errors(400, 401, 403) } } }, async (req) => {
      const log = await fw.dailyLog(requireActor(req), req.query.day, req.query.userId);
      return { day: log.day, patrols: log.patrols.map(presentPatrol), visits: log.visits.map(presentVisit) };
    });
    app.post(`${base}/visits`, { schema: { tags, summary: 'Record a visit (走访) of a person or a house', body: z.object({ personId: z.uuid().optional(), houseId: z.uuid().optional(), note: z.string().max(2000).optional() }), response: { 201: visit, ...errors(400, 401, 403, 404) } } }, async (req, reply) =>
      reply.status(201).send(presentVisit(await fw.recordVisit(requireActor(req), req.body))),
    );
    app.get(`${base}/visits/due`, { schema: { tags, summary: 'Visits due by visitCycleDays, most overdue first', querystring: pageQuery, response: { 200: paged(dueVisit), ...errors(400, 401, 403) } } }, async (req) => {
      const r = await fw.dueVisits(requireActor(req), req.query.page, req.query.pageSize);
      return {
        ...r,
        items: r.items.map((x) => ({ kind: x.kind, personId: x.kind === 'person' ? x.id : null, houseId: x.kind === 'house' ? x.id : null, name: x.name_mask, tags: x.tags, gridCode: x.grid_code, cycleDays: Number(x.cycle_days), lastVisit: iso(x.last_visit), nextDue: x.next_due.toISOString(), overdue: x.overdue })),
      };
    });
    app.get(
      `${base}/checkins`,
      { schema: { tags, summary: 'Check-ins per grid worker: patrols, time, distance, events, visits, screening rounds', querystring: z.object({ from: isoDate, to: isoDate }), response: { 200: z.array(z.object({ userId: z.string(), user: z.string(), patrols: z.number(), patrolMinutes: z.number(), distanceM: z.number(), events: z.number(), visits: z.number(), screenings: z.number() })), ...errors(400, 401, 403) } } },
      async (req) =>
        (await fw.checkins(requireActor(req), req.query.from, req.query.to)).map((r) => ({
          userId: r.user_id,
          user: r.user_name,
          patrols: Number(r.patrols),
          patrolMinutes: Math.round(Number(r.patrol_minutes)),
          distanceM: Math.round(Number(r.distance_m)),
          events: Number(r.events),
          visits: Number(r.visits),
          screenings: Number(r.screenings),
        })),
    );
    app.get(`${base}/screening/periods`, { schema: { tags, summary: 'Screening rounds due in a month: monthly and before holidays', querystring: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() }), response: { 200: z.array(z.object({ period: z.string(), kind: z.enum(['monthly', 'pre_holiday']), name: z.string() })), ...errors(400, 401) } } }, async (req) => {
      requireActor(req);
      return fw.screeningPeriods(req.query.month);
    });
    app.post(
      `${base}/screening`,
      { schema: { tags, summary: 'Record a screening round (排查): nothing found, or the disputes found', body: z.object({ gridCode: z.string().optional(), period, nothingFound: z.boolean(), disputeCodes: z.array(z.string()).max(100).default([]), note: z.string().max(2000).optional() }), response: { 201: z.object({ id: z.string(), gridCode: z.string(), period: z.string() }), ...errors(400, 401, 403, 404, 409) } } },
      async (req, reply) => {
        const r = await fw.recordScreening(requireActor(req), req.body);
        return reply.status(201).send({ id: r.id, gridCode: r.grid_code, period: r.period });
      },
    );
    app.get(
      `${base}/screening`,
      { schema: { tags, summary: 'Screening overview: the grids of an area, missing rounds first', querystring: pageQuery.extend({ area: z.string().optional(), period: period.optional() }), response: { 200: z.object({ period: z.string(), total: z.number(), done: z.number(), missing: z.number(), page: z.number(), pageSize: z.number(), items: z.array(screeningRow) }), ...errors(400, 401, 403, 404) } } },
      async (req) => {
        const r = await fw.screening(requireActor(req), req.query);
        return {
          ...r,
          items: r.items.map((x) => ({ grid: { code: x.code, name: x.name }, done: x.round_id !== null, nothingFound: x.nothing_found, disputeCodes: x.dispute_codes, recordedAt: iso(x.recorded_at), recordedBy: x.recorded_by_name })),
        };
      },
    );
    app.post('/api/v1/ops/jobs/track-retention', { schema: { tags: ['ops'], summary: 'Delete patrol tracks past the retention period now', response: { 200: z.object({ deletedPoints: z.number().int() }), ...errors(401, 403) } } }, async (req) =>
      fw.purgeTracksNow(requireActor(req)),
    );
  };
