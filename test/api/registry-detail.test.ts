import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { validIdNumber } from './registry-fixtures.ts';

// The registry screen's filters and its detail drawer: each list filter narrows the rows a user sees, and
// GET …/{id} answers with the record masked exactly as the list shows it, for every role that may read it.

let t: TestApp;
let admin: string;
let dispatcher: string;
let gridworker: string;
let east: string;
let handler: string;
let workerGrid: string;

const MASKED_ID = /^[0-9]{3}\*{11}[0-9X]{4}$/;
const MASKED_PHONE = /^1[0-9]{2}\*{4}[0-9]{4}$/;

beforeAll(async () => {
  t = await createTestApp();
  [admin, dispatcher, gridworker, east, handler] = await Promise.all([t.login('admin'), t.login('dispatcher'), t.login('gridworker'), t.login('dispatcher.east'), t.login('handler.sz')]);
  workerGrid = String((await t.call('GET', '/api/v1/auth/me', { token: gridworker })).json().scope).split('.').pop()!;
});
afterAll(() => t.close());

const get = async (path: string, token: string) => {
  const res = await t.call('GET', path, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('registry list filters', () => {
  it('kind, care group, area picked on the tree and text search each narrow the people list', async () => {
    const all = await get('/api/v1/people?pageSize=1', admin);
    const floating = await get('/api/v1/people?kind=floating&pageSize=200', admin);
    expect(floating.total).toBeGreaterThan(0);
    expect(floating.total).toBeLessThan(all.total);
    expect(floating.items.every((p: { kind: string }) => p.kind === 'floating')).toBe(true);

    // an area of any level (here the grid worker's street, its grid's first 9 digits) holds only its own rows
    const street = workerGrid.slice(0, 9);
    const inStreet = await get(`/api/v1/people?area=${street}&pageSize=200`, admin);
    expect(inStreet.total).toBeGreaterThan(0);
    expect(inStreet.total).toBeLessThan(all.total);
    expect(inStreet.items.every((p: { gridCode: string }) => p.gridCode.startsWith(street))).toBe(true);

    const someone = inStreet.items.find((p: { nameMasked: boolean }) => !p.nameMasked);
    const byName = await get(`/api/v1/people?q=${encodeURIComponent(someone.name)}&area=${street}`, admin);
    expect(byName.items.map((p: { id: string }) => p.id)).toContain(someone.id);
    expect(byName.items.every((p: { name: string; address: string }) => p.name.includes(someone.name) || p.address.includes(someone.name))).toBe(true);

    const elderly = await get('/api/v1/people?tag=lone_elderly&pageSize=200', admin);
    expect(elderly.total).toBeGreaterThan(0);
    expect(elderly.items.every((p: { tags: string[] }) => p.tags.includes('lone_elderly'))).toBe(true);
  });

  it('rental and use narrow houses; kind narrows organisations; state narrows components', async () => {
    const rentals = await get('/api/v1/houses?rental=true&pageSize=200', admin);
    expect(rentals.total).toBeGreaterThan(0);
    expect(rentals.items.every((h: { rental: boolean }) => h.rental)).toBe(true);
    const residential = await get('/api/v1/houses?purpose=residential&pageSize=5', admin);
    expect(residential.items.every((h: { purpose: string }) => h.purpose === 'residential')).toBe(true);
    const enterprises = await get('/api/v1/organisations?kind=enterprise&pageSize=200', admin);
    expect(enterprises.items.every((o: { kind: string }) => o.kind === 'enterprise')).toBe(true);
    const intact = await get('/api/v1/components?state=intact&pageSize=5', admin);
    expect(intact.items.every((c: { state: string }) => c.state === 'intact')).toBe(true);
  });

  it('an area outside the caller’s scope widens nothing: the 东城区 dispatcher asking for 西湖区 gets no rows', async () => {
    const west = await get('/api/v1/people?area=990105&pageSize=1', east);
    expect(west.total).toBe(0);
    expect((await get('/api/v1/people?area=990105&pageSize=1', admin)).total).toBeGreaterThan(0);
  });
});

describe('registry detail (the row drawer)', () => {
  it('a person’s detail is masked as the list is, for a role that may reveal and one that may not', async () => {
    const housed = (await get(`/api/v1/people?grid=${workerGrid}&pageSize=200`, admin)).items.find((p: { houseId: string | null; phone: string | null }) => p.houseId && p.phone);
    expect(housed).toBeDefined();
    for (const token of [admin, dispatcher, gridworker]) {
      const d = await get(`/api/v1/people/${housed.id}`, token);
      // exactly the list's masked view, plus where they live
      expect(d).toMatchObject({ ...housed });
      expect(d.idNumber).toMatch(MASKED_ID);
      expect(d.phone).toMatch(MASKED_PHONE);
      expect(d.place.map((s: { level: string }) => s.level)).toEqual(['district', 'street', 'community', 'grid']);
      expect(d.place.at(-1).code).toBe(workerGrid);
      expect(d.house).toMatchObject({ id: housed.houseId, gridCode: workerGrid });
    }
    // the clear values exist only behind reveal
    const clear = (await t.call('POST', `/api/v1/people/${housed.id}/reveal`, { token: admin, body: { purpose: '核对详情页脱敏', fields: ['idNumber'] } })).json().idNumber;
    expect(JSON.stringify(await get(`/api/v1/people/${housed.id}`, admin))).not.toContain(clear);
  });

  it('a special-care person’s name stays masked in the detail and in their house’s resident list', async () => {
    const house = (await get(`/api/v1/houses?grid=${workerGrid}&pageSize=1`, admin)).items[0];
    const created = await t.call('POST', '/api/v1/people', {
      token: admin,
      body: { kind: 'registered', name: '详情测试', idNumber: validIdNumber('990102', '19400101', 501), phone: '13912345678', houseId: house.id, houseRelation: 'owner', tags: ['lone_elderly'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const d = await get(`/api/v1/people/${created.json().id}`, dispatcher);
    expect(d).toMatchObject({ name: '详***', nameMasked: true, phone: '139****5678', houseRelation: 'owner', house: { id: house.id, address: house.address } });
    const h = await get(`/api/v1/houses/${house.id}`, dispatcher);
    expect(h.residents).toContainEqual({ id: d.id, name: '详***', kind: 'registered', houseRelation: 'owner' });
    expect(h.residentsCount).toBe(h.residents.length);
    expect(h.place.at(-1)).toMatchObject({ code: workerGrid, level: 'grid' });
    expect(JSON.stringify(h)).not.toContain('详情测试');
  });

  it('organisation and component details name the areas they sit in', async () => {
    const org = (await get(`/api/v1/organisations?area=${workerGrid.slice(0, 6)}&pageSize=1`, admin)).items[0];
    const od = await get(`/api/v1/organisations/${org.id}`, dispatcher);
    expect(od).toMatchObject({ ...org });
    expect(od.place.at(-1).code).toBe(org.gridCode);
    const comp = (await get(`/api/v1/components?grid=${workerGrid}&pageSize=1`, admin)).items[0];
    const cd = await get(`/api/v1/components/${comp.id}`, gridworker);
    expect(cd).toMatchObject({ ...comp });
    expect(cd.place.map((s: { name: string }) => s.name).every(Boolean)).toBe(true);
  });

  it('no registry read: 403; outside the scope: 404, whatever the record', async () => {
    const westPerson = (await get('/api/v1/people?area=990105&pageSize=1', admin)).items[0];
    const westHouse = (await get('/api/v1/houses?area=990105&pageSize=1', admin)).items[0];
    const denied = await t.call('GET', `/api/v1/people/${westPerson.id}`, { token: handler });
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'auth.forbidden']);
    for (const path of [`/api/v1/people/${westPerson.id}`, `/api/v1/houses/${westHouse.id}`]) {
      expect((await t.call('GET', path, { token: east })).statusCode).toBe(404);
      expect((await t.call('GET', path, { token: gridworker })).statusCode).toBe(404);
    }
  });
});
