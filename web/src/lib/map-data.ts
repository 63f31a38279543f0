import type { ExpressionSpecification } from 'maplibre-gl';

export interface MapPoint {
  id: string;
  lon: number;
  lat: number;
  color?: string;
  /** a cluster: how many cases the point stands for (drawn larger) */
  count?: number;
}

export interface AreaFeature {
  type: 'Feature';
  id?: string;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };
  properties: { code: string; name: string; openCases?: number; [k: string]: unknown };
}

export interface AreaCollection {
  type: 'FeatureCollection';
  features: AreaFeature[];
}

/** Colour ramp of a grid by its open cases (light → dark red), readable on the plain offline background. */
export const openCaseSteps: readonly [number, string][] = [
  [0, '#d9e6f2'],
  [1, '#fde2a7'],
  [3, '#f7a35c'],
  [6, '#e4572e'],
  [10, '#a4161a'],
];

export function areaFillColor(): ExpressionSpecification {
  const [first, ...rest] = openCaseSteps;
  return ['step', ['coalesce', ['get', 'openCases'], 0], first![1], ...rest.flatMap(([min, color]) => [min, color] as const)] as unknown as ExpressionSpecification;
}

/**
 * Puts the number of open cases onto area polygons. Counts are per grid code; area codes are prefixes of the
 * codes below them (district 6 → street 9 → community 12 → grid 15 digits), so any level sums by prefix.
 */
export function withOpenCases(areas: AreaCollection, counts: ReadonlyMap<string, number>): AreaCollection {
  const total = (code: string) => {
    if (code.length === 15) return counts.get(code) ?? 0;
    let n = 0;
    for (const [grid, c] of counts) if (grid.startsWith(code)) n += c;
    return n;
  };
  return {
    type: 'FeatureCollection',
    features: areas.features.map((f) => ({ ...f, properties: { ...f.properties, openCases: total(f.properties.code) } })),
  };
}

/** [w,s,e,n] around every coordinate of the collection; null when empty. */
export function boundsOf(areas: AreaCollection | null | undefined): [number, number, number, number] | null {
  if (!areas) return null;
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  for (const f of areas.features) visit(f.geometry.coordinates);
  return Number.isFinite(w) ? [w, s, e, n] : null;
}

/** Grid code a case belongs to, counted into a map: one pass over a page of cases. */
export function countByGrid(items: readonly { location: { gridCode: string | null } }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of items) if (c.location.gridCode) counts.set(c.location.gridCode, (counts.get(c.location.gridCode) ?? 0) + 1);
  return counts;
}

/** The city's bounding box as one polygon: context for the public map, which may not read the area shapes. */
export function bboxArea(bbox: readonly [number, number, number, number] | null | undefined, name: string): AreaCollection | null {
  if (!bbox) return null;
  const [w, s, e, n] = bbox;
  return {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] }, properties: { code: 'city', name } }],
  };
}
