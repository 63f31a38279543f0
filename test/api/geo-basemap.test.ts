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

describe('map settings the console learns from the server', () => {
  it('puts MAP_TILE_KEY into the tile template and serves a PMTiles archive by byte range', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'pmtiles-')), 'city.pmtiles');
    writeFileSync(file, Buffer.from('PMTiles-0123456789'));
    const custom = await createTestApp({ MAP_TILE_URL: 'https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}', MAP_TILE_KEY: 'secret-tk', MAP_PMTILES_PATH: file });
    try {
      const ui = (await custom.call('GET', '/api/v1/ui/config')).json<{ mapTileUrl: string; mapPmtilesUrl: string }>();
      expect(ui.mapTileUrl).toBe('https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=secret-tk');
      expect(ui.mapPmtilesUrl).toBe('/map-tiles/city.pmtiles');
      const part = await custom.app.inject({ method: 'GET', url: ui.mapPmtilesUrl, headers: { range: 'bytes=0-6' } });
      expect(part.statusCode).toBe(206);
      expect(part.body).toBe('PMTiles');
      expect((await custom.app.inject({ method: 'GET', url: '/map-tiles/other.pmtiles' })).statusCode).not.toBe(206);
    } finally {
      await custom.close();
    }
  });
});
