import Flatbush from 'flatbush';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { generateDemoCity, randomPointIn } from './demo-city.ts';
import { areaM2, bboxOf, pointWhere } from './geometry.ts';
import { geometriesOverlap, ringIsSimple } from './overlap.ts';

const districts = [
  { code: '990102', name: '东城区' },
  { code: '990105', name: '西湖区' },
  { code: '990106', name: '南山区' },
];
const map = generateDemoCity({ city: { code: '990100', name: '示范市' }, districts, layers: true });
const level = (l: string) => map.areas.filter((a) => a.level === l);

describe('demo city generator', () => {
  it('draws 3 districts, 12 streets, 60 communities and 600 grids with hierarchical codes', () => {
    expect([level('city'), level('district'), level('street'), level('community'), level('grid')].map((x) => x.length)).toEqual([1, 3, 12, 60, 600]);
    for (const a of map.areas.filter((x) => x.parent_code)) {
      const parent = map.areas.find((p) => p.code === a.parent_code)!;
      expect(a.path).toBe(`${parent.path}.${a.code}`);
      if (a.level !== 'district') expect(a.code.startsWith(parent.code)).toBe(true);
    }
    expect(level('grid').every((g) => /^\d{15}$/.test(g.code) && /社区第\d+网格$/.test(g.name))).toBe(true);
    expect(level('street').every((s) => s.name.endsWith('街道'))).toBe(true);
    expect(new Set(level('community').map((c) => c.name)).size).toBe(60);
  });

  it('is deterministic', () => {
    const again = generateDemoCity({ city: { code: '990100', name: '示范市' }, districts, layers: true });
    expect(JSON.stringify(again)).toBe(JSON.stringify(map));
  });

  it('tiles: every level sums to the city area and no two grids overlap', () => {
    const lat0 = 31.04;
    const city = areaM2(level('city')[0]!.geometry, lat0);
    expect(city / 1e6).toBeGreaterThan(500);
    for (const l of ['district', 'street', 'community', 'grid']) {
      const sum = level(l).reduce((s, a) => s + areaM2(a.geometry, lat0), 0);
      expect(Math.abs(sum - city) / city).toBeLessThan(1e-9);
    }
    const grids = level('grid');
    expect(grids.every((g) => ringIsSimple(g.geometry.coordinates[0]!))).toBe(true);
    const tree = new Flatbush(grids.length);
    for (const g of grids) tree.add(...bboxOf(g.geometry));
    tree.finish();
    let pairs = 0;
    grids.forEach((g, i) => {
      for (const j of tree.search(...bboxOf(g.geometry))) {
        if (j <= i) continue;
        pairs++;
        expect(geometriesOverlap(g.geometry, grids[j]!.geometry), `${g.code} × ${grids[j]!.code}`).toBe(false);
      }
    });
    expect(pairs).toBeGreaterThan(1000); // the neighbours really were compared
  });

  it('samples points strictly inside a grid', () => {
    const rnd = seededRandom(7);
    for (const g of level('grid').slice(0, 50)) {
      const p = randomPointIn(g.geometry, rnd);
      expect(pointWhere(p, g.geometry)).toBe('inside');
    }
  });

  it('draws specialist layers that tile the city as well', () => {
    expect(map.layers.map((l) => l.code)).toEqual(['urban-mgmt', 'sanitation']);
    const city = areaM2(level('city')[0]!.geometry, 31.04);
    for (const layer of map.layers) {
      const sum = map.layerPolygons.filter((p) => p.layer === layer.code).reduce((s, p) => s + areaM2(p.geometry, 31.04), 0);
      expect(Math.abs(sum - city) / city).toBeLessThan(1e-9);
    }
  });
});
