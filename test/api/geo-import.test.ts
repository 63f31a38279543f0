import type { Feature, Polygon, Position } from 'geojson';
import type { KyselyPlugin } from 'kysely';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/access/permissions.ts';
import { interiorPoint } from '../../src/server/geo/geometry.ts';
import type { ImportProgress } from '../../src/server/geo/import.ts';
import { INDEX_RECHECK_MS } from '../../src/server/geo/live-index.ts';
import { createGeoService } from '../../src/server/geo/service.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
let dataadmin: string;

interface GridFeature {
  geometry: Polygon;
  properties: { code: string; name: string; parentCode: string };
}

const gridFeatures = async (query: string) =>
  (await t.call('GET', `/api/v1/geo/areas.geojson${query}`, { token: admin })).json<{ features: GridFeature[] }>().features;
const feature = (code: string, parentCode: string, ring: Position[], name = `测试网格${code.slice(-3)}`): Feature<Polygon> => ({
  type: 'Feature',
  properties: { code, name, parentCode },
  geometry: { type: 'Polygon', coordinates: [ring] },
});
const collection = (...features: unknown[]) => ({ type: 'FeatureCollection', features });
const importGrids = (body: unknown, token = dataadmin) => t.call('POST', '/api/v1/geo/grids/import', { token, body });
const locate = async (p: [number, number]) => (await t.call('GET', `/api/v1/geo/locate?lon=${p[0]}&lat=${p[1]}`)).json<{ grid: { code: string } }>().grid.code;
const gridCount = async () => (await gridFeatures('?level=grid')).length;

/**
 * Splits a demo grid (ring: BL, MB, BR, MR, TR, MT, TL, ML, BL) along the line between its bottom and top edge
 * midpoints. The halves share those two vertices and keep every outer vertex, so together they cover exactly
 * the old grid and touch its neighbours without overlapping them.
 */
function split(g: Polygon): { left: Position[]; right: Position[] } {
  const [bl, mb, br, mr, tr, mt, tl, ml] = g.coordinates[0]!;
  return { left: [bl!, mb!, mt!, tl!, ml!, bl!], right: [mb!, br!, mr!, tr!, mt!, mb!] };
}

let target: GridFeature;
let neighbour: GridFeature;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  dataadmin = await t.login('dataadmin');
  const community = await gridFeatures('?level=grid&parent=990105002003');
  target = community[0]!;
  neighbour = community[1]!;
});
afterAll(() => t.close());

describe('grid import (GeoJSON)', () => {
  it('rejects a collection with bad features, lists each by index with the reason, and imports nothing', async () => {
    const { left, right } = split(target.geometry);
    const community = target.properties.parentCode;
    const [x, y] = right[1]! as [number, number];
    const auditBefore = (await t.call('GET', '/api/v1/audit?pageSize=1', { token: admin })).json().total as number;
    const res = await importGrids(
      collection(
        feature(target.properties.code, community, left), // 0: fine on its own
        feature(`${community}091`, community, right.slice(0, -1)), // 1: ring not closed
        feature(`${community}092`, community, right.map(([a, b]) => [b!, a!])), // 2: [lat, lon]
        feature('990106001001093', community, right), // 3: code outside its community
        feature('990102999999001', '990102999999', right), // 4: no such community
        feature(`${community}094`, community, neighbour.geometry.coordinates[0]!), // 5: covers an existing grid
        feature(`${community}095`, community, [[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]), // 6: bow-tie
        { type: 'Feature', properties: { code: `${community}096`, name: '点', parentCode: community }, geometry: { type: 'Point', coordinates: [x, y] } }, // 7
        feature(`${community}097`, community, right, ''), // 8: no name
        feature(`${community}098`, community, right.map(([a, b]) => [a! + 0.5, b!])), // 9: 50 km east, outside its community
      ),
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json<{ code: string; errors: { index: number; code?: string; reason: string }[] }>();
    expect(body.code).toBe('geo.import_invalid');
    const reasons = Object.fromEntries(body.errors.map((e) => [e.index, e.reason]));
    expect(Object.keys(reasons).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(reasons[1]).toMatch(/not closed/);
    expect(reasons[2]).toMatch(/looks like \[lat, lon\]/);
    expect(reasons[3]).toMatch(/must start with its community's code/);
    expect(reasons[4]).toMatch(/does not exist or is outside your scope/);
    expect(reasons[5]).toMatch(new RegExp(`overlaps existing grid .*${neighbour.properties.code}`));
    expect(reasons[6]).toMatch(/crosses itself/);
    expect(reasons[7]).toMatch(/not Polygon or MultiPolygon/);
    expect(reasons[8]).toMatch(/name/);
    expect(reasons[9]).toMatch(new RegExp(`outside the outline of its community ${community}`));
    // nothing changed: same grids, same answer for a point in the half that would have moved, no audit entry
    expect(await gridCount()).toBe(600);
    expect(await locate(interiorPoint([right])!)).toBe(target.properties.code);
    expect((await t.call('GET', '/api/v1/audit?pageSize=1', { token: admin })).json().total).toBe(auditBefore);
  });

  it('rejects features that overlap each other, and an empty or non-GeoJSON body', async () => {
    const { right } = split(target.geometry);
    // two new grids on the same spot (replacing the target so that only the pair itself collides)
    const community = target.properties.parentCode;
    const res = await importGrids(collection(feature(`${community}081`, community, right), feature(`${community}082`, community, right), feature(target.properties.code, community, split(target.geometry).left)));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ index: 1, code: `${community}082`, reason: expect.stringMatching(/overlaps feature 0/) }]);
    expect((await importGrids({ type: 'FeatureCollection', features: [] })).json().code).toBe('geo.import_empty');
    expect((await importGrids({ hello: 'world' })).statusCode).toBe(400);
  });

  it('refuses a parent outside the importer\'s scope and callers without geo.manage', async () => {
    const created = await t.call('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'map.west', displayName: '西湖区数据管理员', password: 'Map-west-pass-1', roles: ['dataadmin'], scopeArea: '990105' },
    });
    expect(created.statusCode).toBe(201);
    const west = await t.login('map.west', 'Map-west-pass-1');
    const east = (await gridFeatures('?level=grid&parent=990102001001'))[0]!;
    const res = await importGrids(collection(feature(east.properties.code, east.properties.parentCode, east.geometry.coordinates[0]!)), west);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].reason).toMatch(/outside your scope/);
    const dispatcher = await t.login('dispatcher');
    const denied = await importGrids(collection(feature(east.properties.code, east.properties.parentCode, east.geometry.coordinates[0]!)), dispatcher);
    expect(denied.statusCode).toBe(403);
  });

  it('splits a grid: the redrawn and the new grid are visible to locate at once, and audited', async () => {
    // a second "node": its own database handle, so it keeps its own index and only learns of changes from the version
    const passThrough: KyselyPlugin = { transformQuery: (a) => a.node, transformResult: async (a) => a.result };
    const otherNode = createGeoService({ ...t.deps, db: t.deps.db.withPlugin(passThrough) }, { org: t.services.org });
    const { left, right } = split(target.geometry);
    const community = target.properties.parentCode;
    const newCode = `${community}011`;
    const inRight = interiorPoint([right])!;
    const inLeft = interiorPoint([left])!;
    // both nodes have built their index before the change
    expect(await locate(inRight)).toBe(target.properties.code);
    expect((await otherNode.locate(...inRight))?.grid.code).toBe(target.properties.code);

    const res = await importGrids(collection(feature(target.properties.code, community, left, `${target.properties.name}(西)`), feature(newCode, community, right, '新划网格')));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: 2, created: 1, updated: 1 });

    expect(await locate(inRight)).toBe(newCode);
    expect(await locate(inLeft)).toBe(target.properties.code);
    expect(await gridCount()).toBe(601);
    const area = await t.call('GET', `/api/v1/areas/${newCode}`, { token: admin });
    expect(area.json()).toMatchObject({ code: newCode, name: '新划网格', level: 'grid', parentCode: community });
    const log = (await t.call('GET', '/api/v1/audit?pageSize=5', { token: admin })).json<{ items: { action: string; actor: string }[] }>();
    expect(log.items.some((e) => e.action === 'geo.grids.import' && e.actor === 'dataadmin')).toBe(true);

    // the other node still answers from its index until its re-check interval passes, then sees the split
    expect((await otherNode.locate(...inRight))?.grid.code).toBe(target.properties.code);
    t.clock.advance(INDEX_RECHECK_MS + 1);
    expect((await otherNode.locate(...inRight))?.grid.code).toBe(newCode);
  });
});

describe('grid import from a file (the CLI path)', () => {
  it('reports bad features with progress, then imports a good file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geo-import-'));
    const [grid, other] = (await gridFeatures('?level=grid&parent=990106004005')).slice(3, 5) as [GridFeature, GridFeature];
    const redraw = feature(grid.properties.code, grid.properties.parentCode, grid.geometry.coordinates[0]!, '重新命名的网格');
    const bad = feature(`${grid.properties.parentCode}050`, grid.properties.parentCode, other.geometry.coordinates[0]!);
    const cli = systemActor('990100', 'cli');
    const progress: ImportProgress[] = [];
    writeFileSync(join(dir, 'bad.geojson'), JSON.stringify(collection(redraw, bad)));
    const rejected = await t.services.geo.importGridsFromFile(cli, join(dir, 'bad.geojson'), (p) => progress.push(p));
    expect(rejected).toMatchObject({ imported: 0, errors: [{ index: 1, reason: expect.stringMatching(new RegExp(`overlaps existing grid ${other.properties.code}`)) }] });
    expect(progress).toEqual([{ phase: 'validate', done: 2, total: 2 }]);

    writeFileSync(join(dir, 'good.geojson'), JSON.stringify(collection(redraw)));
    progress.length = 0;
    expect(await t.services.geo.importGridsFromFile(cli, join(dir, 'good.geojson'), (p) => progress.push(p))).toEqual({ imported: 1, created: 0, updated: 1, errors: [] });
    expect(progress.at(-1)).toEqual({ phase: 'write', done: 1, total: 1 });
    expect(await locate(interiorPoint(grid.geometry.coordinates)!)).toBe(grid.properties.code);
    expect((await t.call('GET', `/api/v1/areas/${grid.properties.code}`, { token: admin })).json().name).toBe('重新命名的网格');

    writeFileSync(join(dir, 'broken.geojson'), '{"type": "FeatureCollection", "features": [');
    await expect(t.services.geo.importGridsFromFile(cli, join(dir, 'broken.geojson'))).rejects.toMatchObject({ code: 'geo.import_unreadable' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('specialist layer import', () => {
  it('creates a layer, imports polygons that may cross master grids but not each other', async () => {
    const created = await t.call('POST', '/api/v1/geo/layers', { token: dataadmin, body: { code: 'flood-watch', name: '防汛巡查网格', departmentCode: null } });
    expect(created.statusCode, created.body).toBe(201);
    expect((await t.call('POST', '/api/v1/geo/layers', { token: dataadmin, body: { code: 'flood-watch', name: '重复' } })).statusCode).toBe(409);
    const [x, y] = target.geometry.coordinates[0]![0]! as [number, number];
    const box = (x0: number, y0: number, size: number): Position[] => [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]];
    const url = '/api/v1/geo/layers/flood-watch/import';
    const overlapping = await t.call('POST', url, { token: dataadmin, body: collection(feature('FW-1', '990105002', box(x, y, 0.01)), feature('FW-2', '990105002', box(x + 0.005, y + 0.005, 0.01))) });
    expect(overlapping.statusCode).toBe(400);
    expect(overlapping.json().errors).toEqual([{ index: 1, code: 'FW-2', reason: expect.stringMatching(/overlaps feature 0/) }]);
    const ok = await t.call('POST', url, { token: dataadmin, body: collection(feature('FW-1', '990105002', box(x, y, 0.01)), feature('FW-2', '990105002', box(x + 0.01, y, 0.01))) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ imported: 2, created: 2, updated: 0 });
    const again = await t.call('POST', url, { token: dataadmin, body: collection(feature('FW-3', '990105002', box(x + 0.002, y + 0.002, 0.003))) });
    expect(again.json().errors[0].reason).toMatch(/overlaps existing polygon FW-1/);
    const shapes = (await t.call('GET', '/api/v1/geo/layers/flood-watch/polygons.geojson', { token: await t.login('dispatcher') })).json<{ features: { id: string }[] }>();
    expect(shapes.features.map((f) => f.id)).toEqual(['flood-watch/FW-1', 'flood-watch/FW-2']);
    const eastView = (await t.call('GET', '/api/v1/geo/layers/flood-watch/polygons.geojson', { token: await t.login('dispatcher.east') })).json<{ features: unknown[] }>();
    expect(eastView.features).toHaveLength(0);
  });
});
