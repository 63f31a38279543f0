import type { Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { GeoService } from '../geo/service.ts';
import { gridsInScope, type GridRef, type LocatedColumns } from './crud/store.ts';
import type { ErrorParams, ImportErrorCode } from '../../../shared/registry/import-errors.ts';

/**
 * One problem with one field of one record; the import report turns these into `{row, column, reason, code,
 * params}`. `code` (+ `params`) is what the console translates; `reason` is the English text the CLI prints.
 */
export interface FieldError {
  field: string;
  reason: string;
  code: ImportErrorCode;
  params?: ErrorParams;
}

export type Prepared<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export const fail = <T>(...errors: FieldError[]): Prepared<T> => ({ ok: false, errors });
export const isErrors = (v: unknown): v is FieldError[] => Array.isArray(v);

export interface PlaceInput {
  gridCode?: string | null;
  lon?: number | null;
  lat?: number | null;
}

/**
 * Decides where a record sits, for one actor: a point is located on the grid map (and must agree with a
 * grid code given beside it), a bare grid code must be a grid inside the actor's scope. Grid lookups are
 * cached, so an import of 50,000 rows asks the database once per distinct grid, not once per row.
 *
 * Call it before opening a write transaction: on PGlite the geo index may need the one connection to rebuild.
 */
export function createPlacer(deps: Deps, geo: Pick<GeoService, 'locate'>, actor: Actor) {
  const grids = new Map<string, GridRef | null>();

  async function preload(codes: Iterable<string>): Promise<void> {
    const missing = [...new Set(codes)].filter((c) => !grids.has(c));
    for (let i = 0; i < missing.length; i += 1000) {
      const part = missing.slice(i, i + 1000);
      const found = new Map((await gridsInScope(deps.db, part, actor.scopePath)).map((g) => [g.code, g]));
      for (const c of part) grids.set(c, found.get(c) ?? null);
    }
  }

  async function grid(code: string): Promise<GridRef | null> {
    if (!grids.has(code)) await preload([code]);
    return grids.get(code) ?? null;
  }

  return {
    preload,
    grid,

    /** `fallback` is where the record sits when it names no place of its own (a person in a house). */
    async place(p: PlaceInput, fallback?: LocatedColumns | null): Promise<LocatedColumns | FieldError[]> {
      if (p.lon != null && p.lat != null) {
        const hit = await geo.locate(p.lon, p.lat);
        if (!hit) return [{ field: 'lon', code: 'registry.import.point_outside_city', reason: 'the point lies outside every grid of the city (is it [lon, lat] in WGS 84?)' }];
        if (p.gridCode && p.gridCode !== hit.grid.code) {
          return [{ field: 'gridCode', code: 'registry.import.point_in_other_grid', params: { grid: hit.grid.code, given: p.gridCode }, reason: `the point lies in grid ${hit.grid.code}, not in ${p.gridCode}` }];
        }
        if (fallback && fallback.grid_code !== hit.grid.code) return [{ field: 'lon', code: 'registry.import.point_outside_house_grid', params: { grid: hit.grid.code, houseGrid: fallback.grid_code }, reason: `the point lies in grid ${hit.grid.code}; the house is in ${fallback.grid_code}` }];
        const g = await grid(hit.grid.code);
        if (!g) return [{ field: p.gridCode ? 'gridCode' : 'lon', code: 'registry.import.point_outside_scope', params: { grid: hit.grid.code }, reason: `the point lies in grid ${hit.grid.code}, outside your area` }];
        return { grid_code: g.code, area_path: g.path, lon: p.lon, lat: p.lat, h3: hit.h3 };
      }
      if (p.gridCode) {
        const g = await grid(p.gridCode);
        if (!g) return [{ field: 'gridCode', code: 'registry.import.grid_not_found', params: { grid: p.gridCode }, reason: `grid ${p.gridCode} does not exist or is outside your area` }];
        if (fallback && fallback.grid_code !== g.code) return [{ field: 'gridCode', code: 'registry.import.house_in_other_grid', params: { houseGrid: fallback.grid_code, grid: g.code }, reason: `the house is in grid ${fallback.grid_code}, not in ${g.code}` }];
        return fallback ?? { grid_code: g.code, area_path: g.path, lon: null, lat: null, h3: null };
      }
      if (fallback) return fallback;
      return [{ field: 'gridCode', code: 'registry.import.no_place', reason: 'give a grid code or a location (lon and lat)' }];
    },
  };
}

export type Placer = ReturnType<typeof createPlacer>;

export const placeOf = (r: LocatedColumns): LocatedColumns => ({ grid_code: r.grid_code, area_path: r.area_path, lon: r.lon, lat: r.lat, h3: r.h3 });
