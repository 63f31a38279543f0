import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import type { AreaLevel } from '../org/store.ts';
import { parseAddress, type ParsedAddress } from './address.ts';
import { deriveBasemap, type BasemapFeatures } from './basemap.ts';
import { h3Cell, type BBox } from './geometry.ts';
import type { OrgService } from '../org/service.ts';
import { importGrids, readFeatureFile, type GridImportResult, type ImportProgress } from './import.ts';
import { createLiveGridIndex } from './live-index.ts';
import { createGeoStore } from './store.ts';

export interface LocatedGrid {
  grid: { code: string; name: string; path: string };
  h3: string;
}

export interface CityInfo {
  code: string;
  name: string;
  center: [number, number];
  bbox: [number, number, number, number];
}

/** Layer maps never send more shapes than this in one answer (a district holds a few hundred grids). */
export const MAX_SHAPES = 5_000;

const tooMany = (n: number) =>
  new AppError(422, 'geo.too_many_shapes', `more than ${MAX_SHAPES} shapes match (${n}); narrow by level, parent or within`, { limit: MAX_SHAPES });

/** The geo capability; `org` answers whether a layer's department exists. Holds this node's grid index. */
export function createGeoService(deps: Deps, services: { org: Pick<OrgService, 'findDepartment'> }) {
  const { db, clock, audit } = deps;
  const { org } = services;
  const store = createGeoStore();
  const index = createLiveGridIndex(db, clock, store);

  /** Imports and, once committed, lets this node's index see the new grids on the next lookup. */
  async function importChecked(actor: Actor, featureCollection: unknown, opts: { layer?: string; onProgress?: (p: ImportProgress) => void } = {}): Promise<GridImportResult> {
    const result = await importGrids(deps, store, actor, featureCollection, opts.onProgress, { layer: opts.layer });
    if (!opts.layer && result.imported) index.invalidate();
    return result;
  }

  return {
    h3Of: (lon: number, lat: number): string => h3Cell(lon, lat),

    /** 定位: the master grid containing a point, or null outside every grid of the city. */
    async locate(lon: number, lat: number): Promise<LocatedGrid | null> {
      if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
      const grid = (await index.get()).locate(lon, lat);
      return grid ? { grid: { code: grid.code, name: grid.name, path: grid.path }, h3: h3Cell(lon, lat) } : null;
    },

    /** The deployment's city with its centre and extent (from its drawn outline, else from its grids). */
    async city(): Promise<CityInfo> {
      const c = await store.cityShape(db);
      if (!c) throw new AppError(404, 'geo.no_city', 'no city has been set up yet');
      let bbox: [number, number, number, number] | null = c.bbox_w === null ? null : [c.bbox_w, c.bbox_s!, c.bbox_e!, c.bbox_n!];
      if (!bbox) {
        const ext = await store.gridExtent(db);
        if (ext?.w != null) bbox = [Number(ext.w), Number(ext.s), Number(ext.e), Number(ext.n)];
      }
      if (!bbox) throw new AppError(404, 'geo.no_map', `city ${c.code} has no grid map yet; import grids first`);
      const center: [number, number] = c.center_lon !== null ? [c.center_lon, c.center_lat!] : [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
      return { code: c.code, name: c.name, center, bbox };
    },

    /** The offline basemap near `bbox` (whole city without one), derived from the drawn 街道 and community outlines. */
    async basemap(bbox: BBox | null): Promise<BasemapFeatures> {
      return deriveBasemap(await store.basemapShapes(db, bbox));
    },

    /** Marks this node's index stale (for code that changes grids outside this service). */
    invalidate: (): void => index.invalidate(),

    /** Area outlines in the caller's scope, for map layers (行政区划图层). */
    async areaFeatures(actor: Actor, filter: { level?: AreaLevel; parent?: string; within?: string }) {
      assertCan(actor, 'geo.read');
      const rows = await store.areaShapes(db, actor.scopePath, { ...filter, limit: MAX_SHAPES + 1 });
      if (rows.length > MAX_SHAPES) throw tooMany(rows.length);
      return rows;
    },

    /** Specialist layers with the number of their polygons the caller may see. */
    async layers(actor: Actor) {
      assertCan(actor, 'geo.read');
      return store.listLayers(db, actor.scopePath);
    },

    async createLayer(actor: Actor, input: { code: string; name: string; description?: string; departmentCode?: string | null }) {
      assertCan(actor, 'geo.manage');
      if (await store.findLayer(db, input.code)) throw conflict('geo.layer_exists', `layer ${input.code} already exists`);
      if (input.departmentCode && !(await org.findDepartment(db, input.departmentCode))) {
        throw invalid('department.unknown', `department ${input.departmentCode} does not exist`);
      }
      await db.transaction().execute(async (tx) => {
        await store.insertLayers(tx, [{ code: input.code, name: input.name, description: input.description ?? '', department_code: input.departmentCode ?? null }]);
        await audit.record(tx, clock.now(), actor, 'geo.layer.create', { type: 'grid_layer', id: input.code }, { name: input.name });
      });
      return (await store.listLayers(db, actor.scopePath)).find((l) => l.code === input.code)!;
    },

    async layerFeatures(actor: Actor, layer: string) {
      assertCan(actor, 'geo.read');
      if (!(await store.findLayer(db, layer))) throw notFound('geo.layer', layer);
      const rows = await store.layerShapes(db, layer, actor.scopePath, MAX_SHAPES + 1);
      if (rows.length > MAX_SHAPES) throw tooMany(rows.length);
      return rows;
    },

    /**
     * Imports grids (or a specialist layer's polygons) all-or-nothing; a bad feature anywhere is a 400 whose
     * `errors` list every bad feature by index with the reason.
     */
    async importGrids(actor: Actor, featureCollection: unknown, layer?: string) {
      const result = await importChecked(actor, featureCollection, { layer });
      if (result.errors.length) {
        throw new AppError(400, 'geo.import_invalid', `${result.errors.length} feature(s) are invalid; nothing was imported`, { errors: result.errors });
      }
      return result;
    },

    /**
     * The same import with the bad features in the answer instead of an error, and progress as it goes (the
     * registry's import jobs and the CLI report row by row).
     */
    importGridsReport: importChecked,

    /** `civicgrid import grids.geojson --type grids`: reads the file, then imports as `importGridsReport`. */
    async importGridsFromFile(actor: Actor, file: string, onProgress?: (p: ImportProgress) => void, opts: { layer?: string } = {}): Promise<GridImportResult> {
      return importChecked(actor, await readFeatureFile(file), { ...opts, onProgress });
    },

    parseAddress(actor: Actor, text: string): ParsedAddress {
      assertCan(actor, 'geo.read');
      return parseAddress(text);
    },
  };
}

export type GeoService = ReturnType<typeof createGeoService>;
