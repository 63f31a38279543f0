import type { Position } from 'geojson';
import { EPS, interiorPoint, pointInRings, polygonsOf, type AreaGeometry, type Ring } from './geometry.ts';

/**
 * Do two geometries share interior? Grids of one layer may touch (share edges and vertices) but not overlap.
 * No PostGIS here, so the test is written out:
 *   1. split every edge of A where any edge of B meets it; if the middle of a piece lies strictly inside B,
 *      A's boundary runs through B's interior, so the interiors overlap (this covers crossing edges, a vertex
 *      inside the other polygon, and an edge passing exactly through the other's vertices) — and vice versa;
 *   2. if no boundary enters the other's interior, the polygons are either apart or one lies within the other
 *      (identical shapes included): a point strictly inside each is tested against the other.
 * Touching along a shared edge gives pieces on the boundary, which count as "not inside".
 */
export function geometriesOverlap(a: AreaGeometry, b: AreaGeometry): boolean {
  for (const pa of polygonsOf(a)) {
    for (const pb of polygonsOf(b)) {
      if (polygonsOverlap(pa, pb)) return true;
    }
  }
  return false;
}

function polygonsOverlap(a: Ring[], b: Ring[]): boolean {
  if (boundaryEnters(a, b) || boundaryEnters(b, a)) return true;
  const ia = interiorPoint(a);
  if (ia && pointInRings(ia, b) === 'inside') return true;
  const ib = interiorPoint(b);
  return ib !== null && pointInRings(ib, a) === 'inside';
}

/** Does some piece of A's boundary lie strictly inside B? */
function boundaryEnters(a: Ring[], b: Ring[]): boolean {
  const bEdges: [Position, Position][] = [];
  for (const ring of b) for (let i = 0; i + 1 < ring.length; i++) bEdges.push([ring[i]!, ring[i + 1]!]);
  for (const ring of a) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const p = ring[i]!;
      const q = ring[i + 1]!;
      const cuts = [0, 1];
      for (const [r, s] of bEdges) cuts.push(...segmentCuts(p, q, r, s));
      cuts.sort((x, y) => x - y);
      for (let k = 0; k + 1 < cuts.length; k++) {
        if (cuts[k + 1]! - cuts[k]! < 1e-12) continue;
        const t = (cuts[k]! + cuts[k + 1]!) / 2;
        const mid = [p[0]! + t * (q[0]! - p[0]!), p[1]! + t * (q[1]! - p[1]!)];
        if (pointInRings(mid, b) === 'inside') return true;
      }
    }
  }
  return false;
}

/** Parameters t ∈ [0, 1] along p→q where segment r→s touches it (the crossing, or the ends of a collinear overlap). */
function segmentCuts(p: Position, q: Position, r: Position, s: Position): number[] {
  const [px, py] = p as [number, number];
  const dx = q[0]! - px;
  const dy = q[1]! - py;
  const ex = s[0]! - r[0]!;
  const ey = s[1]! - r[1]!;
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return [];
  // bbox rejection first: most edge pairs of neighbouring grids are far apart
  if (Math.max(r[0]!, s[0]!) < Math.min(px, q[0]!) - EPS || Math.min(r[0]!, s[0]!) > Math.max(px, q[0]!) + EPS) return [];
  if (Math.max(r[1]!, s[1]!) < Math.min(py, q[1]!) - EPS || Math.min(r[1]!, s[1]!) > Math.max(py, q[1]!) + EPS) return [];
  const denom = dx * ey - dy * ex;
  const rx = r[0]! - px;
  const ry = r[1]! - py;
  const proj = (x: number, y: number) => ((x - px) * dx + (y - py) * dy) / len2;
  const len = Math.sqrt(len2);
  // distance of a point from the line p→q, to tell collinear from merely parallel
  const off = (x: number, y: number) => Math.abs((x - px) * dy - (y - py) * dx) / len;
  if (Math.abs(denom) <= 1e-15 * Math.max(1, len2)) {
    if (off(r[0]!, r[1]!) > EPS) return [];
    return [proj(r[0]!, r[1]!), proj(s[0]!, s[1]!)].filter((t) => t > 0 && t < 1);
  }
  const t = (rx * ey - ry * ex) / denom;
  const u = (rx * dy - ry * dx) / denom;
  const slackT = EPS / len;
  const slackU = EPS / Math.sqrt(ex * ex + ey * ey);
  if (t < -slackT || t > 1 + slackT || u < -slackU || u > 1 + slackU) return [];
  return t > 0 && t < 1 ? [t] : [];
}

/** Is a ring simple (no edge crosses or touches a non-adjacent edge)? Imported grids must be. */
export function ringIsSimple(ring: Ring): boolean {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      // adjacent edges share a vertex by construction; the first and last edges too
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsTouch(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return false;
    }
  }
  return true;
}

function orient(a: Position, b: Position, c: Position): number {
  const v = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  return Math.abs(v) < 1e-18 ? 0 : Math.sign(v);
}

function segmentsTouch(p: Position, q: Position, r: Position, s: Position): boolean {
  const o1 = orient(p, q, r);
  const o2 = orient(p, q, s);
  const o3 = orient(r, s, p);
  const o4 = orient(r, s, q);
  if (o1 !== o2 && o3 !== o4) return true;
  const within = (a: Position, b: Position, c: Position) =>
    Math.min(a[0]!, b[0]!) <= c[0]! && c[0]! <= Math.max(a[0]!, b[0]!) && Math.min(a[1]!, b[1]!) <= c[1]! && c[1]! <= Math.max(a[1]!, b[1]!);
  return (o1 === 0 && within(p, q, r)) || (o2 === 0 && within(p, q, s)) || (o3 === 0 && within(r, s, p)) || (o4 === 0 && within(r, s, q));
}
