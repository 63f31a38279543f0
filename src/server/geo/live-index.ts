import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { GridIndex } from './grid-index.ts';
import type { GeoStore } from './store.ts';

/** How long a node trusts its grid index before asking the database whether the grid map changed. */
export const INDEX_RECHECK_MS = 3_000;

/**
 * The point → grid index of this node, owned by the one geo service. A grid change made through that service
 * is seen at once (it calls `invalidate`); other nodes notice through the version number in `settings`, which
 * every grid change bumps, within INDEX_RECHECK_MS (one cheap settings read per interval, not per lookup).
 */
export function createLiveGridIndex(db: Db, clock: Clock, store: GeoStore) {
  let index: GridIndex | null = null;
  let version = -1;
  let checkedAt = -Infinity;
  /** bumped by every local change; a build that started before it must not mark the index fresh */
  let generation = 0;
  /** the generation the current index was built at */
  let built = -1;
  let building: Promise<GridIndex> | null = null;

  const isFresh = () => index !== null && built === generation && Math.abs(clock.now().getTime() - checkedAt) < INDEX_RECHECK_MS;

  async function rebuild(): Promise<GridIndex> {
    const gen = generation;
    const at = clock.now().getTime();
    // The version is read before the grids, so the grids are at least as new as the version recorded.
    const v = await store.version(db);
    if (index && v === version && built === gen) {
      checkedAt = at;
      return index;
    }
    const rows = await store.indexedGrids(db);
    index = new GridIndex(rows.map((r) => ({ code: r.code, name: r.name, path: r.path, geometry: r.geometry, bbox: [r.bbox_w, r.bbox_s, r.bbox_e, r.bbox_n] })));
    version = v;
    checkedAt = at;
    built = gen;
    return index;
  }

  async function current(): Promise<GridIndex> {
    if (isFresh()) return index!;
    if (!building) building = rebuild().finally(() => (building = null));
    const got = await building;
    // A local change landed while that build read the old grids: build once more so callers see their write.
    return built === generation ? got : current();
  }

  return {
    /** The current index: rebuilt at once after a local change, and after another node's within the recheck interval. */
    // the path of nearly every lookup: nothing to build, nothing to ask
    get: (): Promise<GridIndex> => (isFresh() ? Promise.resolve(index!) : current()),
    /** Marks the index stale; called right after a transaction that changed grids commits. */
    invalidate(): void {
      generation++;
    },
  };
}
