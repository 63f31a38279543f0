import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { GridIndex } from './grid-index.ts';
import { createGeoStore } from './store.ts';

/** How long a node trusts its grid index before asking the database whether the grid map changed. */
export const INDEX_RECHECK_MS = 3_000;

interface IndexCache {
  index: GridIndex | null;
  version: number;
  checkedAt: number;
  /** bumped by every local change; a build that started before it must not mark the cache fresh */
  generation: number;
  /** the generation the current index was built at */
  built: number;
  building: Promise<GridIndex> | null;
}

// One index per database handle, shared by every geo service in the process (cases, registry and the geo
// routes each create their own service), so a grid change made here is visible to all of them at once.
// Other nodes notice through the version number in `settings`, which every grid change bumps.
const caches = new WeakMap<Db, IndexCache>();

function cacheFor(db: Db): IndexCache {
  let c = caches.get(db);
  if (!c) {
    c = { index: null, version: -1, checkedAt: -Infinity, generation: 0, built: -1, building: null };
    caches.set(db, c);
  }
  return c;
}

/** Marks this process's index stale; called right after a transaction that changed grids commits. */
export function invalidateGridIndex(db: Db): void {
  cacheFor(db).generation++;
}

/**
 * The current point index for a database: rebuilt at once after a change made in this process, and within
 * INDEX_RECHECK_MS after a change made by another node (one cheap settings read per interval, not per lookup).
 */
export function gridIndexFor(db: Db, clock: Clock): Promise<GridIndex> {
  const cache = cacheFor(db);
  // the path of nearly every lookup: nothing to build, nothing to ask
  if (isFresh(cache, clock)) return Promise.resolve(cache.index!);
  return current(db, clock, cache);
}

const isFresh = (cache: IndexCache, clock: Clock) =>
  cache.index !== null && cache.built === cache.generation && Math.abs(clock.now().getTime() - cache.checkedAt) < INDEX_RECHECK_MS;

async function current(db: Db, clock: Clock, cache: IndexCache): Promise<GridIndex> {
  if (isFresh(cache, clock)) return cache.index!;
  if (!cache.building) cache.building = rebuild(db, clock, cache).finally(() => (cache.building = null));
  const index = await cache.building;
  // A local change landed while that build read the old grids: build once more so callers see their write.
  return cache.built === cache.generation ? index : current(db, clock, cache);
}

async function rebuild(db: Db, clock: Clock, cache: IndexCache): Promise<GridIndex> {
  const store = createGeoStore();
  const generation = cache.generation;
  const checkedAt = clock.now().getTime();
  // The version is read before the grids, so the grids are at least as new as the version recorded.
  const version = await store.version(db);
  if (cache.index && version === cache.version && cache.built === generation) {
    cache.checkedAt = checkedAt;
    return cache.index;
  }
  const rows = await store.indexedGrids(db);
  cache.index = new GridIndex(rows.map((r) => ({ code: r.code, name: r.name, path: r.path, geometry: r.geometry, bbox: [r.bbox_w, r.bbox_s, r.bbox_e, r.bbox_n] })));
  cache.version = version;
  cache.checkedAt = checkedAt;
  cache.built = generation;
  return cache.index;
}
