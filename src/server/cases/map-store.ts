import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { inScope } from '../db/scope.ts';

const OPEN = sql.raw(`('closed', 'rated', 'rejected', 'void', 'merged')`);
const departmentCond = (dep: string | undefined) => (dep ? sql`and (main_department = ${dep} or ${dep} = any(co_departments))` : sql``);

/** The map's reads (GET /api/v1/cases/map): open cases per cell from the trigger-kept case_cells (0036), points from cases_open_geo. */
export function createCaseMapStore() {
  return {
    /**
     * Open cases per stored H3 cell and grid path in scope. A handler's view is bound to their department,
     * which the cell counters do not know: those few cases are counted from cases themselves.
     */
    async cells(db: Db, scopePath: string, department?: string) {
      const r = department
        ? await sql<{ h3: string; path: string; n: string }>`
            select coalesce(h3, '') as h3, area_path::text as path, count(*)::text as n from cases
            where state not in ${OPEN} and ${inScope('area_path', scopePath)} ${departmentCond(department)} group by 1, 2`.execute(db)
        : await sql<{ h3: string; path: string; n: string }>`
            select h3, area_path::text as path, n::text as n from case_cells where n > 0 and ${inScope('area_path', scopePath)}`.execute(db);
      return r.rows.map((x) => ({ h3: x.h3, path: x.path, n: Number(x.n) }));
    },

    /** Open cases in a box, newest first, at most `limit` (+1 to tell that there are more), and how many in all. */
    async points(db: Db, scopePath: string, box: readonly [number, number, number, number], limit: number, department?: string) {
      const [w, s, e, n] = box;
      const where = sql`lat is not null and state not in ${OPEN} and lat between ${s} and ${n} and lon between ${w} and ${e}
        and ${inScope('area_path', scopePath)} ${departmentCond(department)}`;
      const [rows, count] = await Promise.all([
        sql<{ code: string; lon: number; lat: number; state: string; supervision: string }>`
          select code, lon, lat, state, supervision from cases where ${where} order by code desc limit ${limit + 1}`.execute(db),
        sql<{ n: string }>`select count(*)::text as n from cases where ${where}`.execute(db),
      ]);
      return { rows: rows.rows.slice(0, limit), more: rows.rows.length > limit, total: Number(count.rows[0]?.n ?? 0) };
    },
  };
}
export type CaseMapStore = ReturnType<typeof createCaseMapStore>;
