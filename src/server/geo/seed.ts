import type { Db } from '../db/database.ts';
import { generateDemoCity, type DemoCityMap, type DemoCityOptions } from './demo-city.ts';
import { bboxOf, describeGeometry } from './geometry.ts';
import { createGeoStore } from './store.ts';

// The demo map is generated once per process: the seed, the tests' template and demo.ts's area list all read
// the same object, and the generator is deterministic anyway.
let cached: { key: string; map: DemoCityMap } | null = null;

export function demoCityMap(opts: DemoCityOptions): DemoCityMap {
  const key = JSON.stringify(opts);
  if (cached?.key !== key) cached = { key, map: generateDemoCity(opts) };
  return cached.map;
}

/**
 * Writes a generated city into the database in a few batched statements (the test template seeds it once per
 * run, so this must stay well under a second): areas, their shapes, the specialist layers, and a new geo
 * version so running nodes rebuild their point index. Runs inside the caller's transaction.
 */
export async function seedCityMap(db: Db, map: DemoCityMap, at: Date): Promise<void> {
  const store = createGeoStore();
  const cityArea = map.areas.find((a) => a.level === 'city');
  // One reference latitude for the whole city keeps the areas additive (grids sum exactly to the city).
  const lat0 = cityArea ? (bboxOf(cityArea.geometry)[1] + bboxOf(cityArea.geometry)[3]) / 2 : undefined;
  await store.insertAreas(
    db,
    map.areas.map(({ code, name, level, path, parent_code }) => ({ code, name, level, path, parent_code })),
  );
  await store.upsertAreaShapes(db, map.areas.map((a) => ({ code: a.code, shape: { geometry: a.geometry, ...describeGeometry(a.geometry, lat0) } })), at);
  await store.insertLayers(db, map.layers.map((l) => ({ code: l.code, name: l.name, description: l.description, department_code: null })));
  const byLayer = new Map<string, typeof map.layerPolygons>();
  for (const p of map.layerPolygons) byLayer.set(p.layer, [...(byLayer.get(p.layer) ?? []), p]);
  for (const [layer, polys] of byLayer) {
    await store.upsertLayerPolygons(db, layer, polys.map((p) => ({ code: p.code, name: p.name, areaCode: p.areaCode, shape: { geometry: p.geometry, ...describeGeometry(p.geometry, lat0) } })), at);
  }
  await store.bumpVersion(db, at);
}
