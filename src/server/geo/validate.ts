import type { Position } from 'geojson';
import { areaM2, type AreaGeometry } from './geometry.ts';
import { ringIsSimple } from './overlap.ts';

export const MAX_IMPORT_FEATURES = 20_000;
/** A grid is a few hundred households; a ring with more vertices than this is a digitising accident. */
const MAX_RING_POSITIONS = 5_000;

const GRID_CODE = /^[0-9]{15}$/;
const COMMUNITY_CODE = /^[0-9]{12}$/;
const AREA_CODE = /^[0-9]{6}([0-9]{3}){0,3}$/;
const LAYER_POLYGON_CODE = /^[A-Za-z0-9_-]{1,40}$/;

export type FeatureCheck = { code: string; name: string; parentCode: string; geometry: AreaGeometry } | { code?: string; reason: string };

/** Why a ring is unusable, or null. Rings are [lon, lat] positions, closed, simple and not degenerate. */
function ringProblem(ring: unknown, where: string): string | null {
  if (!Array.isArray(ring)) return `${where} is not an array of positions`;
  if (ring.length < 4) return `${where} has ${ring.length} positions; a ring needs at least 4 (the first repeated at the end)`;
  if (ring.length > MAX_RING_POSITIONS) return `${where} has more than ${MAX_RING_POSITIONS} positions`;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i] as unknown;
    if (!Array.isArray(p) || p.length < 2 || !p.slice(0, 2).every((v) => typeof v === 'number' && Number.isFinite(v))) {
      return `${where} position ${i} is not [lon, lat] numbers`;
    }
    const [lon, lat] = p as number[];
    // A latitude past ±90 with a longitude that would be a valid latitude is the classic swapped pair.
    if (Math.abs(lat!) > 90 && Math.abs(lon!) <= 90) return `${where} position ${i} [${lon}, ${lat}] looks like [lat, lon]; GeoJSON positions are [lon, lat]`;
    if (Math.abs(lon!) > 180 || Math.abs(lat!) > 90) return `${where} position ${i} [${lon}, ${lat}] is outside lon ±180 / lat ±90`;
  }
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  if (first[0] !== last[0] || first[1] !== last[1]) return `${where} is not closed: the last position must repeat the first`;
  if (!ringIsSimple(ring as Position[])) return `${where} crosses itself`;
  return null;
}

function geometryProblem(g: unknown): string | null {
  const geom = g as { type?: unknown; coordinates?: unknown } | null;
  if (!geom || typeof geom !== 'object') return 'the feature has no geometry';
  if (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon') return `geometry type ${String(geom.type)} is not Polygon or MultiPolygon`;
  if (!Array.isArray(geom.coordinates) || geom.coordinates.length === 0) return 'the geometry has no coordinates';
  const polygons = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as unknown[];
  for (let p = 0; p < polygons.length; p++) {
    const rings = polygons[p];
    if (!Array.isArray(rings) || rings.length === 0) return `polygon ${p} has no rings`;
    for (let r = 0; r < rings.length; r++) {
      const where = `${polygons.length > 1 ? `polygon ${p} ` : ''}${r === 0 ? 'outer ring' : `hole ${r}`}`;
      const problem = ringProblem(rings[r], where);
      if (problem) return problem;
    }
  }
  if (areaM2(geom as AreaGeometry) < 1) return 'the polygon encloses no area';
  return null;
}

/**
 * Checks one imported feature on its own (no database): properties, code scheme and geometry.
 * `kind` grid: a 15-digit master grid code extending its 12-digit community's code;
 * `kind` layer: a specialist polygon code, linked to any master area.
 */
export function checkFeatureShape(f: unknown, kind: 'grid' | 'layer'): FeatureCheck {
  const feature = f as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown } | null;
  if (!feature || typeof feature !== 'object' || feature.type !== 'Feature') return { reason: 'not a GeoJSON Feature' };
  const props = feature.properties ?? {};
  const code = typeof props.code === 'string' || typeof props.code === 'number' ? String(props.code).trim() : '';
  const name = typeof props.name === 'string' ? props.name.trim() : '';
  const parentCode = typeof props.parentCode === 'string' || typeof props.parentCode === 'number' ? String(props.parentCode).trim() : '';
  const tag = code || undefined;
  if (!code) return { reason: 'properties.code is missing' };
  if (!name || name.length > 100) return { code: tag, reason: 'properties.name must be 1-100 characters' };
  if (!parentCode) return { code: tag, reason: 'properties.parentCode is missing' };
  if (kind === 'grid') {
    if (!GRID_CODE.test(code)) return { code: tag, reason: `grid code ${code} must have 15 digits` };
    if (!COMMUNITY_CODE.test(parentCode)) return { code: tag, reason: `parentCode ${parentCode} must be a 12-digit community code` };
    if (!code.startsWith(parentCode)) return { code: tag, reason: `grid code ${code} must start with its community's code ${parentCode}` };
  } else {
    if (!LAYER_POLYGON_CODE.test(code)) return { code: tag, reason: `code ${code} must be 1-40 letters, digits, _ or -` };
    if (!AREA_CODE.test(parentCode)) return { code: tag, reason: `parentCode ${parentCode} must be an area code (6, 9, 12 or 15 digits)` };
  }
  const problem = geometryProblem(feature.geometry);
  if (problem) return { code: tag, reason: problem };
  return { code, name, parentCode, geometry: feature.geometry as AreaGeometry };
}
