/**
 * Point → grid lookup throughput (npm run bench:geo). Prints figures, asserts nothing.
 *   1. the 600-grid demo city, index alone and with the H3 cell every located record gets;
 *   2. the same city cut into ~100,000 grids (a finer lattice), the scale of a megacity's grid map;
 *   3. the public HTTP route on the demo city (Fastify inject, PGlite), to show what the wire adds.
 */
import { buildApp } from '../src/server/app.ts';
import { createServices } from '../src/server/services.ts';
import { ManualClock } from '../src/server/clock.ts';
import { createDeps } from '../src/server/context.ts';
import { openPglite } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { generateDemoCity, type DemoCityOptions } from '../src/server/geo/demo-city.ts';
import { seededRandom } from '../src/server/random.ts';
import { bboxOf, h3Cell } from '../src/server/geo/geometry.ts';
import { GridIndex } from '../src/server/geo/grid-index.ts';
import { demoCity, demoDistricts, seedDemo } from '../src/server/seed/demo.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function buildIndex(opts: DemoCityOptions) {
  const t0 = performance.now();
  const map = generateDemoCity(opts);
  const t1 = performance.now();
  const grids = map.areas.filter((a) => a.level === 'grid');
  const index = new GridIndex(grids.map((g) => ({ code: g.code, name: g.name, path: g.path, geometry: g.geometry, bbox: bboxOf(g.geometry) })));
  const t2 = performance.now();
  return { index, bbox: bboxOf(map.areas[0]!.geometry), generateMs: t1 - t0, indexMs: t2 - t1 };
}

function lookups(index: GridIndex, bbox: number[], n: number, withH3: boolean) {
  const rnd = seededRandom(9);
  const pts = Float64Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? bbox[0]! + (bbox[2]! - bbox[0]!) * rnd() : bbox[1]! + (bbox[3]! - bbox[1]!) * rnd()));
  let found = 0;
  // warm-up so the JIT has compiled the hot path before the clock starts
  for (let i = 0; i < Math.min(n, 5000); i++) index.locate(pts[2 * i]!, pts[2 * i + 1]!);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const g = index.locate(pts[2 * i]!, pts[2 * i + 1]!);
    if (g) {
      found++;
      if (withH3) h3Cell(pts[2 * i]!, pts[2 * i + 1]!);
    }
  }
  const ms = performance.now() - t0;
  return { perSecond: (n / ms) * 1000, usPerLookup: (ms * 1000) / n, hitRate: found / n };
}

function report(label: string, opts: DemoCityOptions, n: number) {
  const { index, bbox, generateMs, indexMs } = buildIndex(opts);
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`\n${label}: ${fmt(index.size)} grids (generated in ${fmt(generateMs)} ms, index built in ${fmt(indexMs)} ms, heap ${fmt(heap)} MiB)`);
  for (const withH3 of [false, true]) {
    const r = lookups(index, bbox, n, withH3);
    console.log(`  point → grid${withH3 ? ' + H3 res 9' : '            '}: ${fmt(r.perSecond).padStart(10)} lookups/s  (${r.usPerLookup.toFixed(2)} µs each, ${(r.hitRate * 100).toFixed(1)}% of random bbox points inside the city)`);
  }
}

const city = { city: demoCity, districts: demoDistricts };
console.log(`bench:geo — node ${process.version}, ${process.platform}/${process.arch}`);
report('demo city', city, 300_000);
report('fine lattice', { ...city, streetsPerDistrict: 10, communitiesPerStreet: 20, gridCols: 10, gridRows: 17 }, 300_000);

// The HTTP route on a seeded PGlite: parsing, validation, the (cached) index and the JSON answer.
const database = await openPglite();
await migrate(database.db);
const deps = createDeps(database, { clock: new ManualClock() });
const seedStart = performance.now();
await seedDemo(deps, loadTaxonomy(), 'demo-pass-2026');
const seedMs = performance.now() - seedStart;
const app = await buildApp({ deps, taxonomy: loadTaxonomy(), services: createServices(deps, loadTaxonomy()) });
await app.ready();
const { bbox } = buildIndex(city);
const rnd = seededRandom(11);
const n = 5_000;
await app.inject({ method: 'GET', url: `/api/v1/geo/locate?lon=120.6&lat=31.04` });
const t0 = performance.now();
let ok = 0;
for (let i = 0; i < n; i++) {
  const lon = (bbox[0] + (bbox[2] - bbox[0]) * rnd()).toFixed(6);
  const lat = (bbox[1] + (bbox[3] - bbox[1]) * rnd()).toFixed(6);
  const res = await app.inject({ method: 'GET', url: `/api/v1/geo/locate?lon=${lon}&lat=${lat}` });
  if (res.statusCode === 200) ok++;
}
const ms = performance.now() - t0;
console.log(`\nGET /api/v1/geo/locate (inject, one at a time, PGlite; demo seed took ${fmt(seedMs)} ms): ${fmt((n / ms) * 1000)} requests/s, ${((ms * 1000) / n).toFixed(0)} µs each, ${ok} of ${n} inside`);
await app.close();
await database.close();
