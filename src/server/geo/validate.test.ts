import { describe, expect, it } from 'vitest';
import { checkFeatureShape } from './validate.ts';

const ring = (x: number, y: number, d = 0.01) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
const feature = (geometry: unknown, properties: Record<string, unknown> = { code: '990102001001011', name: '新网格', parentCode: '990102001001' }) => ({ type: 'Feature', properties, geometry });

describe('imported feature checks', () => {
  it('accepts a Polygon with a hole and a MultiPolygon, and numeric codes from spreadsheets-turned-GeoJSON', () => {
    const outer = ring(120.5, 31, 0.02);
    const hole = ring(120.505, 31.005, 0.005).reverse();
    expect(checkFeatureShape(feature({ type: 'Polygon', coordinates: [outer, hole] }), 'grid')).toMatchObject({ code: '990102001001011' });
    const multi = feature({ type: 'MultiPolygon', coordinates: [[ring(120.5, 31)], [ring(120.6, 31)]] }, { code: 990102001001011, name: '飞地网格', parentCode: 990102001001 });
    expect(checkFeatureShape(multi, 'grid')).toMatchObject({ code: '990102001001011', parentCode: '990102001001' });
  });

  it('names the broken part of a geometry', () => {
    const reason = (g: unknown, kind: 'grid' | 'layer' = 'grid') => (checkFeatureShape(feature(g), kind) as { reason?: string }).reason;
    expect(reason({ type: 'MultiPolygon', coordinates: [[ring(120.5, 31)], [ring(120.6, 31).slice(0, 3)]] })).toMatch(/polygon 1 outer ring has 3 positions/);
    expect(reason({ type: 'Polygon', coordinates: [ring(120.5, 31), [[120.5, 31], [120.5, 31], ['x', 31], [120.5, 31]]] })).toMatch(/hole 1 position 2 is not \[lon, lat\] numbers/);
    expect(reason({ type: 'Polygon', coordinates: [[[120.5, 31], [120.6, 31], [120.7, 31], [120.5, 31]]] })).toMatch(/encloses no area/);
    expect(reason({ type: 'Polygon', coordinates: [ring(200, 31)] })).toMatch(/outside lon ±180/);
    expect(reason(null)).toMatch(/no geometry/);
  });

  it('checks codes by kind: 15-digit grids under a 12-digit community, free codes for specialist layers', () => {
    const g = { type: 'Polygon', coordinates: [ring(120.5, 31)] };
    expect((checkFeatureShape(feature(g, { code: '9901020010010', name: 'x', parentCode: '990102001001' }), 'grid') as { reason: string }).reason).toMatch(/15 digits/);
    expect((checkFeatureShape(feature(g, { code: '990102001001011', name: 'x', parentCode: '990102001' }), 'grid') as { reason: string }).reason).toMatch(/12-digit community/);
    expect(checkFeatureShape(feature(g, { code: 'CG-07', name: '城管七网格', parentCode: '990102001' }), 'layer')).toMatchObject({ code: 'CG-07' });
    expect((checkFeatureShape(feature(g, { code: 'CG 07', name: 'x', parentCode: '990102001' }), 'layer') as { reason: string }).reason).toMatch(/letters, digits/);
    expect((checkFeatureShape({ type: 'Point' }, 'grid') as { reason: string }).reason).toBe('not a GeoJSON Feature');
  });
});
