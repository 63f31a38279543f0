import Flatbush from 'flatbush';
import type { Polygon } from 'geojson';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/server/random.ts';
import { areaM2, bboxOf, pointWhere } from '../../src/server/geo/geometry.ts';
import { geometriesOverlap } from '../../src/server/geo/overlap.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

interface AreaFeature {
  id: string;
  geometry: Polygon;
  properties: { code: string; name: string; level: string; parentCode: string | null; path: string; center: [number, number]; h3: string; areaKm2: number };
}

let t: TestApp;
let admin: string;
let grids: AreaFeature[];
let cityShape: AreaFeature;

const features = async (token: string, query = '') => {
  const res = await t.call('GET', `/api/v1/geo/areas.geojson${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ type: string; features: AreaFeature[] }>().features;
};
const locate = (lon: number, lat: number) => t.call('GET', `/api/v1/geo/locate?lon=${lon}&lat=${lat}`);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  grids = await features(admin, '?level=grid');
  cityShape = (await features(admin, '?level=city'))[0]!;
});
afterAll(() => t.close());

describe('the demo city on the map', () => {
  it('answers GET /geo/city without a token', async () => {
    const res = await t.call('GET', '/api/v1/geo/city');
    expect(res.statusCode).toBe(200);
    const city = res.json<{ code: string; name: string; center: [number, number]; bbox: [number, number, number, number] }>();
    expect(city).toMatchObject({ code: '990100', name: '示范市' });
    const [w, s, e, n] = city.bbox;
    expect(e - w).toBeGreaterThan(0.3); // ~30 km east-west
    expect(n - s).toBeGreaterThan(0.17); // ~20 km north-south
    expect(city.center[0]).toBeGreaterThan(w);
    expect(city.center[0]).toBeLessThan(e);
    expect(pointWhere(city.center, cityShape.geometry)).toBe('inside');
  });

  it('has 3 districts, 12 streets, 60 communities and 600 grids with 15-digit codes under their community', async () => {
    const counts = await Promise.all(['district', 'street', 'community'].map(async (l) => (await features(admin, `?level=${l}`)).length));
    expect(counts).toEqual([3, 12, 60]);
    expect(grids).toHaveLength(600);
    for (const g of grids) {
      expect(g.properties.code).toMatch(/^99010[256]\d{9}$/);
      expect(g.properties.code.startsWith(g.properties.parentCode!)).toBe(true);
      expect(g.properties.path.endsWith(`.${g.properties.parentCode}.${g.properties.code}`)).toBe(true);
    }
    const east = await features(admin, '?level=street&parent=990102');
    expect(east.map((s) => s.properties.code)).toEqual(['990102001', '990102002', '990102003', '990102004']);
    expect(await features(admin, '?level=grid&within=990105')).toHaveLength(200);
  });

  it('grids tile the city: no two overlap and their areas add up to the city area', async () => {
    const lat0 = (bboxOf(cityShape.geometry)[1] + bboxOf(cityShape.geometry)[3]) / 2;
    const cityArea = areaM2(cityShape.geometry, lat0);
    const sum = grids.reduce((acc, g) => acc + areaM2(g.geometry, lat0), 0);
    expect(Math.abs(sum - cityArea) / cityArea).toBeLessThan(1e-9);
    const tree = new Flatbush(grids.length);
    for (const g of grids) tree.add(...bboxOf(g.geometry));
    tree.finish();
    let neighbourPairs = 0;
    grids.forEach((g, i) => {
      for (const j of tree.search(...bboxOf(g.geometry))) {
        if (j <= i) continue;
        neighbourPairs++;
        expect(geometriesOverlap(g.geometry, grids[j]!.geometry), `${g.id} overlaps ${grids[j]!.id}`).toBe(false);
      }
    });
    expect(neighbourPairs).toBeGreaterThan(1000);
  });

  it('resolves every one of 2,000 random points in the city to exactly one grid that contains it', async () => {
    const rnd = seededRandom(42);
    const [w, s, e, n] = bboxOf(cityShape.geometry);
    const tree = new Flatbush(grids.length);
    for (const g of grids) tree.add(...bboxOf(g.geometry));
    tree.finish();
    let inside = 0;
    let outside = 0;
    for (let k = 0; k < 2000; k++) {
      const p: [number, number] = [w + (e - w) * rnd(), s + (n - s) * rnd()];
      const res = await locate(p[0], p[1]);
      const containing = tree.search(p[0], p[1], p[0], p[1]).map((i) => grids[i]!).filter((g) => pointWhere(p, g.geometry) === 'inside');
      if (pointWhere(p, cityShape.geometry) === 'outside') {
        // the jittered city edge leaves bbox corners outside the city
        expect(res.statusCode).toBe(404);
        expect(containing).toHaveLength(0);
        outside++;
        continue;
      }
      inside++;
      expect(res.statusCode, `${p}`).toBe(200);
      expect(containing.length, `${p}`).toBe(1);
      const body = res.json<{ grid: { code: string; name: string; path: string }; h3: string }>();
      expect(body.grid.code).toBe(containing[0]!.properties.code);
      expect(body.grid).toEqual({ code: containing[0]!.properties.code, name: containing[0]!.properties.name, path: containing[0]!.properties.path });
      expect(body.h3).toBe(latLngToCell(p[1], p[0], 9));
    }
    expect(inside).toBeGreaterThan(1800);
    expect(outside).toBeGreaterThan(0);
  });

  it('puts a point on an edge shared by two grids in one of them, the same one every time', async () => {
    const g = grids[0]!;
    const vertex = g.geometry.coordinates[0]![1]!; // an edge midpoint shared with the grid below
    const owners = grids.filter((x) => pointWhere(vertex, x.geometry) !== 'outside').map((x) => x.properties.code).sort();
    expect(owners.length).toBe(2);
    const res = await locate(vertex[0]!, vertex[1]!);
    expect(res.statusCode).toBe(200);
    expect(res.json().grid.code).toBe(owners[0]);
  });

  it('answers 404 problem+json outside the city and 400 for bad coordinates', async () => {
    for (const [lon, lat] of [
      [116.397, 39.909],
      [0, 0],
      [120.3, 31.0],
    ]) {
      const res = await locate(lon!, lat!);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 404, code: 'geo.outside_city' });
    }
    for (const q of ['lon=abc&lat=31', 'lon=120.6&lat=95', 'lon=181&lat=31', 'lat=31', 'lon=&lat=']) {
      const res = await t.call('GET', `/api/v1/geo/locate?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });
});

describe('map layers are scoped', () => {
  it('needs a token and geo.read', async () => {
    expect((await t.call('GET', '/api/v1/geo/areas.geojson')).statusCode).toBe(401);
    expect((await t.call('GET', '/api/v1/geo/layers')).statusCode).toBe(401);
  });

  it('a grid worker sees only their own grid', async () => {
    const token = await t.login('gridworker');
    const me = (await t.call('GET', '/api/v1/auth/me', { token })).json<{ scope: string }>();
    const mine = await features(token);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.properties.level).toBe('grid');
    expect(mine[0]!.properties.path).toBe(me.scope);
    expect(await features(token, '?level=district')).toHaveLength(0);
    expect(await features(token, '?level=grid&within=990105')).toHaveLength(0);
  });

  it("a district dispatcher sees their district's grids, a city clerk all of them", async () => {
    const east = await features(await t.login('dispatcher.east'), '?level=grid');
    expect(east).toHaveLength(200);
    expect(east.every((g) => g.properties.path.startsWith('990100.990102.'))).toBe(true);
    expect(await features(await t.login('clerk'), '?level=grid')).toHaveLength(600);
    const res = await t.call('GET', '/api/v1/geo/areas.geojson?level=grid', { token: admin });
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
  });

  it('lists specialist layers with the polygons in scope, as GeoJSON', async () => {
    const layers = (await t.call('GET', '/api/v1/geo/layers', { token: admin })).json<{ code: string; name: string; polygons: number }[]>();
    expect(layers).toEqual([
      expect.objectContaining({ code: 'sanitation', name: '环卫作业网格', polygons: 6 }),
      expect.objectContaining({ code: 'urban-mgmt', name: '城管网格', polygons: 24 }),
    ]);
    const eastToken = await t.login('dispatcher.east');
    const eastLayers = (await t.call('GET', '/api/v1/geo/layers', { token: eastToken })).json<{ code: string; polygons: number }[]>();
    expect(eastLayers.map((l) => l.polygons)).toEqual([2, 8]);
    const res = await t.call('GET', '/api/v1/geo/layers/urban-mgmt/polygons.geojson', { token: eastToken });
    expect(res.statusCode).toBe(200);
    const fc = res.json<{ features: { properties: { areaCode: string; layer: string } }[] }>();
    expect(fc.features).toHaveLength(8);
    expect(fc.features.every((f) => f.properties.areaCode.startsWith('990102') && f.properties.layer === 'urban-mgmt')).toBe(true);
    expect((await t.call('GET', '/api/v1/geo/layers/no-such-layer/polygons.geojson', { token: admin })).statusCode).toBe(404);
  });

  it('parses an address for signed-in staff', async () => {
    const clerk = await t.login('clerk');
    const res = await t.call('GET', `/api/v1/geo/address?q=${encodeURIComponent('东城区幸福路１２号三栋二单元501')}`, { token: clerk });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ district: '东城区', road: '幸福路', number: '12', building: '3', unit: '2', room: '501', key: '幸福路12号3栋2单元501室' });
    expect((await t.call('GET', '/api/v1/geo/address?q=x')).statusCode).toBe(401);
  });
});
