import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import { boxDegrees, h3CellsAround } from '../geo/geometry.ts';
import { inScope, narrowerScope, withinScope } from '../db/scope.ts';
import type { SelectQueryBuilder } from 'kysely';
import type { Tables } from '../db/tables.ts';
import type { CaseAction, CaseState } from '../../../shared/cases/state-machine.ts';

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
  /** taxonomy version the deadline was taken from; set when the clock starts (migration 0020) */
  taxonomy_version: Generated<number | null>;
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
  /** 核实: when the grid worker last verified the report on site (migration 0042) */
  verified_at: Generated<Date | null>;
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
    /** trigger-kept sums of cases per state × category × supervision, once per area a case lies in, city down to grid (0046): a scope's totals are its own rows */
    case_scope_counts: { scope: string; state: string; category: string; supervision: string; n: string | number };
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
  /** 'urgent': urgent cases first, then newest (the dispatcher's queue) */
  sort?: 'newest' | 'urgent';
}

/** A timeline entry with the person behind it: the timeline shows names and units, not login names. */
export type CaseEventView = CaseEventRow & { actor_name: string | null; actor_department: string | null };

/** Columns of a new case that the database fills (identity, public code, defaults): what intake reads back. */
type GeneratedColumn = 'id' | 'code' | 'version' | 'co_departments' | 'paused_ms' | 'supervision' | 'rework_count' | 'rating_rework_used';

/** One 并单 probe: similar text near a point, recent, optionally of one category. */
export interface DuplicateProbeRow {
  dupText: string;
  lon: number;
  lat: number;
  since: Date;
  category?: string | null;
  excludeId?: string | null;
  /** the caller's data scope: candidates come only from inside it (migration 0014) */
  scopePath: string | null;
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
 * Probes as the JSON `case_duplicates` takes (migration 0012): `n` counts from 1 in array order unless given;
 * `cells` are the H3 cells covering the box around the point, where its index search starts.
 */
function probesJson(probes: readonly (DuplicateProbeRow & { n?: number })[], o: DuplicateOptions): string {
  return JSON.stringify(
    probes.map((p, i) => {
      const { dLat, dLon } = boxDegrees(o.radiusM, p.lat);
      return { n: p.n ?? i + 1, txt: p.dupText, lon: p.lon, lat: p.lat, dlat: dLat, dlon: dLon, category: p.category || null, exclude_id: p.excludeId || null, scope: p.scopePath || null, cells: h3CellsAround(p.lon, p.lat, o.radiusM) };
    }),
  );
}

/** One window start for the statement: the earliest (probes of a batch are milliseconds apart). */
const windowStart = (probes: readonly DuplicateProbeRow[]) => new Date(probes.length ? Math.min(...probes.map((p) => p.since.getTime())) : 0);

/** Filters the case counters (0026, 0046) cover: summed from them, exact, thousands of rows whatever the history. */
const countable = (f: CaseFilter) => !f.channel && f.urgent === undefined && !f.department;

async function countFromCounters(db: Db, scopePath: string, f: CaseFilter) {
  const scope = narrowerScope(scopePath, f.areaPath);
  if (scope === null) return { total: 0, estimated: false };
  let counts = db.selectFrom('case_scope_counts').where('scope', '=', sql<string>`${scope}::ltree`);
  if (f.state?.length) counts = counts.where('state', 'in', f.state);
  if (f.category) counts = counts.where('category', '=', f.category);
  if (f.supervision) counts = counts.where('supervision', '=', f.supervision);
  const r = await counts.select(sql<string>`coalesce(sum(n), 0)`.as('n')).executeTakeFirstOrThrow();
  return { total: Number(r.n), estimated: false };
}

/**
 * Counts the matching cases up to `limit` (a bounded read). Beyond it the answer is the planner's estimate of
 * the whole (never below what was counted), marked as such: an exact count there would grow with history.
 */
async function countUpTo(db: Db, q: SelectQueryBuilder<Tables, 'cases', object>, limit: number) {
  const r = await db.selectFrom(q.select(sql`1`.as('one')).limit(limit + 1).as('m')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const n = Number(r.n);
  if (n <= limit) return { total: n, estimated: false };
  const plan = (await q.selectAll().explain('json')) as unknown as { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[];
  const estimate = Math.round(Number(plan[0]?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0));
  return { total: Math.max(n, estimate), estimated: true };
}

export function createCaseStore() {
  return {
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

    /** 核实 before 立案: whether the case's grid requires its grid worker's on-site verification first (migration 0042) */
    gridVerifiesBeforeFiling: (db: Db, gridCode: string) =>
      db.selectFrom('areas').select('verify_before_filing').where('code', '=', gridCode).executeTakeFirst().then((r) => r?.verify_before_filing === true),
    findById: (db: Db, id: string) => db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst(),

    /** The kinds of those of `ids` that are attachments of this case (an action may cite only its own). */
    attachmentKinds: (db: Db, caseId: string, ids: string[]) =>
      db.selectFrom('case_attachments').select(['id', 'kind']).where('case_id', '=', caseId).where('id', 'in', ids).execute(),

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

    /**
     * One page of the list, newest first (ties by code), and its total. `after` (a case code, from the opaque
     * cursor) starts the page right after that case in this order: a keyset page reads pageSize rows from the
     * index wherever it is, and rows written meanwhile never shift it. Without it, `page` is an offset.
     */
    async list(db: Db, scopePath: string, f: CaseFilter, page: number, pageSize: number, o: { after?: string; countLimit: number }): Promise<{ items: CaseRow[]; total: number; totalEstimated: boolean; more: boolean }> {
      let q = db.selectFrom('cases').where(inScope('area_path', scopePath));
      if (f.state?.length) q = q.where('state', 'in', f.state);
      if (f.category) q = q.where('category', '=', f.category);
      if (f.channel) q = q.where('channel', '=', f.channel);
      if (f.areaPath) q = q.where(inScope('area_path', f.areaPath));
      if (f.urgent !== undefined) q = q.where('urgent', '=', f.urgent);
      if (f.supervision) q = q.where('supervision', '=', f.supervision);
      if (f.department) {
        const dep = f.department;
        q = q.where((eb) => eb.or([eb('main_department', '=', dep), eb(sql<boolean>`${dep} = any(co_departments)`, '=', true)]));
      }
      // urgent first is the dispatch queue's order; keyset pages follow the plain (created_at, code) order only
      let rows = (f.sort === 'urgent' ? q.selectAll().orderBy('urgent', 'desc') : q.selectAll()).orderBy('created_at', 'desc').orderBy('code', 'desc').limit(pageSize + 1);
      // the row value comparison walks cases_created_code from the cursor's position (one probe by code first)
      rows = o.after
        ? rows.where(sql<boolean>`(created_at, code) < (select a.created_at, a.code from cases a where a.code = ${o.after})`)
        : rows.offset((page - 1) * pageSize);
      const [items, counted] = await Promise.all([rows.execute(), countable(f) ? countFromCounters(db, scopePath, f) : countUpTo(db, q, o.countLimit)]);
      return { items: items.slice(0, pageSize), total: counted.total, totalEstimated: counted.estimated, more: items.length > pageSize };
    },

    /**
     * A case's history with each actor's name and unit. case_events is partitioned by month (0034): no event is
     * older than its case, so the case's creation time (less a day of clock skew between nodes) lets the plan skip
     * the older months.
     */
    events: (db: Db, c: { id: string; created_at: Date }): Promise<CaseEventView[]> =>
      db
        .selectFrom('case_events as e')
        .leftJoin('users as u', 'u.id', 'e.actor_id')
        .selectAll('e')
        .select(['u.display_name as actor_name', 'u.department_code as actor_department'])
        .where('e.case_id', '=', c.id)
        .where('e.at', '>=', new Date(new Date(c.created_at).getTime() - 86_400_000))
        .orderBy('e.id')
        .execute(),

    countEvents: (db: Db, caseId: string, action: CaseEventTable['action']) =>
      db
        .selectFrom('case_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('case_id', '=', caseId)
        .where('action', '=', action)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),

    mergedInto: (db: Db, mainId: string) => db.selectFrom('cases').selectAll().where('merged_into', '=', mainId).where('state', '=', 'merged').execute(),

    /** 并单 candidates of one probe: open cases near its point, recent, optionally of one category, best first. */
    async duplicates(db: Db, probe: DuplicateProbeRow, o: DuplicateOptions) {
      const rows = await sql<{ id: string; code: string; lon: number; lat: number; score: number }>`
        select id, code, lon, lat, score from case_duplicates(${probesJson([probe], o)}::jsonb, ${probe.since}, ${[...o.states]}::text[], ${o.minScore}, ${o.limit})`.execute(db);
      return rows.rows;
    },

    /**
     * Intake of a whole batch in one call of `case_intake` (migration 0012), so one round trip, one
     * transaction and a plan each connection makes once: reserves the day's next numbers, finds the 并单
     * candidates of each new case among the cases already there, and inserts the cases, their intake events
     * and their audit entries (unsealed, as `audit.record` writes them: D6). Returns the rows in input order.
     */
    async intakeBatch(db: Db, day: string, batch: readonly IntakeBatchItem[], o: DuplicateOptions) {
      const meta = batch.map((b) => ({ actor: b.actor, requestId: b.requestId, payload: b.payload }));
      // the probe of case n of the batch is probe n; a case without a point has none
      const probes = batch.flatMap((b, i) => (b.probe ? [{ ...b.probe, n: i + 1 }] : []));
      const result = await sql<Pick<CaseRow, GeneratedColumn> & { n: number; event_id: number; duplicates: { code: string; score: number }[] | null }>`
        select * from case_intake(${day}, ${JSON.stringify(batch.map((b) => b.row))}::jsonb, ${JSON.stringify(meta)}::jsonb,
          ${probesJson(probes, o)}::jsonb, ${windowStart(probes)}, ${[...o.states]}::text[], ${o.minScore}, ${o.limit})`.execute(db);
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
