import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { caseCount, DEMO_KEY, expectOpen311Error, gridPoint, O311, parseXml, postForm } from './open311-support.ts';

let t: TestApp;
let dispatcher: string;
let point: { lon: number; lat: number };
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  dispatcher = await t.login('dispatcher');
  point = await gridPoint(t);
});
afterAll(() => t.close());

const taxonomy = loadTaxonomy();
const reporter = { first_name: '四', last_name: '李', email: 'lisi@example.com', phone: '13912345678' };
const PII = ['李四', '13912345678', 'lisi@example.com', '11010519491231002X'];

describe('Open311 discovery and services', () => {
  it('discovery names the endpoint and both formats', async () => {
    const json = await t.call('GET', `${O311}/discovery.json`);
    expect(json.statusCode).toBe(200);
    const doc = json.json();
    expect(doc.endpoints[0]).toMatchObject({ specification: 'http://wiki.open311.org/GeoReport_v2', type: 'production', formats: ['application/json', 'text/xml'] });
    expect(doc.endpoints[0].url).toMatch(/\/open311\/v2\/$/);
    const xml = await t.call('GET', `${O311}/discovery.xml`);
    expect(xml.headers['content-type']).toMatch(/text\/xml/);
    expect(parseXml(xml.body).discovery.endpoints.endpoint[0].formats.format).toEqual(['application/json', 'text/xml']);
  });

  it('lists the taxonomy leaves as services, in JSON and XML', async () => {
    const res = await t.call('GET', `${O311}/services.json`);
    expect(res.statusCode).toBe(200);
    const services = res.json() as Record<string, unknown>[];
    expect(services).toHaveLength(taxonomy.categories.length);
    expect(services.find((s) => s.service_code === '0101')).toEqual({
      service_code: '0101',
      service_name: '暴露垃圾',
      description: expect.stringContaining('Exposed or piled-up rubbish'),
      metadata: true,
      type: 'realtime',
      keywords: expect.stringContaining('市容环境'),
      group: '市容环境',
    });
    const xml = parseXml((await t.call('GET', `${O311}/services.xml`)).body);
    expect(xml.services.service).toHaveLength(services.length);
    expect(xml.services.service[0]).toMatchObject({ service_code: services[0]!.service_code, service_name: services[0]!.service_name, metadata: 'true', type: 'realtime' });
  });

  it('a service definition carries attributes shaped from the category', async () => {
    const urgent = (await t.call('GET', `${O311}/services/0502.json`)).json();
    expect(urgent.service_code).toBe('0502');
    const byCode = Object.fromEntries(urgent.attributes.map((a: { code: string }) => [a.code, a]));
    expect(byCode.severity).toMatchObject({ variable: true, datatype: 'singlevaluelist', required: true, order: 1, values: [{ key: '1', name: expect.any(String) }, { key: '2', name: expect.any(String) }, { key: '3', name: expect.any(String) }] });
    expect(byCode.location_detail).toMatchObject({ datatype: 'text', required: false });
    expect(byCode.danger_to_people).toMatchObject({ datatype: 'singlevaluelist', required: true });
    // an ordinary category asks no safety question; a night-noise one asks when
    const plain = (await t.call('GET', `${O311}/services/0101.json`)).json();
    expect(plain.attributes.map((a: { code: string }) => a.code)).toEqual(['severity', 'location_detail']);
    expect(plain.attributes[0].required).toBe(false);
    const noise = (await t.call('GET', `${O311}/services/0301.json`)).json();
    expect(noise.attributes.find((a: { code: string }) => a.code === 'observed_at')).toMatchObject({ datatype: 'datetime' });

    const xml = parseXml((await t.call('GET', `${O311}/services/0502.xml`)).body);
    const attrs = xml.service_definition.attributes.attribute;
    expect(xml.service_definition.service_code).toBe('0502');
    expect(attrs.map((a: { code: string }) => a.code)).toEqual(['severity', 'location_detail', 'danger_to_people']);
    expect(attrs[0].values.value.map((v: { key: string }) => v.key)).toEqual(['1', '2', '3']);
  });

  it('unknown services, formats and resources answer Open311 errors, not problem+json', async () => {
    expect(await expectOpen311Error(await t.call('GET', `${O311}/services/9999.json`), 404)).toContain('9999');
    await expectOpen311Error(await t.call('GET', `${O311}/services/9999.xml`), 404, 'xml');
    await expectOpen311Error(await t.call('GET', `${O311}/services.csv`), 404);
    await expectOpen311Error(await t.call('GET', `${O311}/nothing-here.xml`), 404, 'xml');
    await expectOpen311Error(await t.call('POST', `${O311}/nothing-here.json`, { body: {} }), 404);
    await expectOpen311Error(await t.call('GET', `${O311}/requests/x.json`), 404);
    await expectOpen311Error(await t.call('GET', `${O311}/bogus/123.xml`), 404, 'xml');
  });
});

describe('POST requests', () => {
  const valid = () => ({ api_key: DEMO_KEY, service_code: '0503', lat: String(point.lat), long: String(point.lon), description: '路面有个大坑，电动车差点摔倒', ...reporter });

  it('is refused 403 without a key or with a wrong one, 404 for an unknown service, 400 for bad input — and nothing is filed', async () => {
    const before = await caseCount(t, dispatcher);
    const { api_key: _key, ...noKey } = valid();
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, noKey), 403);
    await expectOpen311Error(await postForm(t, `${O311}/requests.xml`, { ...valid(), api_key: 'not-a-key' }), 403, 'xml');
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), service_code: '9999' }), 404);
    const { lat: _lat, long: _long, ...noPlace } = valid();
    expect(await expectOpen311Error(await postForm(t, `${O311}/requests.json`, noPlace), 400)).toMatch(/location/);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...noPlace, lat: String(point.lat) }), 400);
    expect(await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), description: '坑'.repeat(4001) }), 400)).toMatch(/4000/);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), lat: '91' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), 'attribute[severity]': '9' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), 'attribute[colour]': 'red' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), service_code: '0502' }), 400); // danger_to_people is required
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), media_url: 'javascript:alert(1)' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), email: 'not-an-email' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), phone: '12345' }), 400);
    // a point outside every grid, with no address to fall back on
    await expectOpen311Error(await postForm(t, `${O311}/requests.json`, { ...valid(), lat: '0', long: '0' }), 400);
    expect(await caseCount(t, dispatcher)).toBe(before);
  });

  it('files a case through the one front door and reads it back by id, in JSON and XML, without PII', async () => {
    const res = await postForm(t, `${O311}/requests.json`, {
      ...valid(),
      description: '幸福路上路面塌了个大坑，我是李四，电话13912345678，请尽快修',
      'attribute[severity]': '3',
      'attribute[location_detail]': '公交站对面',
      media_url: 'https://photos.example.org/pothole.jpg',
    });
    // GeoReport v2: 200 (not 201), and service_request_id *or* token: the id is known at once, so no token
    expect(res.statusCode, res.body).toBe(200);
    const [created] = res.json();
    expect(created).toEqual({ service_request_id: expect.stringMatching(/^\d{13}$/), service_notice: expect.stringContaining('72'), account_id: null });
    const code = created.service_request_id as string;

    // staff see an ordinary case on the open311 channel, with the reporter's contacts kept (encrypted)
    const staff = (await t.call('GET', `/api/v1/cases/${code}`, { token: dispatcher })).json();
    expect(staff).toMatchObject({ code, channel: 'open311', state: 'received', category: expect.objectContaining({ code: '0503' }) });
    expect(JSON.stringify(staff)).toContain('公交站对面');

    const one = await t.call('GET', `${O311}/requests/${code}.json`);
    expect(one.statusCode).toBe(200);
    const [req] = one.json();
    expect(req).toMatchObject({
      service_request_id: code,
      status: 'open',
      service_code: '0503',
      service_name: '道路破损',
      agency_responsible: null,
      expected_datetime: null,
      media_url: 'https://photos.example.org/pothole.jpg',
      lat: Math.round(point.lat * 1000) / 1000,
      long: Math.round(point.lon * 1000) / 1000,
      requested_datetime: '2026-11-23T09:00:00+08:00',
      updated_datetime: '2026-11-23T09:00:00+08:00',
    });
    expect(req.description).toContain('[电话已隐去]');
    expect(req.status_notes).toBeTruthy();
    for (const key of ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'lat', 'long', 'media_url']) {
      expect(req).toHaveProperty(key);
    }
    const xml = await t.call('GET', `${O311}/requests/${code}.xml`);
    const parsed = parseXml(xml.body).service_requests.request;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({ service_request_id: code, status: 'open', service_code: '0503', lat: String(req.lat) });
    for (const body of [one.body, xml.body]) for (const leaked of PII) expect(body).not.toContain(leaked);

    // the token row committed with the case; the token route answers the same id
    const stored = (await sql<{ token: string }>`select r.token from open311_requests r join cases c on c.id = r.case_id where c.code = ${code}`.execute(t.deps.db)).rows[0]!.token;
    const token = await t.call('GET', `${O311}/tokens/${stored}.json`);
    expect(token.json()).toEqual([{ service_request_id: code, token: stored }]);
    expect(parseXml((await t.call('GET', `${O311}/tokens/${stored}.xml`)).body).service_requests.request[0].service_request_id).toBe(code);
    await expectOpen311Error(await t.call('GET', `${O311}/tokens/00000000-0000-0000-0000-000000000000.json`), 404);
    await expectOpen311Error(await t.call('GET', `${O311}/requests/2099010100001.xml`), 404, 'xml');
  });

  it('accepts an address instead of a point (JSON body) and shows it without the flat number', async () => {
    const res = await t.call('POST', `${O311}/requests.json`, {
      body: { api_key: DEMO_KEY, service_code: '0101', address_string: '幸福路88号3单元502室', description: '楼下垃圾堆了三天', attribute: { severity: '2' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    const code = res.json()[0].service_request_id;
    const [req] = (await t.call('GET', `${O311}/requests/${code}.json`)).json();
    expect(req).toMatchObject({ address: '幸福路88号', lat: null, long: null, service_code: '0101' });
  });

  it('after dispatch shows the responsible department and the handling deadline', async () => {
    const code = (await postForm(t, `${O311}/requests.json`, { ...valid(), description: '人行道井盖旁路面开裂' })).json()[0].service_request_id;
    const act = (action: string) => t.call('POST', `/api/v1/cases/${code}/actions`, { token: dispatcher, body: { action } });
    expect((await act('file')).statusCode).toBe(200);
    const dispatched = await act('dispatch');
    expect(dispatched.statusCode, dispatched.body).toBe(200);
    const due = new Date(dispatched.json().deadlines.dueAt);
    const [req] = (await t.call('GET', `${O311}/requests/${code}.json`)).json();
    expect(req.agency_responsible).toBe('市政设施管理处');
    expect(new Date(req.expected_datetime).getTime()).toBe(due.getTime());
    expect(req.expected_datetime).toMatch(/\+08:00$/);
    expect(req.status).toBe('open');
  });
});

describe('GET requests', () => {
  let codes: string[];
  beforeAll(async () => {
    codes = [];
    for (const [service, text] of [['0501', '路灯不亮'], ['0106', '垃圾桶满了']] as const) {
      const res = await postForm(t, `${O311}/requests.json`, { api_key: DEMO_KEY, service_code: service, lat: String(point.lat), long: String(point.lon), description: text, ...reporter });
      codes.push(res.json()[0].service_request_id);
    }
    // a private matter (邻里纠纷) is accepted but never listed, and shows no text or place even by id
    const dispute = await postForm(t, `${O311}/requests.json`, { api_key: DEMO_KEY, service_code: '1501', lat: String(point.lat), long: String(point.lon), description: '楼上邻居每天半夜吵架', ...reporter });
    codes.push(dispute.json()[0].service_request_id);
  });

  it('filters by service, status and a date window, pages, and speaks XML', async () => {
    const all = await t.call('GET', `${O311}/requests.json?start_date=2026-11-22T00:00:00%2B08:00&end_date=2026-11-24T00:00:00%2B08:00&page_size=200`);
    expect(all.statusCode).toBe(200);
    const listed = all.json().map((r: { service_request_id: string }) => r.service_request_id);
    expect(listed).toEqual(expect.arrayContaining(codes.slice(0, 2)));
    expect(listed).not.toContain(codes[2]);
    expect(Number(all.headers['x-total-count'])).toBe(listed.length);

    const lights = (await t.call('GET', `${O311}/requests.json?service_code=0501`)).json();
    expect(lights.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([codes[0]]);
    expect((await t.call('GET', `${O311}/requests.json?status=closed&service_code=0501`)).json()).toEqual([]);
    expect((await t.call('GET', `${O311}/requests.json?status=OPEN&service_code=0501`)).json()).toHaveLength(1);
    // a window that ends before the requests were made holds none of them
    expect((await t.call('GET', `${O311}/requests.json?end_date=2026-11-01`)).json()).toEqual([]);

    const page1 = await t.call('GET', `${O311}/requests.json?page_size=1`);
    const page2 = await t.call('GET', `${O311}/requests.json?page_size=1&page=2`);
    expect(page1.json()).toHaveLength(1);
    expect(page2.json()).toHaveLength(1);
    expect(page1.json()[0].service_request_id).not.toBe(page2.json()[0].service_request_id);

    const xml = parseXml((await t.call('GET', `${O311}/requests.xml?service_code=0106`)).body);
    expect(xml.service_requests.request.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([codes[1]]);
    // an empty optional parameter counts as absent
    expect((await t.call('GET', `${O311}/requests.json?service_code=&status=`)).statusCode).toBe(200);
  });

  it('service_request_id (a comma list) overrides the other filters; private matters show status only', async () => {
    const res = await t.call('GET', `${O311}/requests.json?service_request_id=${codes.join(',')}&service_code=0106`);
    const rows = res.json() as Record<string, unknown>[];
    expect(rows.map((r) => r.service_request_id).sort()).toEqual([...codes].sort());
    const privateOne = rows.find((r) => r.service_request_id === codes[2])!;
    expect(privateOne).toMatchObject({ status: 'open', service_code: '1501', description: null, address: null, lat: null, long: null, media_url: null });
    expect(res.body).not.toContain('半夜吵架');
  });

  it('refuses a window over 90 days, reversed dates and unknown statuses with 400', async () => {
    expect(await expectOpen311Error(await t.call('GET', `${O311}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`), 400)).toMatch(/90 days/);
    await expectOpen311Error(await t.call('GET', `${O311}/requests.xml?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z`), 400, 'xml');
    expect((await t.call('GET', `${O311}/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-03-31T00:00:00Z`)).statusCode).toBe(200);
    await expectOpen311Error(await t.call('GET', `${O311}/requests.json?start_date=2026-11-24&end_date=2026-11-20`), 400);
    await expectOpen311Error(await t.call('GET', `${O311}/requests.json?status=pending`), 400);
    await expectOpen311Error(await t.call('GET', `${O311}/requests.json?start_date=yesterday`), 400);
    await expectOpen311Error(await t.call('GET', `${O311}/requests.json?page_size=0`), 400);
    await expectOpen311Error(await t.call('GET', `${O311}/requests.json?service_code=9999`), 404);
  });

  it('no list or lookup output carries a reporter name, phone or e-mail', async () => {
    const bodies = [
      (await t.call('GET', `${O311}/requests.json?page_size=200`)).body,
      (await t.call('GET', `${O311}/requests.xml?page_size=200`)).body,
      (await t.call('GET', `${O311}/requests.json?service_request_id=${codes.join(',')}`)).body,
      (await t.call('GET', `${O311}/servicerequestupdates.json?page_size=200`)).body,
      (await t.call('GET', `${O311}/servicerequestupdates.xml?page_size=200`)).body,
    ];
    for (const body of bodies) for (const leaked of PII) expect(body).not.toContain(leaked);
  });
});
