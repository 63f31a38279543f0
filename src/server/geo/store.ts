import { sql, type Generated, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';
import { type AreaLevel } from '../org/store.ts';
import { getSetting, putSetting } from '../db/settings-store.ts';
import type { AreaGeometry, BBox } from './geometry.ts';

interface ShapeColumns {
  geometry: AreaGeometry;
  bbox_w: number;
  bbox_s: number;
  bbox_e: number;
  bbox_n: number;
  center_lon: number;
  center_lat: number;
  h3: string;
  area_m2: number;
  updated_at: Generated<Date>;
}

export interface AreaGeometryTable extends ShapeColumns {
  area_code: string;
}

export interface GridLayerTable {
  code: string;
  name: string;
  description: Generated<string>;
  department_code: string | null;
  created_at: Generated<Date>;
}

export interface LayerPolygonTable extends ShapeColumns {
  layer_code: string;
  code: string;
  name: string;
  area_code: string;
}

declare module '../db/tables.ts' {
  interface Tables {
    area_geometries: AreaGeometryTable;
    grid_layers: GridLayerTable;
    layer_polygons: LayerPolygonTable;
  }
}

export type GridLayerRow = Selectable<GridLayerTable>;

/** What the store writes for one shape (the same columns for master areas and layer polygons). */
export interface Shape {
  geometry: AreaGeometry;
  bbox: BBox;
  center: [number, number];
  h3: string;
  areaM2: number;
}

// Bulk writes send one JSON document and let the database unpack it (jsonb_to_recordset): one bind parameter
// instead of eleven per row, which is what keeps seeding 676 shapes on PGlite fast.
const BATCH = 2_000;
const SHAPE_COLUMNS = 'geometry, bbox_w, bbox_s, bbox_e, bbox_n, center_lon, center_lat, h3, area_m2';
const SHAPE_RECORD_TYPES =
  'geometry jsonb, bbox_w float8, bbox_s float8, bbox_e float8, bbox_n float8, center_lon float8, center_lat float8, h3 text, area_m2 float8';
const SHAPE_UPDATE = SHAPE_COLUMNS.split(', ')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

const shapeRecord = (s: Shape) => ({
  geometry: s.geometry,
  bbox_w: s.bbox[0],
  bbox_s: s.bbox[1],
  bbox_e: s.bbox[2],
  bbox_n: s.bbox[3],
  center_lon: s.center[0],
  center_lat: s.center[1],
  h3: s.h3,
  area_m2: s.areaM2,
});

/** The key in `settings` whose number changes with every change to the grid map; API nodes poll it. */
const VERSION_KEY = 'geo.version';

export interface IndexedGridRow {
  code: string;
  name: string;
  path: string;
  geometry: AreaGeometry;
  bbox_w: number;
  bbox_s: number;
  bbox_e: number;
  bbox_n: number;
}

/** The master area columns plus their shape, as map layers need them. */
const areaWithShape = (db: Db) =>
  db
    .selectFrom('areas as a')
    .innerJoin('area_geometries as g', 'g.area_code', 'a.code')
    .select(['a.code', 'a.name', 'a.level', 'a.parent_code', 'g.geometry', 'g.center_lon', 'g.center_lat', 'g.h3', 'g.area_m2'])
    .select(sql<string>`a.path::text`.as('path'));

export function createGeoStore() {
  return {
    async version(db: Db): Promise<number> {
      return Number((await getSetting<number>(db, VERSION_KEY)) ?? 0);
    },
    /** Bumped inside the transaction that changes grids, so a reader never sees new grids with an old version. */
    async bumpVersion(db: Db, at: Date): Promise<number> {
      // An atomic increment, not read-then-write: two nodes importing at once must both move the number.
      const json = JSON.stringify(1);
      const row = await db
        .insertInto('settings')
        .values({ key: VERSION_KEY, value: json, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql`to_jsonb(coalesce((settings.value #>> '{}')::bigint, 0) + 1)`, updated_at: at }))
        .returning('value')
        .executeTakeFirstOrThrow();
      return Number(row.value);
    },
    setVersion: (db: Db, v: number, at: Date) => putSetting(db, VERSION_KEY, v, at),
    /** Holds the grid-import lock until the transaction ends (serialises imports across nodes). */
    async lockImports(tx: Db, key: number): Promise<void> {
      await sql`select pg_advisory_xact_lock(${key})`.execute(tx);
    },
    /** Which of these polygon codes the layer already has. */
    async layerPolygonCodes(db: Db, layer: string, codes: string[]): Promise<string[]> {
      if (!codes.length) return [];
      return (await db.selectFrom('layer_polygons').select('code').where('layer_code', '=', layer).where('code', 'in', codes).execute()).map((r) => r.code);
    },

    /** Every master grid with its shape: the input of the in-memory point index. */
    indexedGrids: (db: Db): Promise<IndexedGridRow[]> =>
      db
        .selectFrom('areas as a')
        .innerJoin('area_geometries as g', 'g.area_code', 'a.code')
        .where('a.level', '=', 'grid')
        .select(['a.code', 'a.name', 'g.geometry', 'g.bbox_w', 'g.bbox_s', 'g.bbox_e', 'g.bbox_n'])
        .select(sql<string>`a.path::text`.as('path'))
        .orderBy('a.code')
        .execute(),

    cityShape: (db: Db) =>
      db
        .selectFrom('areas as a')
        .leftJoin('area_geometries as g', 'g.area_code', 'a.code')
        .where('a.level', '=', 'city')
        .select(['a.code', 'a.name', 'g.center_lon', 'g.center_lat', 'g.bbox_w', 'g.bbox_s', 'g.bbox_e', 'g.bbox_n'])
        .orderBy('a.code')
        .limit(1)
        .executeTakeFirst(),

    /** The extent of all drawn grids, for a city whose own outline was never drawn. */
    gridExtent: (db: Db) =>
      db
        .selectFrom('area_geometries as g')
        .innerJoin('areas as a', 'a.code', 'g.area_code')
        .where('a.level', '=', 'grid')
        .select((eb) => [eb.fn.min('g.bbox_w').as('w'), eb.fn.min('g.bbox_s').as('s'), eb.fn.max('g.bbox_e').as('e'), eb.fn.max('g.bbox_n').as('n')])
        .executeTakeFirst(),

    areaShapes(db: Db, scopePath: string, filter: { level?: AreaLevel; parent?: string; within?: string; limit: number }) {
      let q = areaWithShape(db).where(withinScope('a.path', scopePath));
      if (filter.level) q = q.where('a.level', '=', filter.level);
      if (filter.parent) q = q.where('a.parent_code', '=', filter.parent);
      if (filter.within) q = q.where(sql<boolean>`a.path <@ (select w.path from areas w where w.code = ${filter.within})`);
      return q.orderBy('a.path').limit(filter.limit).execute();
    },

    /** Street (街道) and community outlines meeting `bbox`: the source the offline basemap is derived from. */
    basemapShapes(db: Db, bbox: BBox | null) {
      let q = areaWithShape(db).where('a.level', 'in', ['street', 'community']);
      if (bbox) q = q.where('g.bbox_w', '<=', bbox[2]).where('g.bbox_e', '>=', bbox[0]).where('g.bbox_s', '<=', bbox[3]).where('g.bbox_n', '>=', bbox[1]);
      return q.orderBy('a.code').limit(20_000).execute();
    },

    /** Master areas (of one level) whose bbox meets `bbox`: the candidates of an overlap check. */
    shapesMeeting: (db: Db, level: AreaLevel, bbox: BBox) =>
      db
        .selectFrom('areas as a')
        .innerJoin('area_geometries as g', 'g.area_code', 'a.code')
        .where('a.level', '=', level)
        .where('g.bbox_w', '<=', bbox[2])
        .where('g.bbox_e', '>=', bbox[0])
        .where('g.bbox_s', '<=', bbox[3])
        .where('g.bbox_n', '>=', bbox[1])
        .select(['a.code', 'g.geometry'])
        .execute(),

    /** The drawn outlines of some areas (areas without one are simply absent). */
    outlines: (db: Db, codes: string[]) =>
      codes.length ? db.selectFrom('area_geometries').select(['area_code', 'geometry']).where('area_code', 'in', codes).execute() : Promise.resolve([]),

    areasByCode: (db: Db, codes: string[]) =>
      codes.length
        ? db.selectFrom('areas').select(['code', 'name', 'level', 'parent_code']).select(sql<string>`path::text`.as('path')).where('code', 'in', codes).execute()
        : Promise.resolve([]),

    async upsertAreaShapes(db: Db, rows: { code: string; shape: Shape }[], at: Date) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const json = JSON.stringify(rows.slice(i, i + BATCH).map((r) => ({ area_code: r.code, ...shapeRecord(r.shape) })));
        await sql`
          insert into area_geometries (area_code, ${sql.raw(SHAPE_COLUMNS)}, updated_at)
          select x.area_code, ${sql.raw(SHAPE_COLUMNS.replace(/(\w+)/g, 'x.$1'))}, ${at}
          from jsonb_to_recordset(${json}::jsonb) as x(area_code text, ${sql.raw(SHAPE_RECORD_TYPES)})
          on conflict (area_code) do update set ${sql.raw(SHAPE_UPDATE)}, updated_at = excluded.updated_at`.execute(db);
      }
    },

    async insertAreas(db: Db, rows: { code: string; name: string; level: AreaLevel; path: string; parent_code: string | null }[]) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const json = JSON.stringify(rows.slice(i, i + BATCH));
        await sql`
          insert into areas (code, name, level, path, parent_code)
          select x.code, x.name, x.level, x.path::ltree, x.parent_code
          from jsonb_to_recordset(${json}::jsonb) as x(code text, name text, level text, path text, parent_code text)`.execute(db);
      }
    },

    renameArea: (db: Db, code: string, name: string) => db.updateTable('areas').set({ name }).where('code', '=', code).execute(),

    // ---- specialist layers
    listLayers: (db: Db, scopePath: string) =>
      db
        .selectFrom('grid_layers as l')
        .leftJoin('layer_polygons as p', 'p.layer_code', 'l.code')
        .leftJoin('areas as a', 'a.code', 'p.area_code')
        .select(['l.code', 'l.name', 'l.description', 'l.department_code'])
        // count only the polygons the caller may see, so a layer's size does not leak other districts' data
        .select(sql<number>`count(p.code) filter (where ${withinScope('a.path', scopePath)})`.as('polygons'))
        .groupBy(['l.code', 'l.name', 'l.description', 'l.department_code'])
        .orderBy('l.code')
        .execute(),
    findLayer: (db: Db, code: string) => db.selectFrom('grid_layers').selectAll().where('code', '=', code).executeTakeFirst(),
    insertLayers: (db: Db, rows: { code: string; name: string; description: string; department_code: string | null }[]) =>
      rows.length ? db.insertInto('grid_layers').values(rows).execute() : Promise.resolve(),

    layerShapes: (db: Db, layer: string, scopePath: string, limit: number) =>
      db
        .selectFrom('layer_polygons as p')
        .innerJoin('areas as a', 'a.code', 'p.area_code')
        .where('p.layer_code', '=', layer)
        .where(withinScope('a.path', scopePath))
        .select(['p.code', 'p.name', 'p.area_code', 'p.geometry', 'p.center_lon', 'p.center_lat', 'p.h3', 'p.area_m2'])
        .orderBy('p.code')
        .limit(limit)
        .execute(),

    layerShapesMeeting: (db: Db, layer: string, bbox: BBox) =>
      db
        .selectFrom('layer_polygons')
        .where('layer_code', '=', layer)
        .where('bbox_w', '<=', bbox[2])
        .where('bbox_e', '>=', bbox[0])
        .where('bbox_s', '<=', bbox[3])
        .where('bbox_n', '>=', bbox[1])
        .select(['code', 'geometry'])
        .execute(),

    async upsertLayerPolygons(db: Db, layer: string, rows: { code: string; name: string; areaCode: string; shape: Shape }[], at: Date) {
      for (let i = 0; i < rows.length; i += BATCH) {
        const json = JSON.stringify(rows.slice(i, i + BATCH).map((r) => ({ code: r.code, name: r.name, area_code: r.areaCode, ...shapeRecord(r.shape) })));
        await sql`
          insert into layer_polygons (layer_code, code, name, area_code, ${sql.raw(SHAPE_COLUMNS)}, updated_at)
          select ${layer}, x.code, x.name, x.area_code, ${sql.raw(SHAPE_COLUMNS.replace(/(\w+)/g, 'x.$1'))}, ${at}
          from jsonb_to_recordset(${json}::jsonb) as x(code text, name text, area_code text, ${sql.raw(SHAPE_RECORD_TYPES)})
          on conflict (layer_code, code) do update set name = excluded.name, area_code = excluded.area_code, ${sql.raw(SHAPE_UPDATE)}, updated_at = excluded.updated_at`.execute(db);
      }
    },
  };
}

export type GeoStore = ReturnType<typeof createGeoStore>;
