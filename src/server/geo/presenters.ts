import type { z } from 'zod';
import type { AreaLevel } from '../org/store.ts';
import type { AreaGeometry } from './geometry.ts';
import type { areaFeatures, layer, layerFeatures } from '../../../shared/geo.ts';

// Map layers carry what a map needs to draw and label an area, nothing about the people in it.
const km2 = (m2: number) => Math.round(m2 / 1e4) / 100;

interface AreaShapeRow {
  code: string;
  name: string;
  level: AreaLevel;
  parent_code: string | null;
  path: string;
  geometry: AreaGeometry;
  center_lon: number;
  center_lat: number;
  h3: string;
  area_m2: number;
}

export const presentAreaFeatures = (rows: AreaShapeRow[]): z.infer<typeof areaFeatures> => ({
  type: 'FeatureCollection',
  features: rows.map((r) => ({
    type: 'Feature',
    id: r.code,
    geometry: r.geometry,
    properties: { code: r.code, name: r.name, level: r.level, parentCode: r.parent_code, path: r.path, center: [r.center_lon, r.center_lat], h3: r.h3, areaKm2: km2(r.area_m2) },
  })),
});

interface LayerShapeRow {
  code: string;
  name: string;
  area_code: string;
  geometry: AreaGeometry;
  center_lon: number;
  center_lat: number;
  h3: string;
  area_m2: number;
}

export const presentLayerFeatures = (layerCode: string, rows: LayerShapeRow[]): z.infer<typeof layerFeatures> => ({
  type: 'FeatureCollection',
  features: rows.map((r) => ({
    type: 'Feature',
    id: `${layerCode}/${r.code}`,
    geometry: r.geometry,
    properties: { code: r.code, name: r.name, layer: layerCode, areaCode: r.area_code, center: [r.center_lon, r.center_lat], h3: r.h3, areaKm2: km2(r.area_m2) },
  })),
});

export const presentLayer = (l: { code: string; name: string; description: string; department_code: string | null; polygons: number }): z.infer<typeof layer> => ({
  code: l.code,
  name: l.name,
  description: l.description,
  departmentCode: l.department_code,
  polygons: Number(l.polygons),
});
