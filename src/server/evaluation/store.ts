import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import { inScope } from '../db/scope.ts';
import type { CaseRow } from '../cases/store.ts';
import type { AreaLevel, SubjectType } from '../../../shared/evaluation.ts';

/** The summed rollup columns of one subject over a period (migration 0015). */
export const dailyColumns = [
  'received', 'filed', 'answered', 'dismissed', 'dispatched', 'dispatch_on_time', 'reported', 'report_on_time', 'closed', 'closed_effective',
  'closed_on_time', 'rework_cases', 'extended_cases', 'rated', 'satisfied', 'unsatisfied', 'reopened', 'recurred', 'yellow', 'red', 'urges',
  'objections', 'objections_upheld', 'objections_rejected',
] as const;
export const actorColumns = ['intakes', 'reports', 'reports_filed', 'dispatched', 'dispatch_on_time', 'checks', 'checks_on_time'] as const;

export type Totals = Record<string, number>;
export interface SubjectTotals {
  key: string;
  totals: Totals;
}

export interface SchemeRow {
  code: string;
  subject_type: SubjectType;
  name: string;
  weights: Record<string, number>;
  min_cases: number;
  max_share: number;
  is_default: boolean;
  updated_at: Date;
  updated_by: string;
}

export interface Period {
  /** inclusive city-local days, YYYY-MM-DD */
  from: string;
  to: string;
}

const levelDepth: Record<AreaLevel, number> = { district: 2, street: 3, community: 4, grid: 5 };

/** Depth of a district's path (city.district): the unit rollup's area key (0037). */
const districtDepth = 2;
const depthOf = (path: string) => path.split('.').length;

/**
 * The rollup a question over a scope reads: the city or a district asks evaluation_unit_daily (day × unit ×
 * district, 0037), thousands of rows a month whatever the grids and categories; a street or a grid asks
 * evaluation_daily, its rows bounded by that small area. `scopeOf` is the matching scope predicate.
 */
const rollupFor = (scopePath: string) => sql.raw(depthOf(scopePath) <= districtDepth ? 'evaluation_unit_daily' : 'evaluation_daily');
const scopeOf = (scopePath: string) =>
  depthOf(scopePath) <= districtDepth ? sql`district <@ ${scopePath}::ltree` : inScope('area_path', scopePath);

const sums = (cols: readonly string[]) => sql.raw(cols.map((c) => `coalesce(sum(${c}), 0)::int as ${c}`).join(', '));

function totalsOf(row: Record<string, unknown>, cols: readonly string[]): Totals {
  const t: Totals = {};
  for (const c of cols) t[c] = Number(row[c] ?? 0);
  t.objections_resolved = (t.objections_upheld ?? 0) + (t.objections_rejected ?? 0);
  return t;
}

export function createEvaluationStore() {
  return {
    /** Rollup sums per department (处置单位) for cases inside the scope. */
    async departmentTotals(db: Db, scopePath: string, p: Period): Promise<SubjectTotals[]> {
      const r = await sql<Record<string, unknown>>`
        select department as key, ${sums(dailyColumns)} from ${rollupFor(scopePath)}
        where day between ${p.from}::date and ${p.to}::date and ${scopeOf(scopePath)} and department <> ''
        group by department`.execute(db);
      return r.rows.map((row) => ({ key: String(row.key), totals: totalsOf(row, dailyColumns) }));
    },

    /** Rollup sums per area of a level: grids are the rollup's key, their ancestors a prefix of its path. */
    async areaTotals(db: Db, scopePath: string, p: Period, level: AreaLevel): Promise<SubjectTotals[]> {
      const depth = levelDepth[level];
      // districts are the unit rollup's own key; finer levels need the grids of evaluation_daily
      const r =
        depth <= districtDepth
          ? await sql<Record<string, unknown>>`
              select district::text as key, ${sums(dailyColumns)} from evaluation_unit_daily
              where day between ${p.from}::date and ${p.to}::date and district <@ ${scopePath}::ltree and nlevel(district) >= ${depth}
              group by 1`.execute(db)
          : await sql<Record<string, unknown>>`
              select subpath(area_path, 0, ${depth})::text as key, ${sums(dailyColumns)} from evaluation_daily
              where day between ${p.from}::date and ${p.to}::date and ${inScope('area_path', scopePath)} and nlevel(area_path) >= ${depth}
              group by 1`.execute(db);
      return r.rows.map((row) => ({ key: String(row.key), totals: totalsOf(row, dailyColumns) }));
    },

    async actorTotals(db: Db, p: Period): Promise<SubjectTotals[]> {
      const r = await sql<Record<string, unknown>>`
        select actor_id::text as key, ${sums(actorColumns)} from evaluation_actor_daily
        where day between ${p.from}::date and ${p.to}::date group by actor_id`.execute(db);
      return r.rows.map((row) => ({ key: String(row.key), totals: totalsOf(row, actorColumns) }));
    },

    /** Monthly sums of one subject: the trend. */
    async monthly(db: Db, scopePath: string, p: Period, subject: { type: SubjectType; key: string }): Promise<{ month: string; totals: Totals }[]> {
      const isActor = subject.type === 'post';
      const cols = isActor ? actorColumns : dailyColumns;
      const where: RawBuilder<unknown> = isActor
        ? sql`actor_id = ${subject.key}::uuid`
        : subject.type === 'department'
          ? sql`department = ${subject.key} and ${scopeOf(scopePath)}`
          : sql`${inScope('area_path', subject.key)} and ${inScope('area_path', scopePath)}`;
      const table = isActor ? sql.raw('evaluation_actor_daily') : subject.type === 'department' ? rollupFor(scopePath) : sql.raw('evaluation_daily');
      const r = await sql<Record<string, unknown>>`
        select to_char(day, 'YYYY-MM') as month, ${sums(cols)} from ${table}
        where day between ${p.from}::date and ${p.to}::date and ${where} group by 1 order by 1`.execute(db);
      return r.rows.map((row) => ({ month: String(row.month), totals: totalsOf(row, cols) }));
    },

    /** Per-day intake and dispatch counts of the last days, for the big screen's "today vs 7-day average". */
    async daily(db: Db, scopePath: string, p: Period) {
      const r = await sql<{ day: string; received: number; dispatched: number; red: number }>`
        select to_char(day, 'YYYY-MM-DD') as day, sum(received)::int as received, sum(dispatched)::int as dispatched, sum(red)::int as red
        from ${rollupFor(scopePath)} where day between ${p.from}::date and ${p.to}::date and ${scopeOf(scopePath)} group by day order by day`.execute(db);
      return r.rows;
    },

    departments: (db: Db) => db.selectFrom('departments').select(['code', 'name']).where('active', '=', true).orderBy('code').execute(),

    /** Areas of a level in scope, with their surface from the grids below them (km²). */
    async areas(db: Db, scopePath: string, level: AreaLevel) {
      const depth = levelDepth[level];
      // one pass over the grids: each grid's surface goes to its ancestor at the level
      const r = await sql<{ code: string; name: string; path: string; km2: number | null }>`
        select a.code, a.name, a.path::text as path, s.km2
        from areas a left join (
          select subpath(gr.path, 0, ${depth}) as path, sum(g.area_m2) / 1e6 as km2
          from areas gr join area_geometries g on g.area_code = gr.code
          where gr.level = 'grid' and nlevel(gr.path) >= ${depth} group by 1
        ) s on s.path = a.path
        where a.level = ${level} and a.path <@ ${scopePath}::ltree order by a.path`.execute(db);
      return r.rows.map((a) => ({ ...a, km2: a.km2 === null ? null : Number(a.km2) }));
    },

    /** Staff on the evaluated posts (受理员, 派遣员, 网格员) whose scope lies in the viewer's. */
    async posts(db: Db, scopePath: string) {
      const r = await sql<{ id: string; username: string; display_name: string; roles: string[] }>`
        select id::text as id, username, display_name, roles from users
        where roles && array['clerk', 'dispatcher', 'gridworker']::text[] and scope_path <@ ${scopePath}::ltree and not disabled
        order by username`.execute(db);
      return r.rows;
    },

    async areaByCode(db: Db, code: string) {
      return db.selectFrom('areas').select(['code', 'name', 'path', 'level']).where('code', '=', code).executeTakeFirst();
    },

    // ---- schemes
    async schemes(db: Db): Promise<SchemeRow[]> {
      const r = await sql<SchemeRow>`select * from evaluation_schemes order by subject_type, not is_default, code`.execute(db);
      return r.rows.map((s) => ({ ...s, max_share: Number(s.max_share) }));
    },

    async upsertScheme(db: Db, s: Omit<SchemeRow, 'updated_at'>, at: Date) {
      if (s.is_default) await sql`update evaluation_schemes set is_default = false where subject_type = ${s.subject_type} and code <> ${s.code}`.execute(db);
      await sql`
        insert into evaluation_schemes (code, subject_type, name, weights, min_cases, max_share, is_default, updated_at, updated_by)
        values (${s.code}, ${s.subject_type}, ${s.name}, ${JSON.stringify(s.weights)}::jsonb, ${s.min_cases}, ${s.max_share}, ${s.is_default}, ${at}, ${s.updated_by})
        on conflict (code) do update set subject_type = excluded.subject_type, name = excluded.name, weights = excluded.weights,
          min_cases = excluded.min_cases, max_share = excluded.max_share, is_default = excluded.is_default,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(db);
    },

    /** The cases behind one number: facts matching a rollup column, a subject and the period (drill-down). */
    async drill(db: Db, q: { scopePath: string; column: string; subject: { type: SubjectType; key: string }; period: Period; page: number; pageSize: number }) {
      const { scopePath, column, subject, period } = q;
      const objection = column.startsWith('objections');
      const pred = objection ? objectionPredicate(column) : factPredicate(column, subject.type);
      if (!pred) return { items: [] as CaseRow[], total: 0 };
      const { cond, day, actor } = pred;
      const subjectCond: RawBuilder<unknown> =
        subject.type === 'department'
          ? objection ? sql`o.department_code = ${subject.key}` : sql`f.department = ${subject.key}`
          : subject.type === 'area'
            ? sql`c.area_path <@ ${subject.key}::ltree`
            : sql`${sql.raw(actor ?? 'f.reporter_id')} = ${subject.key}::uuid`;
      const from = objection
        ? sql`cases c join case_objections o on o.case_id = c.id`
        : sql`cases c join evaluation_case_facts f on f.case_id = c.id`;
      const where = sql`c.area_path <@ ${scopePath}::ltree and ${sql.raw(day)} between ${period.from}::date and ${period.to}::date and ${sql.raw(cond)} and ${subjectCond}`;
      const [items, total] = await Promise.all([
        sql<CaseRow>`select distinct c.* from ${from} where ${where} order by c.created_at desc, c.code desc limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`.execute(db),
        sql<{ n: number }>`select count(distinct c.id)::int as n from ${from} where ${where}`.execute(db),
      ]);
      return { items: items.rows, total: Number(total.rows[0]?.n ?? 0) };
    },

    rebuild: (db: Db) => sql<{ n: number }>`select evaluation_rebuild() as n`.execute(db).then((r) => Number(r.rows[0]?.n ?? 0)),
  };
}

export type EvaluationStore = ReturnType<typeof createEvaluationStore>;

const effective = 'f.closed and not f.reopened_by_rating and not f.recurred and not (f.unsatisfied and not f.satisfied)';
const received = { day: 'f.received_day' };
const dispatched = { day: 'f.dispatched_day' };

/** Each rollup column as a condition on the case's facts, with its cohort day (the same rules as evaluation_apply). */
function factPredicate(column: string, type: SubjectType): { cond: string; day: string; actor?: string } | null {
  const map: Record<string, { cond: string; day: string; actor?: string }> = {
    received: { ...received, cond: 'true' },
    filed: { ...received, cond: 'f.filed' },
    answered: { ...received, cond: 'f.answered' },
    dismissed: { ...received, cond: 'f.dismissed' },
    dispatched: { ...dispatched, cond: 'f.dispatched', actor: 'f.dispatcher_id' },
    dispatch_on_time: { ...dispatched, cond: 'f.dispatched and f.dispatch_on_time', actor: 'f.dispatcher_id' },
    reported: { ...dispatched, cond: 'f.dispatched and f.reported' },
    report_on_time: { ...dispatched, cond: 'f.dispatched and f.reported and f.report_on_time' },
    closed: { ...dispatched, cond: 'f.dispatched and f.closed' },
    closed_effective: { ...dispatched, cond: `f.dispatched and ${effective}` },
    closed_on_time: { ...dispatched, cond: `f.dispatched and ${effective} and f.report_on_time` },
    rework_cases: { ...dispatched, cond: 'f.dispatched and f.reworks > 0' },
    extended_cases: { ...dispatched, cond: 'f.dispatched and f.extensions > 0' },
    rated: { ...dispatched, cond: 'f.dispatched and f.rated' },
    satisfied: { ...dispatched, cond: 'f.dispatched and f.rated and f.satisfied' },
    unsatisfied: { ...dispatched, cond: 'f.dispatched and f.unsatisfied' },
    reopened: { ...dispatched, cond: 'f.dispatched and f.reopened_by_rating' },
    recurred: { ...dispatched, cond: 'f.dispatched and f.recurred' },
    yellow: { ...dispatched, cond: 'f.dispatched and f.yellow > 0' },
    red: { ...dispatched, cond: 'f.dispatched and f.red > 0' },
    urges: { ...dispatched, cond: 'f.dispatched and f.urges > 0' },
    // posts
    intakes: { ...received, cond: "f.channel <> 'gridworker'", actor: 'f.reporter_id' },
    reports: { ...received, cond: "f.channel = 'gridworker'", actor: 'f.reporter_id' },
    reports_filed: { ...received, cond: "f.channel = 'gridworker' and f.filed", actor: 'f.reporter_id' },
    checks: { ...dispatched, cond: 'f.dispatched and f.checked', actor: 'f.checker_id' },
    checks_on_time: { ...dispatched, cond: 'f.dispatched and f.checked and f.check_on_time', actor: 'f.checker_id' },
  };
  const p = map[column];
  if (!p) return null;
  if (type === 'post' && !p.actor) return null;
  return p;
}

function objectionPredicate(column: string): { cond: string; day: string; actor?: string } | null {
  const day = `(o.objected_at at time zone 'UTC' + make_interval(mins => (select tz_minutes from evaluation_settings)))::date`;
  if (column === 'objections') return { day, cond: 'true' };
  if (column === 'objections_upheld') return { day, cond: 'o.redispatched_to is not null and o.redispatched_to <> o.department_code' };
  if (column === 'objections_rejected') return { day, cond: 'o.redispatched_to = o.department_code' };
  if (column === 'objections_resolved') return { day, cond: 'o.redispatched_to is not null' };
  return null;
}
