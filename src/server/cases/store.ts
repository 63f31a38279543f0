import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../org/store.ts';
import type { CaseAction, CaseState } from './state-machine.ts';

export type Channel = 'hotline' | 'web' | 'app' | 'gridworker' | 'iot' | 'api' | 'open311';
export type Rating = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

export interface CaseTable {
  id: Generated<string>;
  code: string;
  channel: Channel;
  state: CaseState;
  version: Generated<number>;
  text: string;
  dup_text: string;
  nature: string | null;
  category: string | null;
  priority: number;
  urgent: boolean;
  lon: number | null;
  lat: number | null;
  address: string | null;
  grid_code: string | null;
  area_path: string;
  h3: string | null;
  reporter_anonymous: boolean;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_phone_idx: string | null;
  reporter_email: string | null;
  rating_token_hash: string | null;
  external_ref: string | null;
  main_department: string | null;
  co_departments: Generated<string[]>;
  dispatched_at: Date | null;
  deadline_hours: number | null;
  working_time: boolean | null;
  due_at: Date | null;
  yellow_at: Date | null;
  step_due_at: Date | null;
  paused_since: Date | null;
  paused_ms: Generated<number>;
  pending_extension_hours: number | null;
  supervision: Generated<'none' | 'yellow' | 'red'>;
  merged_into: string | null;
  answer: string | null;
  rating: Rating | null;
  rating_comment: string | null;
  rated_at: Date | null;
  rework_count: Generated<number>;
  rating_rework_used: Generated<boolean>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

export interface CaseEventTable {
  id: Generated<number>;
  case_id: string;
  at: Date;
  actor_id: string | null;
  actor: string;
  action: CaseAction | 'intake' | 'supervise' | 'attach';
  from_state: CaseState | null;
  to_state: CaseState;
  reason: string | null;
  attachments: Generated<string[]>;
  payload: Generated<unknown>;
}

export interface CaseCodeDayTable {
  day: string;
  last_no: number;
}

declare module '../db/tables.ts' {
  interface Tables {
    cases: CaseTable;
    case_events: CaseEventTable;
    case_code_days: CaseCodeDayTable;
  }
}

export type CaseRow = Selectable<CaseTable>;
export type CaseEventRow = Selectable<CaseEventTable>;
export type CasePatch = Omit<Updateable<CaseTable>, 'id' | 'code' | 'version'>;

export interface CaseFilter {
  state?: CaseState[];
  category?: string;
  channel?: Channel;
  /** ltree path of an area: the case must lie in its subtree */
  areaPath?: string;
  urgent?: boolean;
  supervision?: 'none' | 'yellow' | 'red';
  /** handlers see their own department's cases (主办 or 协办) */
  department?: string;
}

export function createCaseStore() {
  return {
    /** Next number of the city-local day; the row lock on the day makes it safe across nodes. */
    async nextDailyNumber(db: Db, day: string): Promise<number> {
      const row = await db
        .insertInto('case_code_days')
        .values({ day, last_no: 1 })
        .onConflict((oc) => oc.column('day').doUpdateSet({ last_no: sql`case_code_days.last_no + 1` }))
        .returning('last_no')
        .executeTakeFirstOrThrow();
      return row.last_no;
    },

    /** Reserves `n` consecutive numbers of the day at once (batched intake); returns the first. */
    async reserveDailyNumbers(db: Db, day: string, n: number): Promise<number> {
      const row = await db
        .insertInto('case_code_days')
        .values({ day, last_no: n })
        .onConflict((oc) => oc.column('day').doUpdateSet({ last_no: sql`case_code_days.last_no + ${n}` }))
        .returning('last_no')
        .executeTakeFirstOrThrow();
      return row.last_no - n + 1;
    },

    insertCase: (db: Db, row: Insertable<CaseTable>) => db.insertInto('cases').values(row).returningAll().executeTakeFirstOrThrow(),

    insertCases: (db: Db, rows: Insertable<CaseTable>[]) => db.insertInto('cases').values(rows).returningAll().execute(),

    insertEvents: (db: Db, rows: Insertable<CaseEventTable>[]) =>
      db
        .insertInto('case_events')
        .values(rows.map((e) => ({ ...e, payload: JSON.stringify(e.payload ?? {}) })))
        .returningAll()
        .execute(),

    insertEvent: (db: Db, e: Insertable<CaseEventTable>) =>
      db
        .insertInto('case_events')
        .values({ ...e, payload: JSON.stringify(e.payload ?? {}) })
        .returning('id')
        .executeTakeFirstOrThrow()
        .then((r) => r.id),

    findByCode: (db: Db, code: string, scopePath: string) =>
      db.selectFrom('cases').selectAll().where('code', '=', code).where(withinScope('area_path', scopePath)).executeTakeFirst(),

    findByCodeAnywhere: (db: Db, code: string) => db.selectFrom('cases').selectAll().where('code', '=', code).executeTakeFirst(),

    findById: (db: Db, id: string) => db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The optimistic-concurrency write: succeeds only if nobody changed the case since it was read. */
    async updateIfVersion(db: Db, id: string, version: number, patch: CasePatch): Promise<CaseRow | undefined> {
      return db
        .updateTable('cases')
        .set({ ...patch, version: sql`version + 1` })
        .where('id', '=', id)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
    },

    list(db: Db, scopePath: string, f: CaseFilter, page: number, pageSize: number) {
      let q = db.selectFrom('cases').where(withinScope('area_path', scopePath));
      if (f.state?.length) q = q.where('state', 'in', f.state);
      if (f.category) q = q.where('category', '=', f.category);
      if (f.channel) q = q.where('channel', '=', f.channel);
      if (f.areaPath) q = q.where(withinScope('area_path', f.areaPath));
      if (f.urgent !== undefined) q = q.where('urgent', '=', f.urgent);
      if (f.supervision) q = q.where('supervision', '=', f.supervision);
      if (f.department) {
        const dep = f.department;
        q = q.where((eb) => eb.or([eb('main_department', '=', dep), eb(sql<boolean>`${dep} = any(co_departments)`, '=', true)]));
      }
      return Promise.all([
        q.selectAll().orderBy('created_at', 'desc').orderBy('code', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },

    events: (db: Db, caseId: string) => db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),

    mergedInto: (db: Db, mainId: string) => db.selectFrom('cases').selectAll().where('merged_into', '=', mainId).where('state', '=', 'merged').execute(),

    /**
     * 并单 candidates for several probes in one statement (batched intake asks for a whole batch at once): for
     * each probe, open cases near its point, recent, optionally of one category, ranked by pg_trgm similarity of
     * their spaced-out text. The bounding box and time window use plain btree indexes. `q` is the probe's index.
     */
    async duplicates(
      db: Db,
      probes: readonly { dupText: string; lon: number; lat: number; since: Date; category?: string | null; excludeId?: string | null }[],
      o: { radiusM: number; states: readonly CaseState[]; minScore: number; limit: number },
    ) {
      if (probes.length === 0) return [];
      const dLat = o.radiusM / 111_320;
      const dLon = (lat: number) => o.radiusM / (111_320 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)));
      const rows = await sql<{ q: number; id: string; code: string; lon: number; lat: number; score: number }>`
        select p.n - 1 as q, d.id, d.code, d.lon, d.lat, d.score
        from unnest(${probes.map((p) => p.dupText)}::text[], ${probes.map((p) => p.lon)}::float8[], ${probes.map((p) => p.lat)}::float8[],
                    ${probes.map((p) => dLon(p.lat))}::float8[], ${probes.map((p) => p.since.toISOString())}::timestamptz[],
                    ${probes.map((p) => p.category || null)}::text[], ${probes.map((p) => p.excludeId || null)}::uuid[])
          with ordinality as p(txt, lon, lat, dlon, since, category, exclude_id, n)
        cross join lateral (
          select c.id, c.code, c.lon, c.lat, similarity(c.dup_text, p.txt) as score
          from cases c
          where c.lat >= p.lat - ${dLat} and c.lat <= p.lat + ${dLat} and c.lon >= p.lon - p.dlon and c.lon <= p.lon + p.dlon
            and c.created_at >= p.since and c.state = any(${[...o.states]}::text[])
            and similarity(c.dup_text, p.txt) >= ${o.minScore}
            and (p.category is null or c.category = p.category) and (p.exclude_id is null or c.id <> p.exclude_id)
          order by score desc
          limit ${o.limit}
        ) d
        order by p.n, d.score desc`.execute(db);
      return rows.rows.map((r) => ({ ...r, q: Number(r.q) }));
    },

    /**
     * Claims cases whose clock crossed a supervision mark. `FOR UPDATE SKIP LOCKED` lets several nodes sweep at
     * once without two of them raising the same card; a row another sweeper holds is simply left to it.
     */
    claimForSupervision: (db: Db, now: Date, limit: number) =>
      db
        .selectFrom('cases')
        .selectAll()
        .where('supervision', '<>', 'red')
        .where('due_at', 'is not', null)
        .where('paused_since', 'is', null)
        .where('yellow_at', '<=', now)
        .where('state', 'in', ['dispatched', 'handling', 'returned'])
        .where((eb) => eb.or([eb('supervision', '=', 'none'), eb('due_at', '<=', now)]))
        .orderBy('yellow_at')
        .limit(limit)
        .forUpdate()
        .skipLocked()
        .execute(),
  };
}

export type CaseStore = ReturnType<typeof createCaseStore>;
