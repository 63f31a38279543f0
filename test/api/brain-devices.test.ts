import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { alarmsOf, createDevice, DEMO_DEVICE, postTelemetry } from './brain-support.ts';

let t: TestApp;
let admin: string;
let at: { lon: number; lat: number };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const demo = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
  at = { lon: demo.lon, lat: demo.lat };
});
afterAll(() => t.close());

describe('device registry', () => {
  it('lists the seeded demo fleet paged, with the contract device and several types', async () => {
    const res = await t.call('GET', '/api/v1/devices?pageSize=200', { token: admin });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ page: 1, pageSize: 200 });
    expect(body.total).toBeGreaterThanOrEqual(300);
    const types = await t.call('GET', '/api/v1/devices?type=gas', { token: admin });
    expect(types.json().total).toBeGreaterThan(10);
    expect(types.json().items.every((d: { type: string }) => d.type === 'gas')).toBe(true);
    const demo = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
    expect(demo).toMatchObject({ id: DEMO_DEVICE, type: 'water_level', ownerDepartment: 'SW', protocol: 'mqtt', enabled: true });
    expect(JSON.stringify(demo)).not.toMatch(/hash|area_path/);
  });

  it('registers a device placed in its grid and returns credentials once; the token works, a wrong one is 401', async () => {
    const { device, credentials } = await createDevice(t, admin, { id: 'http-gauge-1', name: '测试水位计', type: 'water_level', ...at, protocol: 'http', ownerDepartment: 'SW' });
    expect(device.gridCode).toMatch(/^[0-9]{15}$/);
    expect(credentials.username).toBe('http-gauge-1');
    expect(credentials.password.length).toBeGreaterThanOrEqual(24);
    const again = await t.call('GET', '/api/v1/devices/http-gauge-1', { token: admin });
    expect(again.body).not.toContain(credentials.password);
    expect(again.body).not.toContain(credentials.token);

    expect((await postTelemetry(t, credentials.token, { values: { level: 0.05 } })).statusCode).toBe(202);
    const wrong = await postTelemetry(t, 'not-the-token', { values: { level: 0.05 } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('device.auth_failed');
    const basic = await t.call('POST', '/api/v1/telemetry', { headers: { 'x-device-authorization': `Basic ${Buffer.from(`http-gauge-1:${credentials.password}`).toString('base64')}` }, body: { values: { level: 0.06 } } });
    expect(basic.statusCode).toBe(202);
    const badBasic = await t.call('POST', '/api/v1/telemetry', { headers: { 'x-device-authorization': `Basic ${Buffer.from('http-gauge-1:nope-nope-nope').toString('base64')}` }, body: { values: { level: 0.06 } } });
    expect(badBasic.statusCode).toBe(401);

    // rotation: the old token stops working at once
    const rotated = await t.call('POST', '/api/v1/devices/http-gauge-1/credentials', { token: admin, body: {} });
    expect(rotated.statusCode).toBe(200);
    expect((await postTelemetry(t, credentials.token, { values: { level: 0.05 } })).statusCode).toBe(401);
    expect((await postTelemetry(t, rotated.json().token, { values: { level: 0.05 } })).statusCode).toBe(202);

    const d = (await t.call('GET', '/api/v1/devices/http-gauge-1', { token: admin })).json();
    expect(d.latest).toEqual({ level: 0.05 });
    expect(d.online).toBe(true);
  });

  it('refuses bad devices: unknown type, outside the city, duplicate id, gridworker without the right', async () => {
    const base = { id: 'bad-1', name: 'x', type: 'water_level', ...at };
    expect((await t.call('POST', '/api/v1/devices', { token: admin, body: { ...base, type: 'toaster' } })).statusCode).toBe(400);
    const outside = await t.call('POST', '/api/v1/devices', { token: admin, body: { ...base, lon: 116.4, lat: 39.9 } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().code).toBe('device.outside_city');
    const dup = await t.call('POST', '/api/v1/devices', { token: admin, body: { ...base, id: DEMO_DEVICE } });
    expect(dup.statusCode).toBe(409);
    expect((await t.call('POST', '/api/v1/devices', { token: await t.login('gridworker'), body: base })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/v1/devices/bad-1', { token: admin })).statusCode).toBe(404);
  });

  it('the east-district dispatcher sees only devices in East district', async () => {
    const east = await t.login('dispatcher.east');
    const res = (await t.call('GET', '/api/v1/devices?pageSize=200', { token: east })).json();
    const all = (await t.call('GET', '/api/v1/devices?pageSize=1', { token: admin })).json();
    expect(res.total).toBeGreaterThan(0);
    expect(res.total).toBeLessThan(all.total);
    expect(res.items.every((d: { gridCode: string }) => d.gridCode.startsWith('990102'))).toBe(true);
  });
});

describe('bulk import', () => {
  it('imports JSON rows all at once and returns each credential once', async () => {
    const devices = Array.from({ length: 50 }, (_, i) => ({ id: `imp-${i}`, name: `导入 ${i}`, type: i % 2 ? 'smoke' : 'gas', ...at }));
    const res = await t.call('POST', '/api/v1/devices/import', { token: admin, body: { devices } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().created).toBe(50);
    expect(res.json().credentials).toHaveLength(50);
    expect((await t.call('GET', '/api/v1/devices?q=imp-&pageSize=100', { token: admin })).json().total).toBe(50);
  });

  it('imports CSV; one bad row means nothing is imported and every bad row is reported', async () => {
    const good = `id,name,type,lon,lat\ncsv-1,烟感1,smoke,${at.lon},${at.lat}\ncsv-2,烟感2,smoke,${at.lon},${at.lat}\n`;
    const bad = `${good}csv-3,坏行,smoke,116.4,39.9\ncsv-4,,smoke,${at.lon},${at.lat}\n`;
    const refused = await t.call('POST', '/api/v1/devices/import', { token: admin, payload: bad, headers: { 'content-type': 'text/csv' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('device.import_rejected');
    expect(refused.json().errors.map((e: { row: number }) => e.row)).toEqual([3, 4]);
    expect((await t.call('GET', '/api/v1/devices?q=csv-&pageSize=10', { token: admin })).json().total).toBe(0);
    const ok = await t.call('POST', '/api/v1/devices/import', { token: admin, payload: good, headers: { 'content-type': 'text/csv' } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().created).toBe(2);
  });
});

describe('HTTP telemetry', () => {
  it('accepts a batch all-or-nothing; a bad reading is 400 problem+json, counted, and nothing is stored', async () => {
    const { credentials } = await createDevice(t, admin, { id: 'batch-1', name: 'b', type: 'gas', ...at, protocol: 'http' });
    const ts = (min: number) => new Date(t.clock.now().getTime() - min * 60_000).toISOString();
    const stats0 = (await t.call('GET', '/api/v1/brain/stats', { token: admin })).json();
    const bad = await postTelemetry(t, credentials.token, { readings: [{ ts: ts(3), values: { lel: 1 } }, { ts: ts(2), values: { lel: 150 } }, { values: { lel: 'x' } }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.json().errors.map((e: { index: number; reason: string }) => [e.index, e.reason])).toEqual([[1, 'out_of_range'], [2, 'bad_value']]);
    const stats1 = (await t.call('GET', '/api/v1/brain/stats', { token: admin })).json();
    expect(stats1.rejected - stats0.rejected).toBe(2);
    expect((await t.call('GET', '/api/v1/devices/batch-1/readings', { token: admin })).json().points).toEqual([]);

    const good = await postTelemetry(t, credentials.token, { readings: [{ ts: ts(3), values: { lel: 1 } }, { ts: ts(2), values: { lel: 2, battery: 80 } }, { ts: ts(1), values: { lel: 3 } }] });
    expect(good.statusCode).toBe(202);
    expect(good.json()).toEqual({ accepted: 3 });
    const history = (await t.call('GET', '/api/v1/devices/batch-1/readings?metric=lel', { token: admin })).json();
    expect(history.points.map((p: { value: number }) => p.value)).toEqual([3, 2, 1]);
    const dev = (await t.call('GET', '/api/v1/devices/batch-1', { token: admin })).json();
    expect(dev.latest.lel).toBe(3);
    expect((await alarmsOf(t, admin, 'batch-1')).total).toBe(0);

    expect((await postTelemetry(t, credentials.token, { values: { lel: 5 }, ts: new Date(t.clock.now().getTime() + 3_600_000).toISOString() })).json().code).toBe('telemetry.bad_timestamp');
    const notObject = await t.call('POST', '/api/v1/telemetry', { headers: { 'x-device-token': credentials.token, 'content-type': 'application/json' }, payload: '"nonsense"' });
    expect(notObject.statusCode).toBe(400);
  });

  it('rolls finished 5-minute buckets up for charts', async () => {
    const { credentials } = await createDevice(t, admin, { id: 'roll-1', name: 'r', type: 'noise', ...at, protocol: 'http' });
    const start = t.clock.now().getTime();
    const readings = Array.from({ length: 12 }, (_, i) => ({ ts: new Date(start - 3 * 3_600_000 + i * 60_000).toISOString(), values: { db: 40 + i } }));
    expect((await postTelemetry(t, credentials.token, { readings })).statusCode).toBe(202);
    await t.call('POST', '/api/v1/brain/sweep', { token: admin });
    const from = new Date(start - 4 * 3_600_000).toISOString();
    const res = (await t.call('GET', `/api/v1/devices/roll-1/readings?res=5m&from=${encodeURIComponent(from)}`, { token: admin })).json();
    const total = res.points.reduce((s: number, p: { n: number }) => s + p.n, 0);
    expect(total).toBe(12);
    expect(Math.min(...res.points.map((p: { min: number }) => p.min))).toBe(40);
    expect(Math.max(...res.points.map((p: { max: number }) => p.max))).toBe(51);
    const hourly = (await t.call('GET', `/api/v1/devices/roll-1/readings?res=1h&from=${encodeURIComponent(from)}`, { token: admin })).json();
    expect(hourly.points.reduce((s: number, p: { n: number }) => s + p.n, 0)).toBe(12);
  });
});
