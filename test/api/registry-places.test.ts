import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { validCreditCode, validIdNumber } from './registry-fixtures.ts';

let t: TestApp;
let admin: string;
let gridworker: string;
let east: string;
let workerGrid: string;

beforeAll(async () => {
  t = await createTestApp();
  [admin, gridworker, east] = await Promise.all([t.login('admin'), t.login('gridworker'), t.login('dispatcher.east')]);
  workerGrid = String((await t.call('GET', '/api/v1/auth/me', { token: gridworker })).json().scope).split('.').pop()!;
});
afterAll(() => t.close());

const count = async (table: 'houses' | 'organisations' | 'components' | 'credit_events') =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.deps.db)).rows[0]!.n);

async function pointInGrid(grid: string): Promise<[number, number]> {
  const h = (await t.call('GET', `/api/v1/components?grid=${grid}&pageSize=1`, { token: admin })).json().items[0];
  return [h.lon, h.lat];
}

describe('houses (房屋)', () => {
  let houseId = '';

  it('registers a house; the address is normalised so the same door written another way is a duplicate', async () => {
    const [lon, lat] = await pointInGrid(workerGrid);
    const res = await t.call('POST', '/api/v1/houses', { token: gridworker, body: { address: '东城区测试路12号阳光花园3栋2单元501室', rental: true, lon, lat } });
    expect(res.statusCode).toBe(201);
    houseId = res.json().id;
    expect(res.json()).toMatchObject({ gridCode: workerGrid, communityCode: workerGrid.slice(0, 12), building: '3', unit: '2', room: '501', rental: true, addressKey: '测试路12号3栋2单元501室' });

    const again = await t.call('POST', '/api/v1/houses', { token: admin, body: { address: '测试路１２号三栋二单元501', gridCode: workerGrid } });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('house.exists');
  });

  it('a tenant registered with the house address is linked to the house and listed as its resident', async () => {
    const person = await t.call('POST', '/api/v1/people', {
      token: gridworker,
      body: { kind: 'floating', name: '租客甲', idNumber: validIdNumber('990106', '19950505', 22), address: '测试路12号3-2-501', houseRelation: undefined },
    });
    expect(person.statusCode).toBe(201);
    expect(person.json()).toMatchObject({ houseId, gridCode: workerGrid });
    const linked = await t.call('PATCH', `/api/v1/people/${person.json().id}`, { token: gridworker, body: { houseId, houseRelation: 'tenant' } });
    expect(linked.json().houseRelation).toBe('tenant');
    const detail = (await t.call('GET', `/api/v1/houses/${houseId}`, { token: gridworker })).json();
    expect(detail.residents).toEqual([{ id: person.json().id, name: '租客甲', kind: 'floating', houseRelation: 'tenant' }]);
    expect((await t.call('GET', `/api/v1/people?house=${houseId}`, { token: admin })).json().total).toBe(1);
  });

  it('filters rental houses and searches by address', async () => {
    const rentals = (await t.call('GET', `/api/v1/houses?rental=true&grid=${workerGrid}&pageSize=200`, { token: admin })).json();
    expect(rentals.items.length).toBeGreaterThan(0);
    expect(rentals.items.every((h: { rental: boolean; gridCode: string }) => h.rental && h.gridCode === workerGrid)).toBe(true);
    const found = (await t.call('GET', `/api/v1/houses?q=${encodeURIComponent('测试路12号')}`, { token: admin })).json();
    expect(found.items.map((h: { id: string }) => h.id)).toEqual([houseId]);
  });

  it('a house outside the city or outside my area is refused and nothing is written', async () => {
    const before = await count('houses');
    const outside = await t.call('POST', '/api/v1/houses', { token: admin, body: { address: '海外路1号', lon: 2.35, lat: 48.85 } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().code).toBe('house.invalid');
    const west = await t.call('POST', '/api/v1/houses', { token: gridworker, body: { address: '西湖区湖滨路1号', gridCode: '990105001001001' } });
    expect(west.statusCode).toBe(400);
    expect((await t.call('POST', '/api/v1/houses', { token: admin, body: { address: 'x' } })).statusCode).toBe(400);
    expect(await count('houses')).toBe(before);
  });
});

describe('organisations (组织) and credit events', () => {
  let orgId = '';
  const creditCode = validCreditCode('91990102MA7TEXT01');

  it('registers an enterprise with a valid unified social credit code and rejects a wrong check character', async () => {
    const before = await count('organisations');
    const wrong = creditCode.slice(0, 17) + (creditCode[17] === '0' ? '1' : '0');
    const bad = await t.call('POST', '/api/v1/organisations', { token: admin, body: { kind: 'enterprise', name: '示范市测试科技有限公司', creditCode: wrong, gridCode: workerGrid } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'organisation.invalid', errors: [{ path: 'creditCode' }] });
    const missing = await t.call('POST', '/api/v1/organisations', { token: admin, body: { kind: 'social_org', name: '示范市测试协会', gridCode: workerGrid } });
    expect(missing.statusCode).toBe(400);
    expect(await count('organisations')).toBe(before);

    const ok = await t.call('POST', '/api/v1/organisations', { token: admin, body: { kind: 'enterprise', name: '示范市测试科技有限公司', creditCode: creditCode.toLowerCase(), legalRep: '张三', gridCode: workerGrid } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ creditCode, kind: 'enterprise', status: 'active', gridCode: workerGrid, lon: null });
    orgId = ok.json().id;
    expect((await t.call('POST', '/api/v1/organisations', { token: admin, body: { kind: 'enterprise', name: '重复', creditCode, gridCode: workerGrid } })).statusCode).toBe(409);
    // a party branch may have no code
    expect((await t.call('POST', '/api/v1/organisations', { token: admin, body: { kind: 'party_org', name: '中共测试支部委员会', gridCode: workerGrid } })).statusCode).toBe(201);
    expect((await t.call('GET', `/api/v1/organisations?creditCode=${creditCode}`, { token: admin })).json().items[0].id).toBe(orgId);
  });

  it('records credit events and lists them newest first', async () => {
    for (const e of [
      { occurredOn: '2026-03-01', kind: 'penalty', title: '占道经营行政处罚', source: '城市管理综合执法局' },
      { occurredOn: '2026-06-01', kind: 'commendation', title: '诚信经营示范户' },
    ]) {
      expect((await t.call('POST', `/api/v1/organisations/${orgId}/credit-events`, { token: admin, body: e })).statusCode).toBe(201);
    }
    const list = (await t.call('GET', `/api/v1/organisations/${orgId}/credit-events`, { token: gridworker })).json();
    expect(list.items.map((e: { title: string }) => e.title)).toEqual(['诚信经营示范户', '占道经营行政处罚']);
    expect(list.items[0].recordedBy).toBe('admin');
    const before = await count('credit_events');
    expect((await t.call('POST', `/api/v1/organisations/${orgId}/credit-events`, { token: admin, body: { occurredOn: '2026-13-01', kind: 'penalty', title: '坏日期' } })).statusCode).toBe(400);
    expect(await count('credit_events')).toBe(before);
  });

  it('东城区 cannot see or touch a 西湖区 organisation', async () => {
    const west = (await t.call('GET', '/api/v1/organisations?area=990105&kind=enterprise&pageSize=1', { token: admin })).json().items[0];
    expect((await t.call('GET', `/api/v1/organisations/${west.id}`, { token: east })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/organisations/${west.id}/credit-events`, { token: east })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/organisations?creditCode=${west.creditCode}`, { token: admin })).json().total).toBe(1);
    expect((await t.call('GET', `/api/v1/organisations?creditCode=${west.creditCode}`, { token: east })).json().total).toBe(0);
    const mine = (await t.call('GET', '/api/v1/organisations?pageSize=200', { token: east })).json();
    expect(mine.items.every((o: { gridCode: string }) => o.gridCode.startsWith('990102'))).toBe(true);
  });
});

describe('components (部件)', () => {
  it('registers a manhole cover with an assigned GB/T 30428.2-style code and owner/maintainer departments', async () => {
    const [lon, lat] = await pointInGrid(workerGrid);
    const res = await t.call('POST', '/api/v1/components', { token: gridworker, body: { classCode: '0102', ownerUnit: 'SW', maintainerUnit: 'SZ', lon, lat } });
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.code).toMatch(new RegExp(`^${workerGrid.slice(0, 6)}0102\\d{6}$`));
    expect(c).toMatchObject({ className: '污水井盖', name: '污水井盖', state: 'intact', gridCode: workerGrid, ownerDepartment: { code: 'SW' }, maintainerDepartment: { code: 'SZ' } });
    const next = (await t.call('POST', '/api/v1/components', { token: gridworker, body: { classCode: '0102', lon, lat } })).json();
    expect(Number(next.code.slice(10))).toBe(Number(c.code.slice(10)) + 1);

    const damaged = await t.call('PATCH', `/api/v1/components/${c.id}`, { token: gridworker, body: { state: 'damaged', note: '井盖破损' } });
    expect(damaged.json()).toMatchObject({ state: 'damaged', code: c.code });
    expect((await t.call('GET', `/api/v1/components?state=damaged&grid=${workerGrid}&pageSize=200`, { token: gridworker })).json().items.some((x: { id: string }) => x.id === c.id)).toBe(true);
    const recode = await t.call('PATCH', `/api/v1/components/${c.id}`, { token: gridworker, body: { classCode: '0116' } });
    expect(recode.json().code).toBe('component.recode_required');
  });

  it('filters by big class and class, and refuses an unknown class or a code from another district', async () => {
    const lights = (await t.call('GET', '/api/v1/components?class=0116&pageSize=50', { token: admin })).json();
    expect(lights.total).toBeGreaterThan(0);
    expect(lights.items.every((c: { classCode: string }) => c.classCode === '0116')).toBe(true);
    const utilities = (await t.call('GET', '/api/v1/components?class=01&pageSize=200', { token: admin })).json();
    expect(utilities.items.every((c: { classCode: string }) => c.classCode.startsWith('01'))).toBe(true);

    const before = await count('components');
    const [lon, lat] = await pointInGrid(workerGrid);
    expect((await t.call('POST', '/api/v1/components', { token: admin, body: { classCode: '9999', lon, lat } })).json().code).toBe('component.invalid');
    const wrongDistrict = await t.call('POST', '/api/v1/components', { token: admin, body: { code: '9901050303000001', classCode: '0303', lon, lat } });
    expect(wrongDistrict.json()).toMatchObject({ code: 'component.invalid', errors: [{ path: 'code' }] });
    expect((await t.call('POST', '/api/v1/components', { token: admin, body: { classCode: '0303' } })).statusCode).toBe(400);
    expect(await count('components')).toBe(before);
  });

  it('GeoJSON point layers are valid FeatureCollections in [lon, lat], each point inside its grid', async () => {
    const city = (await t.call('GET', '/api/v1/geo/city')).json();
    const [w, s, e, n] = city.bbox as number[];
    for (const layer of ['components', 'houses', 'organisations']) {
      const res = await t.call('GET', `/api/v1/${layer}.geojson?area=990102&limit=300`, { token: admin });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
      const fc = res.json();
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features.length).toBeGreaterThan(0);
      for (const f of fc.features) {
        expect(f.type).toBe('Feature');
        expect(f.geometry.type).toBe('Point');
        const [lon, lat] = f.geometry.coordinates;
        expect(lon).toBeGreaterThanOrEqual(w!);
        expect(lon).toBeLessThanOrEqual(e!);
        expect(lat).toBeGreaterThanOrEqual(s!);
        expect(lat).toBeLessThanOrEqual(n!);
        expect(f.properties.gridCode.startsWith('990102')).toBe(true);
        expect(f.properties.lon).toBeUndefined();
      }
      // spot-check that the order really is [lon, lat]: the public locate puts the point in the feature's grid
      for (const f of fc.features.slice(0, 5)) {
        const [lon, lat] = f.geometry.coordinates;
        const located = (await t.call('GET', `/api/v1/geo/locate?lon=${lon}&lat=${lat}`)).json();
        expect(located.grid.code).toBe(f.properties.gridCode);
      }
    }
    // a viewport narrows the layer and `truncated` says when the limit cut it
    const few = (await t.call('GET', '/api/v1/components.geojson?limit=3', { token: admin })).json();
    expect(few.features.length).toBe(3);
    expect(few.truncated).toBe(true);
    const box = [w!, s!, (w! + e!) / 2, (s! + n!) / 2];
    const boxed = (await t.call('GET', `/api/v1/components.geojson?bbox=${box.join(',')}&limit=10000`, { token: admin })).json();
    expect(boxed.features.every((f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates[0]! <= box[2]! && f.geometry.coordinates[1]! <= box[3]!)).toBe(true);
    // a grid worker's layer holds only their grid
    const mine = (await t.call('GET', '/api/v1/components.geojson', { token: gridworker })).json();
    expect(mine.features.length).toBeGreaterThan(0);
    expect(mine.features.every((f: { properties: { gridCode: string } }) => f.properties.gridCode === workerGrid)).toBe(true);
  });

  it('东城区 never sees a 西湖区 component and cannot change one', async () => {
    const west = (await t.call('GET', '/api/v1/components?area=990105&pageSize=1', { token: admin })).json().items[0];
    expect((await t.call('GET', `/api/v1/components/${west.id}`, { token: east })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/components?q=${west.code}`, { token: east })).json().total).toBe(0);
    expect((await t.call('GET', `/api/v1/components?q=${west.code}`, { token: admin })).json().total).toBe(1);
    const map = (await t.call('GET', '/api/v1/components.geojson?limit=10000', { token: east })).json();
    expect(map.features.every((f: { properties: { gridCode: string } }) => f.properties.gridCode.startsWith('990102'))).toBe(true);
    expect((await t.call('PATCH', `/api/v1/components/${west.id}`, { token: gridworker, body: { state: 'missing' } })).statusCode).toBe(404);
  });
});
