import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import { boxDegrees, h3CellsAround } from '../geo/geometry.ts';
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

/** Columns of a new case that the database fills (identity, public code, defaults): what intake reads back. */
const generated = ['id', 'code', 'version', 'co_departments', 'paused_ms', 'supervision', 'rework_count', 'rating_rework_used'] as const;
type GeneratedColumn = (typeof generated)[number];

/** One 并单 probe: similar text near a point, recent, optionally of one category. */
export interface DuplicateProbeRow {
  dupText: string;
  lon: number;
  lat: number;
  since: Date;
  category?: string | null;
  excludeId?: string | null;
}

export interface DuplicateOptions {
  radiusM: number;
  states: readonly CaseState[];
  minScore: number;
  limit: number;
}

/** A case for `intakeBatch`: its row but for the public code, and what its event and audit entry record. */
export interface IntakeBatchItem {
  row: Omit<Insertable<CaseTable>, 'code'>;
  actor: string;
  requestId: string | null;
  payload: Record<string, unknown>;
  probe: DuplicateProbeRow | null;
}

/**
 * Probes as rows `p(n, txt, lon, lat, dlon, category, exclude_id, cells)` from one JSON parameter, `n`
 * counting from 1 in array order unless given. `cells` are the H3 cells around the point, where the index
 * search starts.
 */
function probeRows(probes: readonly (DuplicateProbeRow & { n?: number })[], o: DuplicateOptions) {
  const rows = probes.map((p, i) => ({
    n: p.n ?? i + 1,
    txt: p.dupText,
    lon: p.lon,
    lat: p.lat,
    dlon: boxDegrees(o.radiusM, p.lat).dLon,
    category: p.category || null,
    exclude_id: p.excludeId || null,
    cells: h3CellsAround(p.lon, p.lat, o.radiusM),
  }));
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as p(n int, txt text, lon float8, lat float8, dlon float8, category text, exclude_id uuid, cells text[])`;
}

/**
 * The open cases matching probe `p` (a row of `probeRows`), best first: a lateral subquery shared by the
 * duplicate search and the batched intake. The H3 cells around the point find the candidates by index, the
 * box and the time window trim them, and pg_trgm similarity of the spaced-out texts ranks what is left.
 */
function duplicateMatches(probes: readonly DuplicateProbeRow[], o: DuplicateOptions) {
  const { dLat } = boxDegrees(o.radiusM, 0);
  // One window start for the statement (the earliest; probes of a batch are milliseconds apart), as a plain
  // parameter: the planner then sees the date it filters on. Per probe, it guesses a third of the table and
  // drags the created_at index into every lookup.
  const since = new Date(probes.length ? Math.min(...probes.map((p) => p.since.getTime())) : 0);
  return sql`(
    select c.id, c.code, c.lon, c.lat, similarity(c.dup_text, p.txt) as score
    from cases c
    where c.h3 = any(p.cells)
      and c.lat >= p.lat - ${dLat} and c.lat <= p.lat + ${dLat} and c.lon >= p.lon - p.dlon and c.lon <= p.lon + p.dlon
      and c.created_at >= ${since} and c.state = any(${[...o.states]}::text[])
      and similarity(c.dup_text, p.txt) >= ${o.minScore}
      and (p.category is null or c.category = p.category) and (p.exclude_id is null or c.id <> p.exclude_id)
    order by score desc
    limit ${o.limit}
  )`;
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
     * 并单 candidates for several probes in one statement: for each probe, open cases near its point, recent,
     * optionally of one category, ranked by similarity. `q` is the probe's index.
     */
    async duplicates(db: Db, probes: readonly DuplicateProbeRow[], o: DuplicateOptions) {
      if (probes.length === 0) return [];
      const rows = await sql<{ q: number; id: string; code: string; lon: number; lat: number; score: number }>`
        select p.n - 1 as q, d.id, d.code, d.lon, d.lat, d.score
        from ${probeRows(probes, o)}
        cross join lateral ${duplicateMatches(probes, o)} d
        order by p.n, d.score desc`.execute(db);
      return rows.rows.map((r) => ({ ...r, q: Number(r.q) }));
    },

    /**
     * Intake of a whole batch in one statement, so one round trip and its own transaction: reserves the day's
     * next numbers, finds the 并单 candidates of each new case among the cases already there (a statement's
     * reads do not see its own inserts), and inserts the cases, their intake events and their audit entries
     * (unsealed, as `audit.append` writes them: D6). Rows come as JSON and are typed by the table itself
     * (`jsonb_populate_recordset`), so adding a column needs no change here. Returns the rows in input order.
     */
    async intakeBatch(db: Db, day: string, batch: readonly IntakeBatchItem[], o: DuplicateOptions) {
      const columns = Object.keys(batch[0]!.row).map((c) => sql.ref(c));
      const meta = batch.map((b) => ({ actor: b.actor, requestId: b.requestId, payload: b.payload }));
      // the probe of case n of the batch is probe n; a case without a point has none
      const probes = batch.flatMap((b, i) => (b.probe ? [{ ...b.probe, n: i + 1 }] : []));
      const result = await sql<Pick<CaseRow, GeneratedColumn> & { n: number; event_id: number; duplicates: { code: string; score: number }[] | null }>`
        with day as (
          insert into case_code_days (day, last_no) values (${day}, ${batch.length})
          on conflict (day) do update set last_no = case_code_days.last_no + excluded.last_no
          returning last_no - ${batch.length} as base
        ),
        input as (
          select r.*, r.ordinality as n, day.base + r.ordinality as no
          from jsonb_populate_recordset(null::cases, ${JSON.stringify(batch.map((b) => b.row))}::jsonb) with ordinality as r cross join day
        ),
        meta as (
          select m.n, m.v from jsonb_array_elements(${JSON.stringify(meta)}::jsonb) with ordinality as m(v, n)
        ),
        found as (
          select p.n, jsonb_agg(jsonb_build_object('code', d.code, 'score', d.score) order by d.score desc) as duplicates
          from ${probeRows(probes, o)}
          cross join lateral ${duplicateMatches(probes, o)} d
          group by p.n
        ),
        ins as (
          insert into cases (code, ${sql.join(columns)})
          select ${day} || lpad(no::text, 5, '0'), ${sql.join(columns)} from input order by n
          returning ${sql.join(generated.map((g) => sql.ref(g)))}, created_at, created_by
        ),
        numbered as (
          select ins.*, input.n from ins join input on ins.code = ${day} || lpad(input.no::text, 5, '0')
        ),
        ev as (
          insert into case_events (case_id, at, actor_id, actor, action, from_state, to_state, payload)
          select c.id, c.created_at, c.created_by, meta.v->>'actor', 'intake', null, 'received',
                 (meta.v->'payload') || jsonb_build_object('duplicates', coalesce((select jsonb_agg(x->>'code') from jsonb_array_elements(found.duplicates) x), '[]'::jsonb))
          from numbered c join meta on meta.n = c.n left join found on found.n = c.n
          order by c.n
          returning id, case_id, payload
        ),
        au as (
          -- no text or contacts in the audit chain: those stay in the (encrypted) case row
          insert into audit_log (at, actor_id, actor, action, target_type, target_id, request_id, detail)
          select c.created_at, c.created_by, meta.v->>'actor', 'case.intake', 'case', c.code, meta.v->>'requestId',
                 jsonb_build_object('event', ev.id, 'from', null, 'to', 'received') || ev.payload
          from numbered c join ev on ev.case_id = c.id join meta on meta.n = c.n
          order by c.n
        )
        select c.n, ${sql.join(generated.map((g) => sql.ref(`c.${g}`)))}, ev.id as event_id, found.duplicates
        from numbered c join ev on ev.case_id = c.id left join found on found.n = c.n
        order by c.n`.execute(db);
      // what the database decided (ids, the code, defaults) over what was sent: the row as stored, without
      // sending 50 columns back that the server already holds
      return result.rows.map(({ n, event_id, duplicates, ...decided }) => ({ row: { ...batch[n - 1]!.row, ...decided } as CaseRow, eventId: event_id, duplicates: duplicates ?? [] }));
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
