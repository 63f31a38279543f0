import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

interface BasemapFeature {
  id: string;
  geometry: { type: 'LineString' | 'Polygon' | 'Point'; coordinates: number[][] | number[] };
  properties: { kind: 'street' | 'water' | 'landmark'; name: string; rank: number };
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const basemap = async (query = '') => {
  const res = await t.call('GET', `/api/v1/geo/basemap${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ features: BasemapFeature[] }>().features;
};

describe('GET /api/v1/geo/basemap (the map without internet)', () => {
  it('derives named streets and places from the demo city without a token, each shared edge once', async () => {
    const all = await basemap();
    const streets = all.filter((f) => f.properties.kind === 'street');
    const places = all.filter((f) => f.properties.kind === 'landmark');
    expect(streets.some((f) => f.properties.rank === 1 && f.properties.name.endsWith('大道'))).toBe(true);
    expect(streets.some((f) => f.properties.rank === 2 && f.properties.name.endsWith('路'))).toBe(true);
    expect(places.length).toBeGreaterThan(10);
    const edges = new Set<string>();
    for (const s of streets) {
      const c = s.geometry.coordinates as number[][];
      for (let i = 1; i < c.length; i++) {
        const k = [c[i - 1]!.join(','), c[i]!.join(',')].sort().join('|');
        expect(edges.has(k), `edge ${k} drawn twice`).toBe(false);
        edges.add(k);
      }
    }
  });

  it('narrows to a bbox and rejects a malformed one', async () => {
    const city = (await t.call('GET', '/api/v1/geo/city')).json<{ center: [number, number] }>();
    const [x, y] = city.center;
    const near = await basemap(`?bbox=${x - 0.01},${y - 0.01},${x + 0.01},${y + 0.01}`);
    const all = await basemap();
    expect(near.length).toBeGreaterThan(0);
    expect(near.length).toBeLessThan(all.length);
    expect((await t.call('GET', '/api/v1/geo/basemap?bbox=1,2,3')).statusCode).toBe(400);
  });
});
