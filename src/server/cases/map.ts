import { cellToLatLng, cellToParent, getResolution } from 'h3-js';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Db } from '../db/database.ts';
import { departmentBound } from './policy.ts';
import { createCaseMapStore } from './map-store.ts';
import { clusterResolution, POINTS_ZOOM, type CaseMapView } from '../../../shared/cases/map.ts';

/** Points sent at most for one view; a street at zoom 15+ rarely holds more open cases. */
const MAX_POINTS = 2000;

const inBox = (lon: number, lat: number, [w, s, e, n]: readonly number[]) => lon >= w! && lon <= e! && lat >= s! && lat <= n!;

/**
 * 地图 what is in view, not every open case: at low zoom the open cases of the scope per H3 cell (the
 * trigger-kept counters rolled up to the zoom's resolution, a few thousand rows whatever the history), at
 * street zoom the cases in the box. Scope (and a handler's department) applied in the store as for the list.
 */
export function createCaseMap(db: Db) {
  const store = createCaseMapStore();
  return async function mapView(actor: Actor, q: { bbox: [number, number, number, number]; zoom: number }): Promise<CaseMapView> {
    assertCan(actor, 'case.read');
    const department = departmentBound(actor) ?? undefined;
    const rows = await store.cells(db, actor.scopePath, department);
    const grids = new Map<string, number>();
    let unlocated = 0;
    for (const r of rows) {
      const code = r.path.split('.').pop()!;
      grids.set(code, (grids.get(code) ?? 0) + r.n);
      if (!r.h3) unlocated += r.n;
    }
    const base = { unlocated, grids: [...grids].map(([code, count]) => ({ code, count })) };
    if (q.zoom >= POINTS_ZOOM) {
      const p = await store.points(db, actor.scopePath, q.bbox, MAX_POINTS, department);
      return { ...base, mode: 'points', resolution: null, cells: [], points: p.rows, inView: p.total, truncated: p.more };
    }
    const res = clusterResolution(q.zoom);
    const cells = new Map<string, number>();
    for (const r of rows) {
      if (!r.h3) continue;
      const cell = getResolution(r.h3) > res ? cellToParent(r.h3, res) : r.h3;
      cells.set(cell, (cells.get(cell) ?? 0) + r.n);
    }
    const out: CaseMapView['cells'] = [];
    for (const [h3, count] of cells) {
      const [lat, lon] = cellToLatLng(h3);
      if (inBox(lon, lat, q.bbox)) out.push({ h3, lon, lat, count });
    }
    out.sort((a, b) => b.count - a.count || a.h3.localeCompare(b.h3));
    return { ...base, mode: 'cells', resolution: res, cells: out, points: [], inView: out.reduce((s, c) => s + c.count, 0), truncated: false };
  };
}
