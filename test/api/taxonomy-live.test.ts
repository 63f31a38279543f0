import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';
import { DEMO_KEY, O311, parseXml, postForm } from './open311-support.ts';

/**
 * #18: a category an admin adds to the taxonomy (a new version) is live everywhere that reads the taxonomy —
 * Open311 services, intake, the dispatch catalogue and its default unit, risk warnings and the public map —
 * without a deploy; the shipped files are only version 1.
 */
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

const post = (token: string, body: unknown) => t.call('POST', '/api/v1/taxonomy/versions', { token, body });
const current = async () => (await t.call('GET', '/api/v1/taxonomy/versions', { token: tok.admin })).json().items[0] as { version: number; categories: { code: string; zh: string; group: string; groupZh: string; department: string; deadlineHours: number }[] };
const bridge = { code: '0599', zh: '桥梁栏杆破损', en: 'Damaged bridge railing', group: '05', department: 'SZ', deadlineHours: 24, workingTime: false };

describe('a category added in the taxonomy admin API', () => {
  it('is refused when it clashes, sits outside its group, names no unit or a new group without a name; clerks may not add', async () => {
    const { version } = await current();
    expect((await post(tok.clerk, { basedOn: version, additions: [bridge] })).statusCode).toBe(403);
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...bridge, code: '0502' }, 409, 'taxonomy.category_exists'],
      [{ ...bridge, code: '0699' }, 400, 'taxonomy.code_outside_group'],
      [{ ...bridge, department: 'NOPE' }, 400, 'department.unknown'],
      [{ ...bridge, code: '9901', group: '99' }, 400, 'taxonomy.unknown_group'],
    ];
    for (const [addition, status, code] of cases) {
      const res = await post(tok.admin, { basedOn: version, additions: [addition] });
      expect(res.statusCode, JSON.stringify(addition)).toBe(status);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json().code).toBe(code);
    }
    expect((await current()).version).toBe(version);
    expect((await t.call('GET', `${O311}/services/0599.json`)).statusCode).toBe(404);
  });

  it('shows in Open311 services at once, takes requests there, and is dispatched to its unit with its deadline', async () => {
    const before = await current();
    const saved = await post(tok.admin, { basedOn: before.version, note: '新增桥梁栏杆', additions: [bridge, { ...bridge, code: '2001', group: '20', groupZh: '城市桥梁', zh: '桥下积水' }] });
    expect(saved.statusCode, saved.body).toBe(201);
    const now = await current();
    expect(now.version).toBe(before.version + 1);
    expect(now.categories.find((c) => c.code === '0599')).toMatchObject({ zh: '桥梁栏杆破损', group: '05', groupZh: before.categories.find((c) => c.group === '05')!.groupZh, department: 'SZ', deadlineHours: 24 });
    expect(now.categories.find((c) => c.code === '2001')).toMatchObject({ group: '20', groupZh: '城市桥梁' });
    expect((await t.call('GET', '/api/v1/taxonomy', { token: tok.clerk })).json().categories.map((c: { code: string }) => c.code)).toContain('0599');

    const services = (await t.call('GET', `${O311}/services.json`)).json() as { service_code: string; service_name: string; group: string }[];
    expect(services.find((s) => s.service_code === '0599')).toMatchObject({ service_name: '桥梁栏杆破损', group: now.categories.find((c) => c.code === '0599')!.groupZh });
    expect(services.find((s) => s.service_code === '2001')).toMatchObject({ service_name: '桥下积水', group: '城市桥梁' });
    const xml = parseXml((await t.call('GET', `${O311}/services.xml`)).body);
    expect(xml.services.service.some((s: { service_code: string }) => s.service_code === '0599')).toBe(true);
    const definition = await t.call('GET', `${O311}/services/0599.json`);
    expect(definition.statusCode).toBe(200);
    expect(definition.json().service_code).toBe('0599');

    const p = await pointIn(t, '990102');
    const filed = await postForm(t, `${O311}/requests.json`, { api_key: DEMO_KEY, service_code: '0599', lat: String(p.lat), long: String(p.lon), description: '桥上栏杆断了一截，很危险' });
    expect(filed.statusCode, filed.body).toBe(200);
    const code = filed.json()[0].service_request_id as string;
    const request = (await t.call('GET', `${O311}/requests/${code}.json`)).json()[0];
    expect(request).toMatchObject({ service_code: '0599', service_name: '桥梁栏杆破损' });

    // no catalogue row yet: the new category's own unit; a row added for one district wins there
    expect((await t.call('GET', '/api/v1/dispatch/resolve?category=0599', { token: tok.admin })).json()).toMatchObject({ department: 'SZ', source: 'taxonomy' });
    const rule = await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0599', areaCode: '990105', departmentCode: 'GD' } });
    expect(rule.statusCode, rule.body).toBe(201);
    expect((await t.call('GET', '/api/v1/dispatch/resolve?category=0599&area=990105', { token: tok.admin })).json()).toMatchObject({ department: 'GD', source: 'catalogue' });

    await actOk(t, tok.dispatcher, code, 'file');
    const dispatched = await actOk(t, tok.dispatcher, code, 'dispatch');
    expect(dispatched.department.main).toBe('SZ');
    expect(dispatched.deadlines).toMatchObject({ allowedHours: 24 });

    // a clerk can file it from the desk, and re-classify a case into it
    const other = await intake(t, tok.clerk, { category: '0599', text: '桥栏杆松动', lon: p.lon, lat: p.lat });
    expect(other.state).toBe('received');
    const plain = await intake(t, tok.clerk, { category: '0101', text: '桥头有垃圾，栏杆也松了', lon: p.lon, lat: p.lat });
    await actOk(t, tok.dispatcher, plain.code, 'file', { category: '2001' });
    expect((await t.call('GET', `/api/v1/cases/${plain.code}`, { token: tok.dispatcher })).json().category).toEqual({ code: '2001', name: '桥下积水' });
  });

  it('is a case category alarm rules may name (a category nobody added still is not)', async () => {
    const rule = (caseCategory: string) =>
      t.call('POST', '/api/v1/alarm-rules', { token: tok.admin, body: { name: `桥梁水位 ${caseCategory}`, deviceType: 'water_level', alarmType: `bridge_${caseCategory}`, severity: 'minor', caseCategory, condition: { kind: 'threshold', metric: 'level', op: '>', value: 0.5 } } });
    const ok = await rule('0599');
    expect(ok.statusCode, ok.body).toBe(201);
    const unknown = await rule('0597');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('rule.unknown_category');
  });

  it('names its risk warnings and its reports on the public map', async () => {
    const quiet = await pointIn(t, '990106', 20);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await intake(t, tok.clerk, { category: '0599', text: `桥梁栏杆又坏了一处，第${i}处`, lon: quiet.lon, lat: quiet.lat })).code);
    const scan = await t.call('POST', '/api/v1/ops/jobs/risk-scan', { token: tok.admin });
    expect(scan.statusCode, scan.body).toBe(200);
    const warnings = (await t.call('GET', '/api/v1/warnings?pageSize=200&kind=cluster', { token: tok.admin })).json().items as { category?: string; explanation: string; caseCodes: string[] }[];
    const raised = warnings.find((w) => w.category === '0599' && w.caseCodes.some((c) => codes.includes(c)));
    expect(raised?.explanation).toMatch(/^桥梁栏杆破损：/);

    const map = (await t.call('GET', '/api/v1/public/map?category=0599')).json().items as { code: string; category: { code: string; name: string } | null }[];
    expect(map.find((i) => i.code === codes[0])?.category).toEqual({ code: '0599', name: '桥梁栏杆破损' });
  });
});
