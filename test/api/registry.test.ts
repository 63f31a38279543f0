import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createServices } from '../../src/server/services.ts';
import { createLogger } from '../../src/server/logger.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { validIdNumber } from './registry-fixtures.ts';

let t: TestApp;
let admin: string;
let gridworker: string;
let east: string;
let clerk: string;
let workerGrid: string;

const MASKED_ID = /^[0-9]{3}\*{11}[0-9X]{4}$/;
const MASKED_PHONE = /^1[0-9]{2}\*{4}[0-9]{4}$/;

beforeAll(async () => {
  t = await createTestApp();
  [admin, gridworker, east, clerk] = await Promise.all([t.login('admin'), t.login('gridworker'), t.login('dispatcher.east'), t.login('clerk')]);
  const me = (await t.call('GET', '/api/v1/auth/me', { token: gridworker })).json();
  workerGrid = String(me.scope).split('.').pop()!;
});
afterAll(() => t.close());

const countPeople = async () => Number((await sql<{ n: string }>`select count(*) as n from people`.execute(t.deps.db)).rows[0]!.n);

/** A point inside a grid: the position of one of the demo houses registered there. */
async function pointInGrid(grid: string): Promise<[number, number]> {
  const res = await t.call('GET', `/api/v1/houses?grid=${grid}&pageSize=1`, { token: admin });
  const h = res.json().items[0];
  return [h.lon, h.lat];
}

describe('people (人口): the demo city and data scope', () => {
  it('the demo city has a few thousand people, houses, organisations and components', async () => {
    const totals = await Promise.all(['people', 'houses', 'organisations', 'components'].map(async (r) => (await t.call('GET', `/api/v1/${r}?pageSize=1`, { token: admin })).json().total as number));
    expect(totals[0]).toBeGreaterThanOrEqual(2000);
    expect(totals[1]).toBeGreaterThanOrEqual(900);
    expect(totals[2]).toBeGreaterThanOrEqual(200);
    expect(totals[3]).toBeGreaterThanOrEqual(1500);
  });

  it('a grid worker sees only the people of their grid, ID numbers and phones masked', async () => {
    const res = await t.call('GET', '/api/v1/people?pageSize=200', { token: gridworker });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.length).toBe(page.total);
    for (const p of page.items) {
      expect(p.gridCode).toBe(workerGrid);
      expect(p.idNumber).toMatch(MASKED_ID);
      if (p.phone !== null) expect(p.phone).toMatch(MASKED_PHONE);
    }
    // what the admin sees for the same grid is the same set: nothing was lost to the scope either
    const all = (await t.call('GET', `/api/v1/people?grid=${workerGrid}&pageSize=200`, { token: admin })).json();
    expect(all.total).toBe(page.total);
    // and asking for another grid or district gives nothing rather than someone else's people
    expect((await t.call('GET', '/api/v1/people?area=990105', { token: gridworker })).json().total).toBe(0);
  });

  it('special-care people are listed with their group and fields, their name masked', async () => {
    const res = (await t.call('GET', '/api/v1/people?tag=lone_elderly&pageSize=5', { token: admin })).json();
    expect(res.total).toBeGreaterThan(0);
    for (const p of res.items) {
      expect(p.tags).toContain('lone_elderly');
      expect(p.nameMasked).toBe(true);
      expect(p.name).toMatch(/^.\*+$/);
      expect(p.care.lone_elderly).toBeDefined();
    }
  });

  it('a dispatcher of 东城区 never sees 西湖区 people: not in lists, not by id, not by search', async () => {
    const west = (await t.call('GET', '/api/v1/people?area=990105&pageSize=1', { token: admin })).json().items[0];
    expect(west.gridCode.startsWith('990105')).toBe(true);

    const list = (await t.call('GET', '/api/v1/people?pageSize=200', { token: east })).json();
    expect(list.total).toBeGreaterThan(0);
    expect(list.items.every((p: { gridCode: string }) => p.gridCode.startsWith('990102'))).toBe(true);
    expect((await t.call('GET', '/api/v1/people?area=990105', { token: east })).json().total).toBe(0);

    const byId = await t.call('GET', `/api/v1/people/${west.id}`, { token: east });
    expect(byId.statusCode).toBe(404);
    expect(byId.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(byId.json().code).toBe('person.not_found');

    const revealed = (await t.call('POST', `/api/v1/people/${west.id}/reveal`, { token: admin, body: { purpose: '测试：核对户籍信息', fields: ['idNumber'] } })).json();
    expect((await t.call('GET', `/api/v1/people?idNumber=${revealed.idNumber}`, { token: admin })).json().total).toBe(1);
    expect((await t.call('GET', `/api/v1/people?idNumber=${revealed.idNumber}`, { token: east })).json().total).toBe(0);
    expect((await t.call('GET', `/api/v1/people?q=${encodeURIComponent(west.address.slice(3, 9))}&pageSize=200`, { token: east })).json().items.some((p: { id: string }) => p.id === west.id)).toBe(false);
  });
});

describe('people: PII at field level', () => {
  let created: { id: string; gridCode: string };
  const idNumber = validIdNumber('990102', '19850312', 7);
  const phone = '13912345678';

  it('registers a person from a point: grid and H3 cell resolved, PII masked in the answer', async () => {
    const [lon, lat] = await pointInGrid(workerGrid);
    const res = await t.call('POST', '/api/v1/people', { token: gridworker, body: { kind: 'registered', name: '测试人', idNumber, phone, lon, lat } });
    expect(res.statusCode).toBe(201);
    created = res.json();
    expect(created.gridCode).toBe(workerGrid);
    expect(res.json()).toMatchObject({ idNumber: `990***********${idNumber.slice(-4)}`, phone: '139****5678', birthDate: '1985-03-12', gender: 'male', name: '测试人', nameMasked: false });
    expect(res.json().h3).toMatch(/^89[0-9a-f]{13}$/);
    expect(res.body).not.toContain(idNumber);
    expect(res.body).not.toContain(phone);
  });

  it('finds the person by exact ID number or phone through the blind index, however it is typed', async () => {
    for (const q of [`idNumber=${idNumber}`, `idNumber=${encodeURIComponent(` ${idNumber.toLowerCase()} `)}`, `phone=${encodeURIComponent('139 1234 5678')}`]) {
      const res = (await t.call('GET', `/api/v1/people?${q}`, { token: admin })).json();
      expect(res.total).toBe(1);
      expect(res.items[0].id).toBe(created.id);
      expect(JSON.stringify(res)).not.toContain(idNumber);
    }
  });

  it('the database holds no clear ID number or phone, only ciphertext and keyed hashes', async () => {
    const raw = await sql<Record<string, unknown>>`select * from people where id = ${created.id}`.execute(t.deps.db);
    const text = JSON.stringify(raw.rows[0]);
    expect(text).not.toContain(idNumber);
    expect(text).not.toContain(idNumber.slice(0, 14));
    expect(text).not.toContain(phone);
    const anywhere = await sql<{ n: string }>`select count(*) as n from people p where p::text like ${`%${idNumber.slice(6, 14)}%`}`.execute(t.deps.db);
    expect(Number(anywhere.rows[0]!.n)).toBe(0);
    // nor did the clear values reach the audit log
    const audit = await sql<{ n: string }>`select count(*) as n from audit_log a where a.detail::text like ${`%${idNumber}%`} or a.detail::text like ${`%${phone}%`}`.execute(t.deps.db);
    expect(Number(audit.rows[0]!.n)).toBe(0);
  });

  it('reveal needs the permission and a purpose, returns the clear values and is audited', async () => {
    const url = `/api/v1/people/${created.id}/reveal`;
    const denied = await t.call('POST', url, { token: clerk, body: { purpose: '核实来电人身份' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('auth.forbidden');

    const noPurpose = await t.call('POST', url, { token: gridworker, body: {} });
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().code).toBe('request.invalid');
    expect((await t.call('POST', url, { token: gridworker, body: { purpose: '  ' } })).statusCode).toBe(400);

    const ok = await t.call('POST', url, { token: gridworker, body: { purpose: '入户走访核实身份', fields: ['idNumber', 'phone'] } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.json()).toMatchObject({ id: created.id, idNumber, phone, purpose: '入户走访核实身份' });
    expect(ok.json().name).toBeUndefined();

    const audit = (await t.call('GET', `/api/v1/audit?action=person.reveal&targetId=${created.id}`, { token: admin })).json();
    expect(audit.total).toBe(1);
    expect(audit.items[0]).toMatchObject({ actor: 'gridworker', targetType: 'person', detail: { fields: ['idNumber', 'phone'], purpose: '入户走访核实身份' } });
    // the refused attempts left no reveal entry and no clear value anywhere in the log
    expect(JSON.stringify(audit)).not.toContain(idNumber);
  });

  it('tagging a person as special-care seals their name; the list then shows 测**', async () => {
    const res = await t.call('PATCH', `/api/v1/people/${created.id}`, { token: gridworker, body: { tags: ['disabled'], care: { disabled: { level: '二级', disabilityType: '肢体' } } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: '测**', nameMasked: true, tags: ['disabled'], care: { disabled: { level: '二级' } } });
    const raw = await sql<{ name: string | null; name_sealed: string | null }>`select name, name_sealed from people where id = ${created.id}`.execute(t.deps.db);
    expect(raw.rows[0]!.name).toBeNull();
    expect(raw.rows[0]!.name_sealed).not.toContain('测试人');
    expect((await t.call('GET', '/api/v1/people?q=测试人', { token: admin })).json().total).toBe(0);
    const clear = (await t.call('POST', `/api/v1/people/${created.id}/reveal`, { token: admin, body: { purpose: '残联核对补贴名单', fields: ['name'] } })).json();
    expect(clear.name).toBe('测试人');
  });

  it('bad input is 400 problem+json and changes nothing', async () => {
    const before = await countPeople();
    const [lon, lat] = await pointInGrid(workerGrid);
    const bad = [
      { kind: 'registered', name: '甲', idNumber: `${idNumber.slice(0, 17)}${idNumber[17] === '0' ? '1' : '0'}`, gridCode: workerGrid }, // check digit
      { kind: 'registered', name: '乙', idNumber: validIdNumber('990102', '19900230', 3), gridCode: workerGrid }, // 30 February
      { kind: 'registered', name: '丙', idNumber: validIdNumber('990102', '19900101', 5), phone: '12345', gridCode: workerGrid },
      { kind: 'registered', name: '丁', idNumber: validIdNumber('990102', '19900101', 5), gender: 'female', gridCode: workerGrid }, // odd sequence = male
      { kind: 'registered', name: '戊', idNumber: validIdNumber('990102', '19900101', 5), lon: 0, lat: 0 },
      { kind: 'registered', name: '己', idNumber: validIdNumber('990102', '19900101', 5), lon, lat, gridCode: '990105001001001' },
      { kind: 'registered', name: '庚', idNumber: validIdNumber('990102', '19900101', 5) }, // nowhere
      { kind: 'martian', name: '辛', idNumber: validIdNumber('990102', '19900101', 5), gridCode: workerGrid },
      { kind: 'registered', name: '壬', idNumber: validIdNumber('990102', '19900101', 5), gridCode: workerGrid, lon },
      { kind: 'registered', name: '癸', idNumber, gridCode: workerGrid }, // already registered
    ];
    const codes: string[] = [];
    const fieldCodes: (string | undefined)[] = [];
    for (const body of bad) {
      const res = await t.call('POST', '/api/v1/people', { token: admin, body });
      expect([res.statusCode, res.headers['content-type']]).toEqual([body.name === '癸' ? 409 : 400, expect.stringMatching(/application\/problem\+json/)]);
      codes.push(res.json().code);
      if (res.json().code === 'person.invalid') fieldCodes.push(res.json().errors[0].code);
    }
    // a rule's field error carries the same stable code an import report gives the row
    expect(fieldCodes).toEqual([
      'registry.import.bad_id_number',
      'registry.import.bad_id_number',
      'registry.import.bad_phone',
      'registry.import.gender_mismatch',
      'registry.import.point_outside_city',
      'registry.import.point_in_other_grid',
      'registry.import.no_place',
    ]);
    expect(codes).toEqual(['person.invalid', 'person.invalid', 'person.invalid', 'person.invalid', 'person.invalid', 'person.invalid', 'person.invalid', 'request.invalid', 'request.invalid', 'person.exists']);
    // a grid worker cannot register someone outside their grid
    const outside = await t.call('POST', '/api/v1/people', { token: gridworker, body: { kind: 'registered', name: '子', idNumber: validIdNumber('990105', '19900101', 5), gridCode: '990105001001001' } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors[0].path).toBe('gridCode');
    expect(await countPeople()).toBe(before);
  });

  it('a dispatcher may read but not write; removing a person is audited', async () => {
    expect((await t.call('POST', '/api/v1/people', { token: east, body: { kind: 'registered', name: '丑', idNumber: validIdNumber('990102', '19700101', 9), gridCode: workerGrid } })).statusCode).toBe(403);
    const del = await t.call('DELETE', `/api/v1/people/${created.id}`, { token: gridworker });
    expect(del.statusCode).toBe(204);
    expect((await t.call('GET', `/api/v1/people/${created.id}`, { token: admin })).statusCode).toBe(404);
    expect((await t.call('GET', `/api/v1/audit?action=person.delete&targetId=${created.id}`, { token: admin })).json().total).toBe(1);
  });
});

describe('people: nothing clear in the logs', () => {
  it('searching, registering, revealing and failing leave no ID number, phone or passport number in the log', async () => {
    let log = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((log += String(chunk)), done()) });
    const deps = { ...t.deps, logger: createLogger('debug', sink) };
    const app = await buildApp({ deps, taxonomy: loadTaxonomy(), services: createServices(deps, loadTaxonomy()) });
    await app.ready();
    try {
      const call = (method: 'GET' | 'POST', url: string, body?: object) => app.inject({ method, url, headers: { authorization: `Bearer ${admin}` }, ...(body ? { payload: body } : {}) });
      const idNumber = validIdNumber('990102', '19770707', 77);
      const passport = 'E12345678';
      const spaced = '139 8765 4321';
      const created = await call('POST', '/api/v1/people', { kind: 'registered', name: '日志测试', idNumber, phone: spaced, gridCode: workerGrid });
      expect(created.statusCode).toBe(201);
      const foreigner = await call('POST', '/api/v1/people', { kind: 'overseas', name: 'Anna Schmidt', idType: 'passport', idNumber: passport, nationality: 'DEU', gridCode: workerGrid });
      expect(foreigner.statusCode).toBe(201);
      for (const q of [`idNumber=${idNumber}`, `idNumber=${passport}`, `phone=${encodeURIComponent(spaced)}`]) {
        expect((await call('GET', `/api/v1/people?${q}`)).json().total).toBe(1);
      }
      const clear = await call('POST', `/api/v1/people/${created.json().id}/reveal`, { purpose: '日志检查' });
      expect(clear.json().idNumber).toBe(idNumber);
      expect((await call('POST', '/api/v1/people', { kind: 'registered', name: '坏', idNumber: `${idNumber.slice(0, 17)}Y`, phone: spaced, gridCode: workerGrid })).statusCode).toBe(400);

      expect(log).toContain('incoming request');
      expect(log).toContain('/api/v1/people?[query omitted]');
      for (const secret of [idNumber, idNumber.slice(0, 14), passport, '13987654321', '8765 4321', '8765%204321']) expect(log).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});
