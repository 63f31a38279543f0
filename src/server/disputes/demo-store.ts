import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** The reads the disputes demo seed needs to place its data: the city, grid centres, special-care people. */
export function createDisputesDemoStore() {
  return {
    cityPath: async (db: Db) => (await sql<{ path: string }>`select path::text as path from areas where level = 'city' limit 1`.execute(db)).rows[0]!.path,
    gridCentres: async (db: Db, limit: number) =>
      (
        await sql<{ code: string; lon: number; lat: number }>`
          select a.code, g.center_lon as lon, g.center_lat as lat from areas a join area_geometries g on g.area_code = a.code
          where a.level = 'grid' order by a.code limit ${limit}`.execute(db)
      ).rows,
    /** people with a visit cycle (a care group field carrying visitCycleDays) */
    peopleWithVisitCycle: async (db: Db, limit: number) =>
      (await sql<{ id: string }>`select p.id from people p where jsonb_path_exists(p.care, '$.*.visitCycleDays') order by p.grid_code, p.id limit ${limit}`.execute(db)).rows,
  };
}
