import type { z } from 'zod';
import type { Position } from 'geojson';
import type { basemapFeatures } from '../../../shared/geo.ts';
import type { AreaLevel } from '../org/store.ts';
import { labelPoint, type AreaGeometry } from './geometry.ts';

/**
 * The offline basemap, derived from the area outlines the platform already holds. A government intranet has no
 * tile server, but its grids are drawn along real streets and lanes (网格 boundaries follow roads by rule), so the
 * outlines ARE the street network: 街道 boundaries become main roads, community boundaries minor roads, and each
 * area's label point a named place. Water is not derivable from grids; it appears only once a city loads it.
 */
export interface BasemapSourceRow {
  code: string;
  name: string;
  level: AreaLevel;
  geometry: AreaGeometry;
}

export type BasemapFeatures = z.infer<typeof basemapFeatures>;
type Feature = BasemapFeatures['features'][number];

const stem = (name: string) => name.replace(/(街道|社区|镇|乡|村)$/, '') || name;
// Shared vertices of neighbouring areas are equal, but rounding guards against float noise from imports.
const key = (p: Position) => `${p[0]!.toFixed(6)},${p[1]!.toFixed(6)}`;
const edgeKey = (a: Position, b: Position) => [key(a), key(b)].sort().join('|');

function outerRings(g: AreaGeometry): Position[][] {
  return g.type === 'Polygon' ? [g.coordinates[0]!] : g.coordinates.map((p) => p[0]!);
}

export function deriveBasemap(rows: BasemapSourceRow[]): BasemapFeatures {
  const mainEdges = new Set<string>();
  for (const r of rows) if (r.level === 'street') for (const ring of outerRings(r.geometry)) for (let i = 1; i < ring.length; i++) mainEdges.add(edgeKey(ring[i - 1]!, ring[i]!));
  const features: Feature[] = [];
  const drawn = new Set<string>();
  // Main roads first, from the 街道 outlines, so each shared edge is drawn once and with its higher rank.
  const ordered = [...rows.filter((r) => r.level === 'street'), ...rows.filter((r) => r.level === 'community')];
  for (const r of ordered) {
    const rank = r.level === 'street' ? 1 : 2;
    const name = rank === 1 ? `${stem(r.name)}大道` : `${stem(r.name)}路`;
    let n = 0;
    for (const ring of outerRings(r.geometry)) {
      let run: Position[] = [];
      const flush = () => {
        if (run.length > 1) features.push({ type: 'Feature', id: `street:${r.code}:${n++}`, geometry: { type: 'LineString', coordinates: run }, properties: { kind: 'street', name, rank } });
        run = [];
      };
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1]!;
        const b = ring[i]!;
        const k = edgeKey(a, b);
        if (drawn.has(k) || (rank === 2 && mainEdges.has(k))) {
          flush();
          continue;
        }
        drawn.add(k);
        if (!run.length) run.push(a);
        run.push(b);
      }
      flush();
    }
    features.push({ type: 'Feature', id: `place:${r.code}`, geometry: { type: 'Point', coordinates: labelPoint(r.geometry) }, properties: { kind: 'landmark', name: r.name, rank } });
  }
  return { type: 'FeatureCollection', features };
}
