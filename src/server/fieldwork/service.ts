import type { Logger } from 'pino';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { createFieldworkStore } from './store.ts';

const DAY_MS = 86_400_000;
/** GPS fixes more than this far apart in a second are noise (or a car), not a walk: they add no distance */
const MAX_SPEED_M_S = 15;

const haversineM = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r;
  const dLon = (b.lon - a.lon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
};

const pad = (n: number) => String(n).padStart(2, '0');
const isoDay = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

export interface PointInput {
  at: string;
  lon: number;
  lat: number;
  accuracyM?: number;
}

export function createFieldworkService(deps: Deps, { cases }: { cases: CaseService }) {
  const store = createFieldworkStore();
  const { db, clock, audit, config } = deps;
  const offsetMs = (() => {
    const m = /^([+-])(\d{2}):(\d{2})$/.exec(config.TZ_OFFSET);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000 : 8 * 3_600_000;
  })();
  /** the city-local calendar date of an instant */
  const localDate = (d: Date) => new Date(d.getTime() + offsetMs);
  const currentMonth = () => isoDay(localDate(clock.now())).slice(0, 7);
  /** local midnight of a YYYY-MM-DD as an instant */
  const dayStart = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) - offsetMs);

  async function ownRunning(actor: Actor, id: string) {
    assertCan(actor, 'fieldwork.record');
    const p = await store.patrol(db, id, actor.scopePath);
    if (!p || p.user_id !== actor.id) throw notFound('patrol', id);
    if (p.stopped_at) throw conflict('patrol.stopped', 'this patrol has stopped; tracks are recorded only during a patrol');
    return p;
  }

  async function patrolView(actor: Actor, id: string) {
    const p = await store.patrol(db, id, actor.scopePath);
    if (!p) throw notFound('patrol', id);
    return { ...p, points: p.tracks_purged_at ? [] : await store.points(db, id) };
  }

  return {
    /** 巡查 start: one running patrol per grid worker */
    async startPatrol(actor: Actor, body: { note?: string }) {
      assertCan(actor, 'fieldwork.record');
      if (!actor.id) throw invalid('patrol.needs_user', 'a patrol belongs to a signed-in grid worker');
      if (await store.runningPatrol(db, actor.id)) throw conflict('patrol.already_running', 'stop your running patrol before starting another');
      const now = clock.now();
      const grid = actor.scopePath.split('.').pop()!;
      const isGrid = actor.scopePath.split('.').length >= 5;
      const p = await db.transaction().execute(async (tx) => {
        const row = await store.insertPatrol(tx, { user_id: actor.id!, user_name: actor.username, grid_code: isGrid ? grid : null, area_path: actor.scopePath, started_at: now, stopped_at: null, tracks_purged_at: null, note: body.note ?? '' });
        await audit.record(tx, now, actor, 'patrol.start', { type: 'patrol', id: row.id });
        return row;
      });
      return patrolView(actor, p.id);
    },

    async addPoints(actor: Actor, id: string, points: PointInput[]) {
      const p = await ownRunning(actor, id);
      const now = clock.now();
      const sorted = points.map((x) => ({ ...x, t: new Date(x.at) })).sort((a, b) => a.t.getTime() - b.t.getTime());
      if (sorted.some((x) => x.t < p.started_at || x.t.getTime() > now.getTime() + 60_000)) throw invalid('patrol.point_out_of_time', 'track points must lie between the start of the patrol and now');
      await db.transaction().execute(async (tx) => {
        const locked = (await store.lockPatrol(tx, id))!;
        if (locked.stopped_at) throw conflict('patrol.stopped', 'this patrol has stopped');
        let prev = await store.lastPoint(tx, id);
        let distance = locked.distance_m;
        for (const x of sorted) {
          if (prev) {
            const d = haversineM(prev, x);
            const secs = Math.max(1, (x.t.getTime() - prev.at.getTime()) / 1000);
            if (d / secs <= MAX_SPEED_M_S) distance += d;
          }
          prev = { id: 0, patrol_id: id, at: x.t, lon: x.lon, lat: x.lat, accuracy_m: x.accuracyM ?? null };
        }
        await store.insertPoints(tx, sorted.map((x) => ({ patrol_id: id, at: x.t, lon: x.lon, lat: x.lat, accuracy_m: x.accuracyM ?? null })));
        await store.updatePatrol(tx, id, { point_count: locked.point_count + sorted.length, distance_m: Math.round(distance * 10) / 10 });
      });
      return patrolView(actor, id);
    },

    async stopPatrol(actor: Actor, id: string) {
      await ownRunning(actor, id);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await store.updatePatrol(tx, id, { stopped_at: now });
        await audit.record(tx, now, actor, 'patrol.stop', { type: 'patrol', id });
      });
      return patrolView(actor, id);
    },

    /** 上报 an event found on the way: a case through the one front door, linked to the patrol in the same transaction */
    async reportEvent(actor: Actor, id: string, body: { text: string; category?: string; lon: number; lat: number; address?: string }) {
      await ownRunning(actor, id);
      const r = await cases.intake(actor, { channel: 'gridworker', text: body.text, category: body.category, lon: body.lon, lat: body.lat, address: body.address }, { within: async (tx, c) => void (await store.linkCase(tx, id, c.id)) });
      return { caseCode: r.case.code, patrol: await patrolView(actor, id) };
    },

    getPatrol: (actor: Actor, id: string) => {
      assertCan(actor, 'fieldwork.read');
      return patrolView(actor, id);
    },

    /** 工作日志: one day of a grid worker's patrols and visits (their own, or a worker's in scope) */
    async dailyLog(actor: Actor, day: string, userId?: string) {
      assertCan(actor, 'fieldwork.read');
      const who = actor.roles.includes('gridworker') && !actor.roles.includes('admin') ? (actor.id ?? undefined) : userId;
      const from = dayStart(day);
      const to = new Date(from.getTime() + DAY_MS);
      const [patrols, visits] = await Promise.all([store.patrols(db, actor.scopePath, { from, to, userId: who }), store.visits(db, actor.scopePath, from, to, who)]);
      return { day, patrols, visits };
    },

    /** 走访 a special-care person or a house; `at` (a back-dated visit) is for the demo seed only, never from a request */
    async recordVisit(actor: Actor, body: { personId?: string; houseId?: string; note?: string }, opts: { at?: Date } = {}) {
      assertCan(actor, 'fieldwork.record');
      if (!body.personId === !body.houseId) throw invalid('visit.one_target', 'visit either a person or a house');
      const target = body.personId ? await store.personInScope(db, body.personId, actor.scopePath) : await store.houseInScope(db, body.houseId!, actor.scopePath);
      if (!target) throw notFound(body.personId ? 'person' : 'house', (body.personId ?? body.houseId)!);
      const now = opts.at ?? clock.now();
      return db.transaction().execute(async (tx) => {
        const v = await store.insertVisit(tx, { person_id: body.personId ?? null, house_id: body.houseId ?? null, grid_code: target.grid_code, area_path: target.area_path, visited_at: now, visited_by: actor.id, visited_by_name: actor.username, note: body.note ?? '' });
        await audit.record(tx, now, actor, 'visit.record', { type: body.personId ? 'person' : 'house', id: target.id });
        return v;
      });
    },

    /** the 走访 due list: next due = last visit (or registration) + visitCycleDays; overdue once passed */
    async dueVisits(actor: Actor, page: number, pageSize: number) {
      assertCan(actor, 'fieldwork.read');
      const now = clock.now();
      const [rows, total] = await store.dueVisits(db, actor.scopePath, now, page, pageSize);
      return { items: rows.map((r) => ({ ...r, next_due: new Date(r.next_due), overdue: new Date(r.next_due) < now })), total, page, pageSize };
    },

    async checkins(actor: Actor, from: string, to: string) {
      assertCan(actor, 'fieldwork.read');
      return store.checkins(db, actor.scopePath, dayStart(from), new Date(dayStart(to).getTime() + DAY_MS));
    },

    /** 排查 periods due in a month: the month itself, and a round before each holiday that starts in it */
    async screeningPeriods(month?: string) {
      const m = month ?? currentMonth();
      const first = `${m}-01`;
      const next = isoDay(new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 1)));
      const days = await store.holidays(db, isoDay(new Date(Date.parse(first) - DAY_MS)), next);
      const set = new Set(days.map((d) => d.day));
      const starts = days.filter((d) => d.day >= first && !set.has(isoDay(new Date(Date.parse(d.day) - DAY_MS))));
      return [{ period: m, kind: 'monthly' as const, name: `${m} 月度排查` }, ...starts.map((d) => ({ period: `holiday:${d.day}`, kind: 'pre_holiday' as const, name: `${d.name || '节假日'}前排查` }))];
    },

    async recordScreening(actor: Actor, body: { gridCode?: string; period: string; nothingFound: boolean; disputeCodes: string[]; note?: string }) {
      assertCan(actor, 'dispute.manage');
      const gridCode = body.gridCode ?? actor.scopePath.split('.').pop()!;
      const grid = await store.gridInScope(db, gridCode, actor.scopePath);
      if (!grid) throw notFound('grid', gridCode);
      if (/^\d{4}-\d{2}$/.test(body.period)) {
        if (body.period > currentMonth()) throw invalid('screening.future_period', 'a month’s screening is recorded in or after that month');
      } else {
        const due = await this.screeningPeriods(body.period.slice(8, 15));
        if (!due.some((p) => p.period === body.period)) throw invalid('screening.unknown_period', `${body.period} is not the start of a holiday in the calendar`);
      }
      if (body.nothingFound !== (body.disputeCodes.length === 0)) throw invalid('screening.inconsistent', 'record either “nothing found” or the disputes found');
      const found = await store.disputesByCode(db, body.disputeCodes, actor.scopePath);
      const missing = body.disputeCodes.filter((c) => !found.some((f) => f.code === c));
      if (missing.length) throw invalid('screening.unknown_dispute', 'register the disputes found first', { missing });
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const row = await store.insertScreening(tx, { grid_code: grid.code, area_path: grid.path, period: body.period, nothing_found: body.nothingFound, note: body.note ?? '', dispute_ids: found.map((f) => f.id), recorded_by: actor.id, recorded_by_name: actor.username, recorded_at: now });
        if (!row) throw conflict('screening.already_recorded', `grid ${grid.code} already has its ${body.period} round`);
        await audit.record(tx, now, actor, 'screening.record', { type: 'grid', id: grid.code }, { period: body.period, nothingFound: body.nothingFound, disputes: body.disputeCodes.length });
        return row;
      });
    },

    /** 排查 overview for the street office: every grid of the area, missing rounds first */
    async screening(actor: Actor, q: { area?: string; period?: string; page: number; pageSize: number }) {
      assertCan(actor, 'dispute.read');
      const period = q.period ?? currentMonth();
      const areaPath = q.area ? await store.areaPath(db, q.area) : actor.scopePath;
      if (!areaPath) throw notFound('area', q.area!);
      const [items, total, done] = await store.screening(db, areaPath, actor.scopePath, period, q.page, q.pageSize);
      return { period, total, done, missing: total - done, items, page: q.page, pageSize: q.pageSize };
    },

    /** deletes patrol tracks older than the retention period (PATROL_TRACK_RETENTION_DAYS after the stop) */
    async purgeTracks(): Promise<{ deletedPoints: number }> {
      const now = clock.now();
      const deletedPoints = await db.transaction().execute((tx) => store.purgeTracks(tx, new Date(now.getTime() - config.PATROL_TRACK_RETENTION_DAYS * DAY_MS), now));
      return { deletedPoints };
    },
    async purgeTracksNow(actor: Actor) {
      assertCan(actor, 'ops.run');
      return this.purgeTracks();
    },
  };
}

export type FieldworkService = ReturnType<typeof createFieldworkService>;

/** Track retention: once an hour is plenty for a period counted in days. */
export function startFieldworkJobs(purge: () => Promise<unknown>, intervalMs: number, logger: Logger): () => void {
  const timer = setInterval(() => void purge().catch((err: unknown) => logger.error({ err }, 'track retention failed')), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
