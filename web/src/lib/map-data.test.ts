import { describe, expect, it } from 'vitest';
import { bboxArea, boundsOf, countByGrid, withOpenCases, type AreaCollection } from './map-data.ts';

const square = (code: string, x: number, y: number) => ({
  type: 'Feature' as const,
  geometry: { type: 'Polygon' as const, coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] },
  properties: { code, name: code },
});

describe('map data', () => {
  const cases = [{ location: { gridCode: '990102001001001' } }, { location: { gridCode: '990102001001001' } }, { location: { gridCode: '990102001002003' } }, { location: { gridCode: '990105001001001' } }, { location: { gridCode: null } }];
  const counts = countByGrid(cases);

  it('counts open cases per grid', () => {
    expect(Object.fromEntries(counts)).toEqual({ '990102001001001': 2, '990102001002003': 1, '990105001001001': 1 });
  });

  it('sums the counts of the grids inside any area by its code prefix', () => {
    const areas: AreaCollection = { type: 'FeatureCollection', features: [square('990102', 0, 0), square('990102001001', 1, 0), square('990102001001001', 2, 0), square('990106', 3, 0)] };
    expect(withOpenCases(areas, counts).features.map((f) => f.properties.openCases)).toEqual([3, 2, 2, 0]);
  });

  it('finds the bounds of polygons and draws a bbox', () => {
    expect(boundsOf({ type: 'FeatureCollection', features: [square('a', 0, 0), square('b', 5, -2)] })).toEqual([0, -2, 6, 1]);
    expect(boundsOf({ type: 'FeatureCollection', features: [] })).toBeNull();
    expect(bboxArea([1, 2, 3, 4], 'city')!.features[0]!.geometry.coordinates[0]).toEqual([[1, 2], [3, 2], [3, 4], [1, 4], [1, 2]]);
  });
});
