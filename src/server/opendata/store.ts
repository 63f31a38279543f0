import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** Smallest count an aggregate of cases or people may show (k-anonymity): smaller cells are not published. */
export const K_MIN = 5;

export type Row = Record<string, string | number | boolean | null>;
export interface Built {
  rows: Row[];
  /** one GeoJSON geometry per row, for datasets that are geographic */
  geometries?: unknown[];
  /** suppressed cells (counts below K_MIN), so a reader knows the totals are incomplete */
  suppressed?: number;
}

/**
 * The anonymising builders of open datasets: the only SQL of the open-data portal. Cases and people are
 * published only as counts of at least K_MIN; nothing here selects a name, contact or ID column.
 */
export function createOpenDataStore(offsetMinutes: number) {
  const local = (col: string) => sql`(${sql.ref(col)} at time zone 'UTC' + ${offsetMinutes} * interval '1 minute')`;

  const builders: Record<string, (db: Db) => Promise<Built>> = {
    async 'cases-monthly'(db) {
      const cells = await sql<{ grid_code: string; category: string; month: string; cases: number }>`
        select grid_code, category, to_char(${local('created_at')}, 'YYYY-MM') as month, count(*)::int as cases
        from cases where grid_code is not null and category is not null and state not in ('void', 'merged')
        group by 1, 2, 3 order by 3, 1, 2`.execute(db);
      const kept = cells.rows.filter((r) => r.cases >= K_MIN);
      return { rows: kept, suppressed: cells.rows.length - kept.length };
    },
    async 'population-by-community'(db) {
      const cells = await sql<{ community_code: string; community_name: string; kind: string; people: number }>`
        select a.code as community_code, a.name as community_name, p.kind, count(*)::int as people
        from people p join areas a on a.path = subpath(p.area_path, 0, 4) and a.level = 'community'
        group by 1, 2, 3 order by 1, 3`.execute(db);
      const kept = cells.rows.filter((r) => r.people >= K_MIN);
      return { rows: kept, suppressed: cells.rows.length - kept.length };
    },
    async components(db) {
      const rows = await sql<Row & { lon: number; lat: number }>`
        select code, class_code, name, state, grid_code, lon, lat from components order by code limit 20000`.execute(db);
      return { rows: rows.rows, geometries: rows.rows.map((r) => ({ type: 'Point', coordinates: [r.lon, r.lat] })) };
    },
    async grids(db) {
      const rows = await sql<{ code: string; name: string; parent_code: string; geometry: unknown }>`
        select a.code, a.name, a.parent_code, g.geometry from areas a join area_geometries g on g.area_code = a.code
        where a.level = 'grid' order by a.code`.execute(db);
      return { rows: rows.rows.map(({ geometry: _g, ...r }) => r), geometries: rows.rows.map((r) => r.geometry) };
    },
    async 'readings-hourly'(db) {
      const rows = await sql<Row>`
        select r.device_id, d.type as device_type, r.metric, to_char(r.bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as hour, r.n,
          round((r.sum / nullif(r.n, 0))::numeric, 4)::float8 as avg, r.min, r.max
        from reading_rollups r join devices d on d.id = r.device_id
        where r.res = '1h' order by r.bucket desc, r.device_id, r.metric limit 20000`.execute(db);
      return { rows: rows.rows };
    },
  };

  return {
    hasBuilder: (name: string) => name in builders,
    build: (db: Db, name: string) => builders[name]!(db),

    /** The time the data of a builder covers (first and last record), for DCAT's dct:temporal. */
    async temporal(db: Db, builder: string): Promise<{ start: Date; end: Date } | null> {
      const q =
        builder === 'cases-monthly'
          ? sql<{ s: Date | null; e: Date | null }>`select min(created_at) as s, max(created_at) as e from cases`
          : builder === 'readings-hourly'
            ? sql<{ s: Date | null; e: Date | null }>`select min(bucket) as s, max(bucket) as e from reading_rollups where res = '1h'`
            : null;
      if (!q) return null;
      const r = (await q.execute(db)).rows[0];
      return r?.s && r.e ? { start: new Date(r.s), end: new Date(r.e) } : null;
    },

    /** The city's bounding box [w, s, e, n], for DCAT's dct:spatial. */
    async bbox(db: Db): Promise<[number, number, number, number] | null> {
      const r = (await sql<{ w: number | null; s: number; e: number; n: number }>`
        select min(bbox_w) as w, min(bbox_s) as s, max(bbox_e) as e, max(bbox_n) as n from area_geometries`.execute(db)).rows[0];
      return r && r.w !== null ? [r.w, r.s, r.e, r.n] : null;
    },

    async cityName(db: Db): Promise<string> {
      const r = (await sql<{ name: string }>`select name from areas where level = 'city' order by code limit 1`.execute(db)).rows[0];
      return r?.name ?? 'CivicGrid';
    },
  };
}

export type OpenDataStore = ReturnType<typeof createOpenDataStore>;
