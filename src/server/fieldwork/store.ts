import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export interface PatrolTable {
  id: Generated<string>;
  user_id: string;
  user_name: string;
  grid_code: string | null;
  area_path: string;
  started_at: Date;
  stopped_at: Date | null;
  distance_m: Generated<number>;
  point_count: Generated<number>;
  tracks_purged_at: Date | null;
  note: Generated<string>;
}
export interface PatrolPointTable {
  id: Generated<number>;
  patrol_id: string;
  at: Date;
  lon: number;
  lat: number;
  accuracy_m: number | null;
}
export interface PatrolCaseTable {
  patrol_id: string;
  case_id: string;
}
export interface VisitTable {
  id: Generated<string>;
  person_id: string | null;
  house_id: string | null;
  grid_code: string;
  area_path: string;
  visited_at: Date;
  visited_by: string | null;
  visited_by_name: string;
  note: Generated<string>;
}
export interface ScreeningRoundTable {
  id: Generated<string>;
  grid_code: string;
  area_path: string;
  period: string;
  nothing_found: boolean;
  note: Generated<string>;
  dispute_ids: string[];
  recorded_by: string | null;
  recorded_by_name: string;
  recorded_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    patrols: PatrolTable;
    patrol_points: PatrolPointTable;
    patrol_cases: PatrolCaseTable;
    visits: VisitTable;
    screening_rounds: ScreeningRoundTable;
  }
}

export type PatrolRow = Selectable<PatrolTable>;
export type PatrolListRow = PatrolRow & { case_codes: string[] };

const caseCodes = sql<string[]>`coalesce((select array_agg(c.code order by c.created_at) from patrol_cases pc join cases c on c.id = pc.case_id where pc.patrol_id = p.id), '{}')`;
/** the visit cycle of a person: the smallest visitCycleDays among their care groups' fields */
const cycleDays = sql<number>`(select min((e.value ->> 'visitCycleDays')::int) from jsonb_each(p.care) e where jsonb_typeof(e.value) = 'object' and e.value ? 'visitCycleDays')`;

export function createFieldworkStore() {
  return {
    runningPatrol: (db: Db, userId: string) => db.selectFrom('patrols').selectAll().where('user_id', '=', userId).where('stopped_at', 'is', null).executeTakeFirst(),
    insertPatrol: (db: Db, row: Insertable<PatrolTable>) => db.insertInto('patrols').values(row).returningAll().executeTakeFirstOrThrow(),
    lockPatrol: (db: Db, id: string) => db.selectFrom('patrols').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),
    updatePatrol: (db: Db, id: string, set: Partial<Insertable<PatrolTable>>) => db.updateTable('patrols').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    lastPoint: (db: Db, id: string) => db.selectFrom('patrol_points').selectAll().where('patrol_id', '=', id).orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst(),
    insertPoints: (db: Db, rows: Insertable<PatrolPointTable>[]) => db.insertInto('patrol_points').values(rows).execute(),
    points: (db: Db, id: string) => db.selectFrom('patrol_points').select(['at', 'lon', 'lat', 'accuracy_m']).where('patrol_id', '=', id).orderBy('at').orderBy('id').execute(),
    linkCase: (db: Db, patrolId: string, caseId: string) => db.insertInto('patrol_cases').values({ patrol_id: patrolId, case_id: caseId }).execute(),
    patrol: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('patrols as p').selectAll('p').select(caseCodes.as('case_codes')).where('p.id', '=', id).where(withinScope('p.area_path', scopePath)).executeTakeFirst() as Promise<PatrolListRow | undefined>,
    patrols: (db: Db, scopePath: string, f: { from: Date; to: Date; userId?: string }) => {
      let q = db.selectFrom('patrols as p').selectAll('p').select(caseCodes.as('case_codes')).where(withinScope('p.area_path', scopePath)).where('p.started_at', '>=', f.from).where('p.started_at', '<', f.to);
      if (f.userId) q = q.where('p.user_id', '=', f.userId);
      return q.orderBy('p.started_at', 'desc').limit(500).execute() as Promise<PatrolListRow[]>;
    },
    /** deletes the GPS points of patrols that stopped before `before`; the patrol's totals stay */
    async purgeTracks(db: Db, before: Date, at: Date): Promise<number> {
      const ids = (await db.selectFrom('patrols').select('id').where('stopped_at', '<', before).where('tracks_purged_at', 'is', null).execute()).map((r) => r.id);
      if (!ids.length) return 0;
      const deleted = await db.deleteFrom('patrol_points').where('patrol_id', 'in', ids).executeTakeFirst();
      await db.updateTable('patrols').set({ tracks_purged_at: at }).where('id', 'in', ids).execute();
      return Number(deleted.numDeletedRows);
    },

    personInScope: (db: Db, id: string, scopePath: string) => db.selectFrom('people').select(['id', 'grid_code', sql<string>`area_path::text`.as('area_path')]).where('id', '=', id).where(withinScope('area_path', scopePath)).executeTakeFirst(),
    houseInScope: (db: Db, id: string, scopePath: string) => db.selectFrom('houses').select(['id', 'grid_code', sql<string>`area_path::text`.as('area_path')]).where('id', '=', id).where(withinScope('area_path', scopePath)).executeTakeFirst(),
    insertVisit: (db: Db, row: Insertable<VisitTable>) => db.insertInto('visits').values(row).returningAll().executeTakeFirstOrThrow(),
    visits: (db: Db, scopePath: string, from: Date, to: Date, userId?: string) => {
      let q = db.selectFrom('visits').selectAll().where(withinScope('area_path', scopePath)).where('visited_at', '>=', from).where('visited_at', '<', to);
      if (userId) q = q.where('visited_by', '=', userId);
      return q.orderBy('visited_at', 'desc').limit(500).execute();
    },
    /** special-care people and houses with a visit cycle (migration 0043), their last visit, in scope, most overdue first */
    dueVisits: (db: Db, scopePath: string, now: Date, page: number, pageSize: number) => {
      const people = db
        .selectFrom('people as p')
        .where(withinScope('p.area_path', scopePath))
        .where(sql<boolean>`jsonb_path_exists(p.care, '$.*.visitCycleDays')`);
      const houses = db.selectFrom('houses as h').where(withinScope('h.area_path', scopePath)).where('h.visit_cycle_days', 'is not', null);
      const rows = people
        .select([sql<'person' | 'house'>`'person'`.as('kind'), 'p.id', 'p.name_mask', 'p.tags', 'p.grid_code', 'p.address', 'p.created_at'])
        .select(cycleDays.as('cycle_days'))
        .select(sql<Date | null>`(select max(v.visited_at) from visits v where v.person_id = p.id)`.as('last_visit'))
        .unionAll(
          houses
            .select([sql<'person' | 'house'>`'house'`.as('kind'), 'h.id', 'h.address as name_mask', sql<string[]>`case when h.rental then array['rental'] else '{}'::text[] end`.as('tags'), 'h.grid_code', 'h.address', 'h.created_at'])
            .select(sql<number>`h.visit_cycle_days`.as('cycle_days'))
            .select(sql<Date | null>`(select max(v.visited_at) from visits v where v.house_id = h.id)`.as('last_visit')),
        )
        .as('x');
      const q = db.selectFrom(rows).selectAll().select(sql<Date>`coalesce(x.last_visit, least(x.created_at, ${now}::timestamptz)) + make_interval(days => x.cycle_days)`.as('next_due'));
      return Promise.all([
        q.orderBy('next_due').orderBy('x.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        Promise.all([
          people.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
          houses.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        ]).then(([a, b]) => Number(a.n) + Number(b.n)),
      ]);
    },

    /** check-ins per grid worker over a period: patrols, time and distance on patrol, events, visits, screening rounds */
    checkins: (db: Db, scopePath: string, from: Date, to: Date) =>
      sql<{ user_id: string; user_name: string; patrols: number; patrol_minutes: number; distance_m: number; events: number; visits: number; screenings: number }>`
        with p as (
          select user_id, min(user_name) as user_name, count(*)::int as patrols,
                 coalesce(sum(extract(epoch from (coalesce(stopped_at, ${to}::timestamptz) - started_at)) / 60), 0)::float8 as patrol_minutes,
                 coalesce(sum(distance_m), 0)::float8 as distance_m,
                 coalesce(sum((select count(*) from patrol_cases pc where pc.patrol_id = patrols.id)), 0)::int as events
          from patrols where area_path <@ ${scopePath}::ltree and started_at >= ${from} and started_at < ${to} group by user_id
        ), v as (
          select visited_by as user_id, min(visited_by_name) as user_name, count(*)::int as visits from visits
          where area_path <@ ${scopePath}::ltree and visited_at >= ${from} and visited_at < ${to} and visited_by is not null group by visited_by
        ), s as (
          select recorded_by as user_id, min(recorded_by_name) as user_name, count(*)::int as screenings from screening_rounds
          where area_path <@ ${scopePath}::ltree and recorded_at >= ${from} and recorded_at < ${to} and recorded_by is not null group by recorded_by
        )
        select coalesce(p.user_id, v.user_id, s.user_id) as user_id, coalesce(p.user_name, v.user_name, s.user_name) as user_name,
               coalesce(p.patrols, 0) as patrols, coalesce(p.patrol_minutes, 0) as patrol_minutes, coalesce(p.distance_m, 0) as distance_m,
               coalesce(p.events, 0) as events, coalesce(v.visits, 0) as visits, coalesce(s.screenings, 0) as screenings
        from p full join v on v.user_id = p.user_id full join s on s.user_id = coalesce(p.user_id, v.user_id)
        order by 2`
        .execute(db)
        .then((r) => r.rows),

    gridInScope: (db: Db, code: string, scopePath: string) =>
      db.selectFrom('areas').select(['code', 'name', sql<string>`path::text`.as('path')]).where('code', '=', code).where('level', '=', 'grid').where(withinScope('path', scopePath)).executeTakeFirst(),
    areaPath: (db: Db, code: string) => db.selectFrom('areas').select(sql<string>`path::text`.as('path')).where('code', '=', code).executeTakeFirst().then((r) => r?.path),
    disputesByCode: (db: Db, codes: string[], scopePath: string) =>
      codes.length
        ? db.selectFrom('disputes as d').innerJoin('cases as c', 'c.id', 'd.case_id').select(['d.id', 'c.code']).where('c.code', 'in', codes).where(withinScope('d.area_path', scopePath)).execute()
        : Promise.resolve([]),
    insertScreening: (db: Db, row: Insertable<ScreeningRoundTable>) =>
      db
        .insertInto('screening_rounds')
        .values(row)
        .onConflict((oc) => oc.columns(['grid_code', 'period']).doNothing())
        .returningAll()
        .executeTakeFirst(),
    /** the grids of an area with their round of the period (null: missing) */
    screening: (db: Db, areaPath: string, scopePath: string, period: string, page: number, pageSize: number) => {
      const grids = db.selectFrom('areas as a').where('a.level', '=', 'grid').where(withinScope('a.path', areaPath)).where(withinScope('a.path', scopePath));
      return Promise.all([
        grids
          .leftJoin('screening_rounds as s', (j) => j.onRef('s.grid_code', '=', 'a.code').on('s.period', '=', period))
          .select(['a.code', 'a.name', 's.id as round_id', 's.nothing_found', 's.recorded_at', 's.recorded_by_name', 's.note'])
          .select(sql<string[]>`coalesce((select array_agg(c.code) from disputes d join cases c on c.id = d.case_id where d.id = any(s.dispute_ids)), '{}')`.as('dispute_codes'))
          .orderBy(sql`s.id is not null`)
          .orderBy('a.code')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        grids.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
        grids.innerJoin('screening_rounds as s', (j) => j.onRef('s.grid_code', '=', 'a.code').on('s.period', '=', period)).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    holidays: (db: Db, from: string, to: string) => db.selectFrom('calendar_days').select(['day', 'name']).where('kind', '=', 'holiday').where('day', '>=', from).where('day', '<', to).orderBy('day').execute(),
  };
}
