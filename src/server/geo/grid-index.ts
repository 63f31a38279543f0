import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { AreaGeometry } from './geometry.ts';

export interface IndexedGrid {
  code: string;
  name: string;
  path: string;
  geometry: AreaGeometry;
  bbox: [number, number, number, number];
}

/**
 * Point → grid lookup: a packed R-tree (flatbush) over grid bboxes narrows 600 or 100,000 grids to the two or
 * three whose box holds the point, then an exact point-in-polygon test decides. Immutable: a change to the
 * grid map builds a new index and swaps it in.
 */
export class GridIndex {
  private readonly tree: Flatbush | null;

  constructor(readonly grids: readonly IndexedGrid[]) {
    if (grids.length === 0) {
      this.tree = null;
      return;
    }
    this.tree = new Flatbush(grids.length);
    for (const g of grids) this.tree.add(g.bbox[0], g.bbox[1], g.bbox[2], g.bbox[3]);
    this.tree.finish();
  }

  get size(): number {
    return this.grids.length;
  }

  /**
   * The grid containing the point. A point exactly on an edge shared by two grids belongs to both polygons;
   * it resolves to the lower grid code so the answer is the same on every node and every run.
   */
  locate(lon: number, lat: number): IndexedGrid | null {
    if (!this.tree) return null;
    const hits = this.tree.search(lon, lat, lon, lat);
    let best: IndexedGrid | null = null;
    for (const i of hits) {
      const g = this.grids[i]!;
      if (best && g.code > best.code) continue;
      if (booleanPointInPolygon([lon, lat], g.geometry)) best = g;
    }
    return best;
  }

  /** Every grid containing the point (more than one only on shared edges, or when grids overlap). */
  locateAll(lon: number, lat: number): IndexedGrid[] {
    if (!this.tree) return [];
    return this.tree
      .search(lon, lat, lon, lat)
      .map((i) => this.grids[i]!)
      .filter((g) => booleanPointInPolygon([lon, lat], g.geometry));
  }
}
