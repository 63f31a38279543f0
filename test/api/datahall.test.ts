import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
let dataadmin: string;
let sz: string;
let ga: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  dataadmin = await t.login('dataadmin');
  sz = await t.login('handler.sz');
  // the owner of the people register: a member of 公安 who may decide requests for its data
  const res = await t.call('POST', '/api/v1/users', { token: admin, body: { username: 'owner.ga', displayName: '公安数据专员', password: 'owner-pass-2026', roles: ['handler'], scopeArea: '990100', departmentCode: 'GA' } });
  expect(res.statusCode).toBe(201);
  ga = await t.login('owner.ga', 'owner-pass-2026');
});
afterAll(() => t.close());

const period = (days: number) => ({ validFrom: t.clock.now().toISOString(), validTo: new Date(t.clock.now().getTime() + days * DAY).toISOString() });

async function approvedKey(body: Record<string, unknown>, narrow?: string[]): Promise<{ id: string; key: string }> {
  const req = await t.call('POST', '/api/v1/datahall/requests', { token: sz, body });
  expect(req.statusCode, req.body).toBe(201);
  const id = req.json().id as string;
  const owner = await t.call('POST', `/api/v1/datahall/requests/${id}/decision`, { token: ga, body: { decision: 'approve', ...(narrow ? { fields: narrow } : {}) } });
  expect(owner.statusCode, owner.body).toBe(200);
  expect(owner.json().state).toBe('pending'); // the data admin has not decided yet
  const adm = await t.call('POST', `/api/v1/datahall/requests/${id}/decision`, { token: dataadmin, body: { decision: 'approve' } });
  expect(adm.json().state).toBe('approved');
  const k = await t.call('POST', `/api/v1/datahall/requests/${id}/key`, { token: sz });
  expect(k.statusCode, k.body).toBe(201);
  return { id, key: k.json().key };
}

const read = (key: string, resource: string, query = '') => t.call('GET', `/api/v1/datahall/shared/${resource}${query}`, { headers: { 'x-api-key': key } });

describe('data hall: catalogue, approved sharing, keys and the access log', () => {
  it('registers every platform table with fields, owner and grades; PII fields are 核心 and never open', async () => {
    const list = await t.call('GET', '/api/v1/datahall/resources?pageSize=100', { token: sz });
    expect(list.statusCode).toBe(200);
    const codes = list.json().items.map((r: { code: string }) => r.code);
    for (const c of ['people', 'houses', 'organisations', 'components', 'cases', 'devices', 'grids']) expect(codes).toContain(c);
    const people = (await t.call('GET', '/api/v1/datahall/resources/people', { token: sz })).json();
    expect(people.owner.code).toBe('GA');
    const idNumber = people.fields.find((f: { name: string }) => f.name === 'id_number');
    expect(idNumber).toMatchObject({ pii: 'id_number', securityGrade: 'core', openType: 'none' });
    const cases = (await t.call('GET', '/api/v1/datahall/resources/cases', { token: sz })).json();
    expect(cases.fields.find((f: { name: string }) => f.name === 'reporter_phone').pii).toBe('phone');
  });

  it('refuses to open a PII field (400 problem+json) and leaves it closed', async () => {
    const res = await t.call('PATCH', '/api/v1/datahall/resources/people/fields/id_number', { token: dataadmin, body: { openType: 'unconditional' } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('datahall.pii_not_openable');
    const whole = await t.call('PATCH', '/api/v1/datahall/resources/cases', { token: dataadmin, body: { openType: 'conditional' } });
    expect(whole.json().code).toBe('datahall.pii_not_openable');
    const people = (await t.call('GET', '/api/v1/datahall/resources/people', { token: dataadmin })).json();
    expect(people.fields.find((f: { name: string }) => f.name === 'id_number').openType).toBe('none');
    // a non-PII field can be graded by the data admin, but not by another department
    expect((await t.call('PATCH', '/api/v1/datahall/resources/people/fields/gender', { token: dataadmin, body: { securityGrade: 'important' } })).statusCode).toBe(200);
    expect((await t.call('PATCH', '/api/v1/datahall/resources/people/fields/gender', { token: sz, body: { securityGrade: 'general' } })).statusCode).toBe(403);
  });

  it('a department reads exactly the approved fields of another department’s data, ID numbers masked, each read logged and verifiable', async () => {
    const { key } = await approvedKey({ resource: 'people', purpose: '市政设施改造涉及住户核实', fields: ['id', 'id_number', 'phone', 'kind', 'grid_code'], area: '990102', ...period(30) }, ['id', 'id_number', 'kind', 'grid_code']);
    const res = await read(key, 'people', '?pageSize=50');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.fields).toEqual(['id', 'id_number', 'kind', 'grid_code']);
    expect(body.items.length).toBeGreaterThan(0);
    for (const row of body.items) {
      expect(Object.keys(row).sort()).toEqual(['grid_code', 'id', 'id_number', 'kind']);
      expect(row.id_number).toMatch(/^.{3}\*+.{4}$/); // masked: no clear access was approved
      expect(row.grid_code.startsWith('990102')).toBe(true); // only rows inside the approved area
    }
    // the narrowed-away field and another resource stay closed
    expect((await read(key, 'people', '?fields=phone')).json().code).toBe('datahall.field_not_approved');
    expect((await read(key, 'cases')).statusCode).toBe(403);
    expect((await read('dh_not-a-key-at-all-000000000', 'people')).statusCode).toBe(401);
    await read(key, 'people', '?fields=id,kind&page=2&pageSize=10');

    const log = (await t.call('GET', '/api/v1/datahall/access-log?resource=people', { token: dataadmin })).json();
    const mine = log.items.filter((e: { consumer: string }) => e.consumer === 'SZ');
    expect(mine.length).toBe(2);
    expect(mine[1]).toMatchObject({ fields: ['id', 'id_number', 'kind', 'grid_code'], rowCount: body.items.length, purpose: '市政设施改造涉及住户核实', owner: 'GA' });
    expect(mine[0]).toMatchObject({ fields: ['id', 'kind'], rowCount: 10 });
    // the owner sees who reads its data
    const ownerView = (await t.call('GET', '/api/v1/datahall/access-log', { token: ga })).json();
    expect(ownerView.items.some((e: { consumer: string }) => e.consumer === 'SZ')).toBe(true);

    const ok = await t.call('GET', '/api/v1/datahall/access-log/verify', { token: dataadmin });
    expect(ok.json()).toMatchObject({ ok: true });
    expect(ok.json().checked).toBeGreaterThanOrEqual(2);
    // tamper with one row: verify names it
    const seq = mine[1].seq as number;
    await sql`update datahall_access_log set row_count = row_count + 1 where seq = ${seq}`.execute(t.deps.db);
    const broken = (await t.call('GET', '/api/v1/datahall/access-log/verify', { token: dataadmin })).json();
    expect(broken).toMatchObject({ ok: false, broken: { seq, reason: 'edited' } });
    await sql`update datahall_access_log set row_count = row_count - 1 where seq = ${seq}`.execute(t.deps.db);
    expect((await t.call('GET', '/api/v1/datahall/access-log/verify', { token: dataadmin })).json().ok).toBe(true);
  });

  it('clear access to an ID number only when approved for the purpose', async () => {
    const { key } = await approvedKey({ resource: 'people', purpose: '低保资格核查需核对身份证号', fields: ['id', 'id_number'], clearFields: ['id_number'], area: '990105', ...period(10) });
    const rows = (await read(key, 'people', '?pageSize=5')).json().items;
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.id_number).toMatch(/^[0-9]{17}[0-9X]$/);
  });

  it('refusal needs a reason and issues no key', async () => {
    const req = (await t.call('POST', '/api/v1/datahall/requests', { token: sz, body: { resource: 'people', purpose: '想看看全部人口', fields: ['name', 'phone'], area: '990100', ...period(5) } })).json();
    expect((await t.call('POST', `/api/v1/datahall/requests/${req.id}/decision`, { token: ga, body: { decision: 'refuse' } })).json().code).toBe('datahall.reason_required');
    const refused = await t.call('POST', `/api/v1/datahall/requests/${req.id}/decision`, { token: ga, body: { decision: 'refuse', reason: '用途不明确' } });
    expect(refused.json()).toMatchObject({ state: 'refused', ownerDecision: 'refused', reason: '用途不明确' });
    const key = await t.call('POST', `/api/v1/datahall/requests/${req.id}/key`, { token: sz });
    expect(key.statusCode).toBe(409);
    // another department may not decide for 公安's data
    const other = (await t.call('POST', '/api/v1/datahall/requests', { token: sz, body: { resource: 'people', purpose: '再次申请人口类别', fields: ['kind'], area: '990100', ...period(5) } })).json();
    // it waits in 公安's inbox, not in the requester's own
    const inboxOf = async (token: string) => (await t.call('GET', '/api/v1/datahall/requests?inbox=true', { token })).json().items.map((r: { id: string }) => r.id);
    expect(await inboxOf(ga)).toContain(other.id);
    expect(await inboxOf(sz)).not.toContain(other.id);
    expect((await t.call('POST', `/api/v1/datahall/requests/${other.id}/decision`, { token: sz, body: { decision: 'approve' } })).statusCode).toBe(403);
  });

  it('a revoked approval stops its key at once; a rotated key replaces the old one', async () => {
    const { id, key } = await approvedKey({ resource: 'people', purpose: '临时核对人口类别', fields: ['id', 'kind'], area: '990106', ...period(10) });
    expect((await read(key, 'people')).statusCode).toBe(200);
    const rotated = (await t.call('POST', `/api/v1/datahall/requests/${id}/key`, { token: sz })).json().key as string;
    expect((await read(key, 'people')).json().code).toBe('datahall.key_revoked');
    expect((await read(rotated, 'people')).statusCode).toBe(200);
    const rev = await t.call('POST', `/api/v1/datahall/requests/${id}/revoke`, { token: ga, body: { reason: '核对完毕' } });
    expect(rev.json().state).toBe('revoked');
    const after = await read(rotated, 'people');
    expect(after.statusCode).toBe(403);
    expect(after.headers['content-type']).toContain('application/problem+json');
    expect(after.json().code).toBe('datahall.key_revoked');
  });

  it('an expired approval answers 403 problem+json', async () => {
    const { key } = await approvedKey({ resource: 'people', purpose: '一日有效的核对', fields: ['id'], area: '990106', ...period(1) });
    expect((await read(key, 'people')).statusCode).toBe(200);
    t.clock.advance(2 * DAY);
    const res = await read(key, 'people');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('datahall.approval_expired');
  });

  it('publishes the chain head of each finished day publicly; deleting the newest rows is then caught', async () => {
    t.clock.advance(DAY);
    dataadmin = await t.login('dataadmin'); // sessions do not outlive the days moved above
    const heads = (await t.call('GET', '/api/v1/public/datahall/chain-heads')).json().items;
    expect(heads.length).toBeGreaterThan(0);
    const last = (await t.call('GET', '/api/v1/datahall/access-log?pageSize=1', { token: dataadmin })).json().items[0];
    expect(heads[0]).toMatchObject({ lastSeq: last.seq, headHash: last.hash });
    await sql`delete from datahall_access_log where seq = ${last.seq}`.execute(t.deps.db);
    const v = (await t.call('GET', '/api/v1/datahall/access-log/verify', { token: dataadmin })).json();
    expect(v).toMatchObject({ ok: false, broken: { seq: last.seq, reason: 'head_missing' } });
  });

  it('a department publishes its own CSV dataset, versioned; opened, it is downloadable as open data', async () => {
    sz = await t.login('handler.sz');
    const csv = (rows: string[]) => Buffer.from(['道路,井盖数,完好率', ...rows].join('\n')).toString('base64');
    const v1 = await t.call('POST', '/api/v1/datahall/uploads', { token: sz, body: { code: 'sz-manhole-survey', title: '井盖普查汇总', filename: 'survey.csv', content: csv(['人民路,12,0.92']), openType: 'unconditional' } });
    expect(v1.statusCode, v1.body).toBe(201);
    expect(v1.json()).toMatchObject({ kind: 'upload', version: 1, owner: { code: 'SZ' } });
    expect(v1.json().fields.map((f: { label: string }) => f.label)).toEqual(['道路', '井盖数', '完好率']);
    const v2 = await t.call('POST', '/api/v1/datahall/uploads', { token: sz, body: { code: 'sz-manhole-survey', title: '井盖普查汇总', filename: 'survey.csv', content: csv(['人民路,12,0.92', '解放路,8,0.75']) } });
    expect(v2.json().version).toBe(2);
    const file = await t.call('GET', '/api/v1/public/opendata/datasets/sz-manhole-survey/download/csv');
    expect(file.statusCode).toBe(200);
    expect(file.body.replace(/^\ufeff/, '').trim().split('\r\n')).toEqual(['c1,c2,c3', '人民路,12,0.92', '解放路,8,0.75']);
    // another department cannot overwrite it; an empty file is refused with nothing changed
    const other = await t.login('dataadmin');
    expect((await t.call('POST', '/api/v1/datahall/uploads', { token: other, body: { code: 'sz-manhole-survey', title: 'x', filename: 'a.csv', content: csv(['a,1,1']) } })).statusCode).toBe(400);
    expect((await t.call('POST', '/api/v1/datahall/uploads', { token: sz, body: { code: 'sz-manhole-survey', title: 'x', filename: 'a.csv', content: Buffer.from('道路,井盖数').toString('base64') } })).json().code).toBe('datahall.upload_empty');
    expect((await t.call('GET', '/api/v1/datahall/resources/sz-manhole-survey', { token: sz })).json().version).toBe(2);
  });

  it('an external consumer app registered by the data admin gets its own key; reads are rate-limited per key', async () => {
    dataadmin = await t.login('dataadmin');
    ga = await t.login('owner.ga', 'owner-pass-2026');
    const app = await t.call('POST', '/api/v1/datahall/consumers', { token: dataadmin, body: { name: '区网格化平台', contact: 'ops@example.org' } });
    expect(app.statusCode).toBe(201);
    expect((await t.call('POST', '/api/v1/datahall/consumers', { token: sz, body: { name: '冒名应用' } })).statusCode).toBe(403);
    const req = (await t.call('POST', '/api/v1/datahall/requests', { token: dataadmin, body: { resource: 'people', purpose: '网格化平台同步人口类别', fields: ['id', 'kind'], area: '990102', consumerId: app.json().id, ...period(30) } })).json();
    expect(req.requester).toMatchObject({ department: null, consumer: '区网格化平台' });
    await t.call('POST', `/api/v1/datahall/requests/${req.id}/decision`, { token: ga, body: { decision: 'approve' } });
    await t.call('POST', `/api/v1/datahall/requests/${req.id}/decision`, { token: dataadmin, body: { decision: 'approve' } });
    const key = (await t.call('POST', `/api/v1/datahall/requests/${req.id}/key`, { token: dataadmin })).json().key as string;
    const first = await read(key, 'people', '?pageSize=1');
    expect(first.statusCode).toBe(200);
    expect(Number(first.headers['x-ratelimit-limit'])).toBe(120);
    const second = await read(key, 'people', '?pageSize=1');
    expect(Number(second.headers['x-ratelimit-remaining'])).toBe(Number(first.headers['x-ratelimit-remaining']) - 1);
    // another key has its own budget
    expect(Number((await read('demo-datahall-key', 'people', '?pageSize=1')).headers['x-ratelimit-remaining'])).toBe(119);
    const log = (await t.call('GET', '/api/v1/datahall/access-log?resource=people&pageSize=5', { token: dataadmin })).json();
    expect(log.items.some((e: { consumer: string }) => e.consumer === '区网格化平台')).toBe(true);
  });

  it('the demo key reads the demo approval; the pending demo request waits in the data admin’s inbox', async () => {
    const res = await read('demo-datahall-key', 'people', '?pageSize=3');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0].id_number).toContain('*');
    const inbox = (await t.call('GET', '/api/v1/datahall/requests?inbox=true', { token: dataadmin })).json();
    expect(inbox.items.some((r: { resource: { code: string }; requester: { department: string } }) => r.resource.code === 'cases' && r.requester.department === 'SZ')).toBe(true);
  });
});
