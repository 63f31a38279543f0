import type { MultiPolygon, Polygon, Position } from 'geojson';
import { getHexagonEdgeLengthAvg, gridDisk, latLngToCell } from 'h3-js';

/** Area polygons are GeoJSON Polygon or MultiPolygon in WGS 84, [lon, lat]. */
export type AreaGeometry = Polygon | MultiPolygon;
export type Ring = Position[];
export type BBox = [w: number, s: number, e: number, n: number];

/** H3 resolution for every located record: res 9 cells are ~0.1 km², about a block, fine enough for hotspots. */
export const H3_RESOLUTION = 9;

export const h3Cell = (lon: number, lat: number): string => latLngToCell(lat, lon, H3_RESOLUTION);

/** The half-sides, in degrees, of the square of ±radiusM around a point at latitude `lat` (the box searches use). */
export function boxDegrees(radiusM: number, lat: number): { dLat: number; dLon: number } {
  return { dLat: radiusM / 111_320, dLon: radiusM / (111_320 * Math.max(0.1, Math.cos((lat * Math.PI) / 180))) };
}

const H3_EDGE_M = getHexagonEdgeLengthAvg(H3_RESOLUTION, 'm');

/**
 * The H3 cells that together cover the square of ±radiusM around a point: a "near this point" search looks
 * these up in an index on the cell column and then applies the exact box, so its cost follows the cases
 * around the point, not the cases in a band across the city. Rings: the square's half-diagonal over the
 * distance between cell centres, with cells taken a quarter smaller than average (they vary with latitude),
 * plus one for where the point sits inside its own cell; the test checks the cover over the whole globe.
 */
export function h3CellsAround(lon: number, lat: number, radiusM: number): readonly string[] {
  const rings = Math.ceil((radiusM * Math.SQRT2) / (0.75 * H3_EDGE_M * Math.sqrt(3))) + 1;
  const centre = h3Cell(lon, lat);
  // The cover depends only on the point's cell: reports cluster (a street, a block), so most are repeats.
  const key = `${centre}/${rings}`;
  let cells = coverCache.get(key);
  if (!cells) {
    cells = gridDisk(centre, rings);
    if (coverCache.size >= COVER_CACHE_SIZE) coverCache.delete(coverCache.keys().next().value!);
    coverCache.set(key, cells);
  }
  return cells;
}

const COVER_CACHE_SIZE = 20_000;
const coverCache = new Map<string, readonly string[]>();

/** The polygons of a geometry as lists of rings (outer first, then holes). */
export const polygonsOf = (g: AreaGeometry): Ring[][] => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

export function bboxOf(g: AreaGeometry): BBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const poly of polygonsOf(g)) {
    for (const [x, y] of poly[0]!) {
      if (x! < w) w = x!;
      if (x! > e) e = x!;
      if (y! < s) s = y!;
      if (y! > n) n = y!;
    }
  }
  return [w, s, e, n];
}

const EARTH_RADIUS_M = 6_371_008.8;

/**
 * Signed ring area in m² on a local equirectangular projection around `lat0`. Grids are a few km across, where
 * this is within 0.1% of the geodesic area, and it is exactly additive: neighbours that share vertices sum
 * to the area of their union, which is what the tiling check relies on.
 */
function ringAreaM2(ring: Ring, lat0: number): number {
  const kx = (Math.PI / 180) * EARTH_RADIUS_M * Math.cos((lat0 * Math.PI) / 180);
  const ky = (Math.PI / 180) * EARTH_RADIUS_M;
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    sum += x1! * y2! - x2! * y1!;
  }
  return (sum / 2) * kx * ky;
}

/** Area in m² (holes subtracted), projected around a fixed latitude so sums over a city stay additive. */
export function areaM2(g: AreaGeometry, lat0?: number): number {
  const ref = lat0 ?? (bboxOf(g)[1] + bboxOf(g)[3]) / 2;
  let total = 0;
  for (const poly of polygonsOf(g)) {
    poly.forEach((ring, i) => {
      const a = Math.abs(ringAreaM2(ring, ref));
      total += i === 0 ? a : -a;
    });
  }
  return total;
}

/**
 * A point inside the geometry (not on its edge), for labels and for the H3 cell of an area. The area-weighted
 * centroid of the largest polygon when it falls inside (the usual case), otherwise the middle of the widest
 * span of a horizontal scanline through it, which is inside even for a crescent.
 */
export function labelPoint(g: AreaGeometry): [number, number] {
  const polys = polygonsOf(g);
  let best = polys[0]!;
  let bestArea = -1;
  for (const p of polys) {
    const a = Math.abs(ringAreaM2(p[0]!, 0));
    if (a > bestArea) {
      bestArea = a;
      best = p;
    }
  }
  const outer = best[0]!;
  let cx = 0;
  let cy = 0;
  let a2 = 0;
  for (let i = 0; i + 1 < outer.length; i++) {
    const [x1, y1] = outer[i]!;
    const [x2, y2] = outer[i + 1]!;
    const f = x1! * y2! - x2! * y1!;
    a2 += f;
    cx += (x1! + x2!) * f;
    cy += (y1! + y2!) * f;
  }
  if (a2 !== 0) {
    const c: [number, number] = [cx / (3 * a2), cy / (3 * a2)];
    if (pointInRings(c, best) === 'inside') return c;
  }
  return interiorPoint(best) ?? [outer[0]![0]!, outer[0]![1]!];
}

/** Where a point lies relative to one polygon (outer ring + holes), with a tolerance for "on the edge". */
export type Where = 'inside' | 'boundary' | 'outside';

/** Tolerance for "on the edge", in degrees (~1 mm): shared edges recomputed in floating point still touch. */
export const EPS = 1e-8;

function onSegment(p: readonly number[], a: Position, b: Position): boolean {
  const [px, py] = p as [number, number];
  const [ax, ay] = a as [number, number];
  const [bx, by] = b as [number, number];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy <= EPS * EPS;
}

function ringWhere(p: readonly number[], ring: Ring): Where {
  const [px, py] = p as [number, number];
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (onSegment(p, a, b)) return 'boundary';
    if (a[1]! > py !== b[1]! > py && px < ((b[0]! - a[0]!) * (py - a[1]!)) / (b[1]! - a[1]!) + a[0]!) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}

export function pointInRings(p: readonly number[], rings: Ring[]): Where {
  const outer = ringWhere(p, rings[0]!);
  if (outer !== 'inside') return outer;
  for (const hole of rings.slice(1)) {
    const h = ringWhere(p, hole);
    if (h === 'boundary') return 'boundary';
    if (h === 'inside') return 'outside';
  }
  return 'inside';
}

export function pointWhere(p: readonly number[], g: AreaGeometry): Where {
  let onEdge = false;
  for (const poly of polygonsOf(g)) {
    const w = pointInRings(p, poly);
    if (w === 'inside') return 'inside';
    if (w === 'boundary') onEdge = true;
  }
  return onEdge ? 'boundary' : 'outside';
}

/**
 * A point strictly inside a polygon: cut it with horizontal lines between distinct vertex latitudes and take
 * the middle of the first span. Used to decide containment when two boundaries never cross.
 */
export function interiorPoint(rings: Ring[]): [number, number] | null {
  const ys = [...new Set(rings.flatMap((r) => r.map((p) => p[1]!)))].sort((a, b) => a - b);
  for (let k = 0; k + 1 < ys.length; k++) {
    const y = (ys[k]! + ys[k + 1]!) / 2;
    const xs: number[] = [];
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i]!;
        const [x2, y2] = ring[i + 1]!;
        if (y1! > y !== y2! > y) xs.push(x1! + ((y - y1!) * (x2! - x1!)) / (y2! - y1!));
      }
    }
    xs.sort((a, b) => a - b);
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const c: [number, number] = [(xs[i]! + xs[i + 1]!) / 2, y];
      if (xs[i + 1]! - xs[i]! > 2 * EPS && pointInRings(c, rings) === 'inside') return c;
    }
  }
  return null;
}

/** Bbox, label point, H3 cell and area of a geometry: what the store keeps beside the GeoJSON. */
export function describeGeometry(g: AreaGeometry, lat0?: number) {
  const bbox = bboxOf(g);
  const center = labelPoint(g);
  return { bbox, center, h3: h3Cell(center[0], center[1]), areaM2: areaM2(g, lat0) };
}
