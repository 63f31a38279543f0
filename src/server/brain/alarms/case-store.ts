import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { boxDegrees, h3CellsAround } from '../../geo/geometry.ts';
import { withinScope } from '../../db/scope.ts';
// The cases capability owns these tables; the brain only reads them here, for alarm dedupe and the dashboard.
import type {} from '../../cases/store.ts';

/** Read-only queries of the brain over the cases tables, named for what they answer. */
export function createBrainCaseReads() {
  return {
    /** 并单 for alarms: an open case of the same category within radiusM of the point, newest first. */
    openCaseNear: (db: Db, q: { category: string; lon: number; lat: number; radiusM: number; since: Date; openStates: readonly string[] }) => {
      const { dLat, dLon } = boxDegrees(q.radiusM, q.lat);
      return db
        .selectFrom('cases')
        .select(['id', 'code', 'state', 'area_path'])
        .where('h3', 'in', h3CellsAround(q.lon, q.lat, q.radiusM))
        .where('category', '=', q.category)
        .where('state', 'in', q.openStates as never[])
        .where('created_at', '>=', q.since)
        .where('lat', '>=', q.lat - dLat)
        .where('lat', '<=', q.lat + dLat)
        .where('lon', '>=', q.lon - dLon)
        .where('lon', '<=', q.lon + dLon)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
    },

    /** The case an earlier attempt already opened for this alarm (intake stores `alarm:<id>` as external ref). */
    caseByExternalRef: (db: Db, ref: string) => db.selectFrom('cases').select(['id', 'code', 'state', 'area_path']).where('external_ref', '=', ref).executeTakeFirst(),

    caseById: (db: Db, id: string) => db.selectFrom('cases').select(['id', 'code', 'state', 'area_path']).where('id', '=', id).executeTakeFirst(),

    /**
     * Dashboard KPIs: open cases by state, category and district (the 2nd level of the area path), from the
     * trigger-kept counters of the scope itself (case_scope_counts, 0046); only "overdue" depends on the clock
     * and reads the open-work index.
     */
    async openCaseKpis(db: Db, scopePath: string, openStates: readonly string[], now: Date) {
      const counts = db.selectFrom('case_scope_counts').where('scope', '=', sql<string>`${scopePath}::ltree`).where('state', 'in', openStates as never[]);
      const depth = scopePath.split('.').length;
      const [byState, byCategory, districts, overdue] = await Promise.all([
        counts.select(['state', sql<string>`sum(n)`.as('n')]).groupBy('state').execute(),
        counts.select(['category', sql<string>`sum(n)`.as('n')]).groupBy('category').orderBy(sql`sum(n)`, 'desc').limit(20).execute(),
        // the city's districts are the scope rows one level down; a narrower scope lies in one district
        depth >= 2
          ? Promise.resolve([])
          : db
              .selectFrom('case_scope_counts')
              .where(sql<boolean>`nlevel(scope) = ${depth + 1}`)
              .where(withinScope('scope', scopePath))
              .where('state', 'in', openStates as never[])
              .select([sql<string>`scope::text`.as('path'), sql<string>`sum(n)`.as('n')])
              .groupBy('scope')
              .execute(),
        db
          .selectFrom('cases')
          .where(withinScope('area_path', scopePath))
          .where('state', 'in', openStates as never[])
          // the predicate of cases_open_due, spelled out so the planner picks that index
          .where(sql<boolean>`paused_since is null and due_at is not null and state not in ('closed', 'rated', 'rejected', 'void', 'merged')`)
          .where('due_at', '<', now)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      const states = byState.map((r) => ({ state: r.state as string, n: Number(r.n) })).filter((r) => r.n > 0);
      const total = states.reduce((s, r) => s + r.n, 0);
      // cases placed no deeper than the scope itself (no location: the city) count under the scope's own path
      const placed = districts.reduce((s, r) => s + Number(r.n), 0);
      const byArea = depth >= 2 ? [{ path: scopePath.split('.').slice(0, 2).join('.'), n: total }] : [...districts, { path: scopePath, n: total - placed }];
      return {
        total,
        overdue: Number(overdue.n),
        byState: states,
        byCategory: byCategory.map((r) => ({ category: r.category || null, n: Number(r.n) })).filter((r) => r.n > 0),
        byArea: byArea.map((r) => ({ path: r.path, n: Number(r.n) })).filter((r) => r.n > 0),
      };
    },

    /** Cases created in a window per H3 cell (res 9), for hotspots. */
    async casesPerCell(db: Db, scopePath: string, since: Date) {
      const rows = await db
        .selectFrom('cases')
        .where(withinScope('area_path', scopePath))
        .where('created_at', '>=', since)
        .where('h3', 'is not', null)
        .select(['h3', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('h3')
        .execute();
      return rows.map((r) => ({ h3: r.h3!, n: Number(r.n) }));
    },
  };
}

export type BrainCaseReads = ReturnType<typeof createBrainCaseReads>;
