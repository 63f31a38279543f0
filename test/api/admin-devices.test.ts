import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { alarmsOf, createDevice, DEMO_DEVICE, postTelemetry } from './brain-support.ts';
import { loginAll, pointIn, type Tokens } from './cases-support.ts';

/** Issue #18 admin screens' API: device types in the database, alarm workbench actions, settings, audit, exports. */
let t: TestApp;
let tok: Tokens;
let at: { lon: number; lat: number };

beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
  const demo = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: tok.admin })).json();
  at = { lon: demo.lon, lat: demo.lat };
});
afterAll(() => t.close());

const csvRows = (body: Buffer) => parseCsv(body.toString('utf8'), { bom: true }) as string[][];
const auditOf = async (action: string, targetId?: string) =>
  (await t.call('GET', `/api/v1/audit?action=${action}${targetId ? `&targetId=${encodeURIComponent(targetId)}` : ''}`, { token: tok.admin })).json<{ total: number; items: { actor: string; detail: Record<string, unknown> }[] }>();
const types = async () => (await t.call('GET', '/api/v1/device-types', { token: tok.admin })).json<{ code: string; metrics: Record<string, { min: number; max: number }> }[]>();

const soil = { code: 'soil_moisture', zh: '土壤墒情', en: 'Soil moisture', intervalS: 600, metrics: { vwc: { unit: '%', min: 0, max: 100 } }, normal: { vwc: [20, 40] } };

describe('device types in the database', () => {
  it('starts from the shipped types, as rows', async () => {
    const codes = (await types()).map((x) => x.code);
    expect(codes).toEqual(expect.arrayContaining(['water_level', 'manhole_cover', 'gas', 'smoke']));
  });

  it('refuses bad definitions with a code and changes nothing; only admins may define types', async () => {
    const before = await types();
    const bad = [
      [{ ...soil, metrics: { vwc: { unit: '%', min: 100, max: 0 } } }, 'device_type.bad_range'],
      [{ ...soil, metrics: { battery: { unit: '%', min: 0, max: 100 } }, normal: {} }, 'device_type.reserved_metric'],
      [{ ...soil, normal: { vwc: [20, 400] } }, 'device_type.bad_normal'],
      [{ ...soil, metrics: {} }, 'request.invalid'],
      [{ ...soil, code: 'Bad Code' }, 'request.invalid'],
    ] as const;
    for (const [body, code] of bad) {
      const res = await t.call('POST', '/api/v1/device-types', { token: tok.admin, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe(code);
    }
    const dispatcher = await t.call('POST', '/api/v1/device-types', { token: tok.dispatcher, body: soil });
    expect(dispatcher.statusCode).toBe(403);
    expect(await types()).toEqual(before);
    expect((await auditOf('device_type.create')).total).toBe(0);
  });

  it('a new type takes devices at once; ingest checks its ranges, and a changed range applies to the next reading', async () => {
    const created = await t.call('POST', '/api/v1/device-types', { token: tok.admin, body: soil });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ code: 'soil_moisture', metrics: { vwc: { unit: '%', min: 0, max: 100 } } });
    expect((await t.call('POST', '/api/v1/device-types', { token: tok.admin, body: soil })).json().code).toBe('device_type.exists');
    const audit = await auditOf('device_type.create', 'soil_moisture');
    expect(audit.total).toBe(1);
    expect(audit.items[0]!.actor).toBe('admin');

    const { credentials } = await createDevice(t, tok.admin, { id: 'soil-1', name: '土壤墒情 1', type: 'soil_moisture', ...at });
    expect((await postTelemetry(t, credentials.token, { values: { vwc: 50 } })).statusCode).toBe(202);
    const high = await postTelemetry(t, credentials.token, { values: { vwc: 150 } });
    expect(high.statusCode).toBe(400);
    expect(high.json().code).toBe('telemetry.out_of_range');
    expect((await postTelemetry(t, credentials.token, { values: { tilt: 1 } })).json().code).toBe('telemetry.unknown_metric');

    const { code: _c, ...rest } = soil;
    const widened = await t.call('PUT', '/api/v1/device-types/soil_moisture', { token: tok.admin, body: { ...rest, metrics: { vwc: { unit: '%', min: 0, max: 200 }, temp: { unit: '°C', min: -40, max: 80 } } } });
    expect(widened.statusCode, widened.body).toBe(200);
    expect((await postTelemetry(t, credentials.token, { values: { vwc: 150, temp: 12 } })).statusCode).toBe(202);
    expect((await auditOf('device_type.update', 'soil_moisture')).items[0]!.detail).toMatchObject({ changedMetrics: ['vwc', 'temp'] });
    // a rule may now watch the new metric; the screen's types list shows it
    const rule = await t.call('POST', '/api/v1/alarm-rules', { token: tok.admin, body: { name: '土壤过湿', deviceType: 'soil_moisture', alarmType: 'soil_wet', severity: 'minor', condition: { kind: 'threshold', metric: 'temp', op: '>', value: 60 } } });
    expect(rule.statusCode, rule.body).toBe(201);

    // removing a watched metric would blind the rule: refused; removing the type is refused while devices use it
    const drop = await t.call('PUT', '/api/v1/device-types/soil_moisture', { token: tok.admin, body: rest });
    expect(drop.statusCode).toBe(409);
    expect(drop.json().code).toBe('device_type.metric_in_use');
    expect((await types()).find((x) => x.code === 'soil_moisture')!.metrics.temp).toBeDefined();
    const del = await t.call('DELETE', '/api/v1/device-types/soil_moisture', { token: tok.admin });
    expect(del.statusCode).toBe(409);
    expect(del.json().code).toBe('device_type.in_use');
    // a rule for an unknown type is refused by the rules service (the type list is data now)
    const unknown = await t.call('POST', '/api/v1/alarm-rules', { token: tok.admin, body: { name: 'x', deviceType: 'no_such_type', alarmType: 'x_y', severity: 'minor', condition: { kind: 'nodata', minutes: 5 } } });
    expect(unknown.json().code).toBe('rule.unknown_device_type');
  });

  it('removes an unused type, audited', async () => {
    const body = { ...soil, code: 'spare_type', metrics: { x: { unit: '', min: 0, max: 1 } }, normal: {} };
    expect((await t.call('POST', '/api/v1/device-types', { token: tok.admin, body })).statusCode).toBe(201);
    expect((await t.call('DELETE', '/api/v1/device-types/spare_type', { token: tok.dispatcher })).statusCode).toBe(403);
    expect((await t.call('DELETE', '/api/v1/device-types/spare_type', { token: tok.admin })).statusCode).toBe(204);
    expect((await types()).some((x) => x.code === 'spare_type')).toBe(false);
    expect((await auditOf('device_type.delete', 'spare_type')).total).toBe(1);
  });
});

describe('device import and export', () => {
  async function workbook(rows: (string | number)[][]) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('devices');
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

  it('imports XLSX all or nothing; every bad row is reported with its error code', async () => {
    const header = ['id', 'name', 'type', 'lon', 'lat'];
    const bad = await workbook([header, ['xl-1', '一号', 'gas', at.lon, at.lat], ['xl-2', '二号', 'no_such_type', at.lon, at.lat], ['xl-3', '三号', 'gas', 0, 0], [DEMO_DEVICE, '重复', 'gas', at.lon, at.lat]]);
    const refused = await t.call('POST', '/api/v1/devices/import', { token: tok.admin, headers: { 'content-type': xlsx }, payload: bad });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([[2, 'device.unknown_type'], [3, 'device.outside_city'], [4, 'device.exists']]);
    expect((await t.call('GET', '/api/v1/devices/xl-1', { token: tok.admin })).statusCode).toBe(404);

    const good = await workbook([header, ['xl-1', '一号', 'gas', at.lon, at.lat], ['xl-2', '二号', 'smoke', at.lon, at.lat]]);
    const ok = await t.call('POST', '/api/v1/devices/import', { token: tok.admin, headers: { 'content-type': xlsx }, payload: good });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().created).toBe(2);
    expect((await t.call('POST', '/api/v1/devices/import', { token: tok.dispatcher, headers: { 'content-type': xlsx }, payload: good })).statusCode).toBe(403);
  });

  it('exports the filtered device list as CSV with the list\'s rows, never a secret', async () => {
    const list = (await t.call('GET', '/api/v1/devices?type=gas&pageSize=200', { token: tok.admin })).json();
    const res = await t.call('GET', '/api/v1/devices?type=gas&format=csv', { token: tok.admin });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('devices.csv');
    const [header, ...rows] = csvRows(res.rawPayload);
    expect(header![0]).toBe('设备编号');
    expect(rows.length).toBe(list.total);
    expect(new Set(rows.map((r) => r[2]))).toEqual(new Set(['gas']));
    expect(res.body).not.toMatch(/sha256|argon2/);
    // the east dispatcher's export holds only East district's devices, like the screen
    const east = csvRows((await t.call('GET', '/api/v1/devices?format=csv', { token: tok.east })).rawPayload).slice(1);
    const eastList = (await t.call('GET', '/api/v1/devices?pageSize=1', { token: tok.east })).json();
    expect(east.length).toBe(eastList.total);
    expect(east.every((r) => r[3]!.startsWith('990102'))).toBe(true);
  });
});

describe('alarm workbench', () => {
  it('with automatic cases off, a dispatcher opens the case from the alarm; filters by area; exports', async () => {
    // settings: a bad value is 400 and changes nothing; a dispatcher may not; the change is audited
    expect((await t.call('PUT', '/api/v1/settings/brain.auto_case', { token: tok.admin, body: { value: 'no' } })).json().code).toBe('settings.bad_value');
    expect((await t.call('PUT', '/api/v1/settings/brain.auto_case', { token: tok.dispatcher, body: { value: false } })).statusCode).toBe(403);
    const listed = (await t.call('GET', '/api/v1/settings', { token: tok.admin })).json<{ key: string; value: unknown; editable: boolean }[]>();
    expect(listed.find((s) => s.key === 'brain.auto_case')).toMatchObject({ value: true, editable: true });
    expect(listed.find((s) => s.key === 'mode')).toMatchObject({ value: 'demo', editable: false });
    expect((await t.call('PUT', '/api/v1/settings/mode', { token: tok.admin, body: { value: 'production' } })).statusCode).toBe(400);
    const off = await t.call('PUT', '/api/v1/settings/brain.auto_case', { token: tok.admin, body: { value: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect((await auditOf('settings.update', 'brain.auto_case')).items[0]!.detail).toMatchObject({ from: null, to: false });

    const east = await pointIn(t, '990102', 2);
    const { credentials } = await createDevice(t, tok.admin, { id: 'wb-gauge-1', name: '工作台水位计', type: 'water_level', lon: east.lon, lat: east.lat });
    expect((await postTelemetry(t, credentials.token, { values: { level: 0.5 } })).statusCode).toBe(202);
    await t.call('POST', '/api/v1/brain/sweep', { token: tok.admin });
    const [alarm] = (await alarmsOf(t, tok.admin, 'wb-gauge-1')).items;
    expect(alarm).toMatchObject({ type: 'water_level_high', status: 'active', case: { link: 'none', code: null } });

    // area filter: inside East district, not in West
    const inEast = (await t.call('GET', '/api/v1/alarms?area=990102&type=water_level_high&pageSize=100', { token: tok.admin })).json();
    expect(inEast.items.map((a: { id: string }) => a.id)).toContain(alarm!.id);
    const inWest = (await t.call('GET', '/api/v1/alarms?area=990105&pageSize=100', { token: tok.admin })).json();
    expect(inWest.items.map((a: { id: string }) => a.id)).not.toContain(alarm!.id);

    // a gridworker may not; a bad body is 400 and leaves the alarm as it was
    expect((await t.call('POST', `/api/v1/alarms/${alarm!.id}/case`, { token: tok.gridworker, body: {} })).statusCode).toBe(403);
    const both = await t.call('POST', `/api/v1/alarms/${alarm!.id}/case`, { token: tok.dispatcher, body: { caseCode: '2026000000000', category: '0705' } });
    expect(both.statusCode).toBe(400);
    expect((await t.call('GET', `/api/v1/alarms/${alarm!.id}`, { token: tok.admin })).json().case.link).toBe('none');

    const opened = await t.call('POST', `/api/v1/alarms/${alarm!.id}/case`, { token: tok.dispatcher, body: {} });
    expect(opened.statusCode, opened.body).toBe(200);
    const code = opened.json().case.code as string;
    expect(code).toMatch(/^[0-9]{13}$/);
    const kase = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();
    expect(kase.category.code).toBe('0705');
    expect((await t.call('POST', `/api/v1/alarms/${alarm!.id}/case`, { token: tok.dispatcher, body: {} })).json().code).toBe('alarm.already_linked');
    expect((await auditOf('alarm.case_link', alarm!.id)).items[0]).toMatchObject({ actor: 'dispatcher', detail: { case: code, link: 'opened' } });

    // acknowledge from the workbench
    const ack = await t.call('POST', `/api/v1/alarms/${alarm!.id}/acknowledge`, { token: tok.dispatcher, body: {} });
    expect(ack.json().status).toBe('acknowledged');

    // export: the filtered rows, as listed
    const res = await t.call('GET', '/api/v1/alarms?area=990102&format=csv', { token: tok.admin, headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = csvRows(res.rawPayload);
    expect(header![0]).toBe('Alarm id');
    const total = (await t.call('GET', '/api/v1/alarms?area=990102&pageSize=1', { token: tok.admin })).json().total;
    expect(rows.length).toBe(total);
    const mine = rows.find((r) => r[0] === alarm!.id)!;
    expect(mine[header!.indexOf('Case')]).toBe(code);
    expect(mine[header!.indexOf('Acknowledged by')]).toBe('dispatcher');
    const x = await t.call('GET', '/api/v1/alarms?format=xlsx', { token: tok.admin });
    expect(x.headers['content-type']).toContain('spreadsheetml');

    await t.call('PUT', '/api/v1/settings/brain.auto_case', { token: tok.admin, body: { value: true } });
  });

  it('links an alarm to an open case the dispatcher can see; a closed or unknown case is refused', async () => {
    const p = await pointIn(t, '990102', 3);
    const { credentials } = await createDevice(t, tok.admin, { id: 'wb-gas-1', name: '燃气探头', type: 'gas', lon: p.lon, lat: p.lat });
    await t.call('PUT', '/api/v1/settings/brain.auto_case', { token: tok.admin, body: { value: false } });
    expect((await postTelemetry(t, credentials.token, { values: { lel: 40 } })).statusCode).toBe(202);
    await t.call('POST', '/api/v1/brain/sweep', { token: tok.admin });
    await t.call('PUT', '/api/v1/settings/brain.auto_case', { token: tok.admin, body: { value: true } });
    const [alarm] = (await alarmsOf(t, tok.admin, 'wb-gas-1')).items;
    const missing = await t.call('POST', `/api/v1/alarms/${alarm!.id}/case`, { token: tok.dispatcher, body: { caseCode: '2099010100001' } });
    expect(missing.statusCode).toBe(404);
    const c = await t.call('POST', '/api/v1/cases', { token: tok.clerk, body: { channel: 'hotline', text: '小区闻到燃气味', lon: p.lon, lat: p.lat, category: '0702' } });
    expect(c.statusCode, c.body).toBe(201);
    const caseCode = c.json().code as string;
    const linked = await t.call('POST', `/api/v1/alarms/${alarm!.id}/case`, { token: tok.dispatcher, body: { caseCode } });
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().case).toMatchObject({ link: 'linked', code: caseCode });
    const timeline = JSON.stringify((await t.call('GET', `/api/v1/cases/${caseCode}`, { token: tok.dispatcher })).json());
    expect(timeline).toContain('alarm_linked');
  });
});

describe('audit trail view', () => {
  it('filters by actor, action, object and time, pages, exports; leaders read it, dispatchers do not', async () => {
    const all = (await t.call('GET', '/api/v1/audit?actor=admin&action=device.create&pageSize=2', { token: tok.leader })).json();
    expect(all.total).toBeGreaterThanOrEqual(2);
    expect(all.items).toHaveLength(2);
    expect(all.items.every((e: { actor: string; action: string }) => e.actor === 'admin' && e.action === 'device.create')).toBe(true);
    const page2 = (await t.call('GET', '/api/v1/audit?actor=admin&action=device.create&pageSize=2&page=2', { token: tok.leader })).json();
    expect(page2.items[0]?.seq).not.toBe(all.items[0].seq);
    const future = (await t.call('GET', `/api/v1/audit?from=${encodeURIComponent(new Date(t.clock.now().getTime() + 3_600_000).toISOString())}`, { token: tok.admin })).json();
    expect(future.total).toBe(0);
    const window = (await t.call('GET', `/api/v1/audit?action=device.create&to=${encodeURIComponent(new Date(t.clock.now().getTime() + 1).toISOString())}`, { token: tok.admin })).json();
    expect(window.total).toBe(all.total);
    expect((await t.call('GET', '/api/v1/audit?from=yesterday', { token: tok.admin })).statusCode).toBe(400);
    expect((await t.call('GET', '/api/v1/audit', { token: tok.dispatcher })).statusCode).toBe(403);

    const res = await t.call('GET', '/api/v1/audit?action=device.create&format=csv', { token: tok.admin });
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = csvRows(res.rawPayload);
    expect(header).toContain('操作');
    expect(rows.length).toBe(all.total);
    expect((await t.call('GET', '/api/v1/audit?format=csv', { token: tok.dispatcher })).statusCode).toBe(403);
  });
});

describe('dispute register export', () => {
  it('?format=csv and export.xlsx follow the shared export, in the viewer\'s scope', async () => {
    const list = (await t.call('GET', '/api/v1/disputes?pageSize=200', { token: tok.dispatcher })).json();
    const res = await t.call('GET', '/api/v1/disputes?format=csv', { token: tok.dispatcher });
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = csvRows(res.rawPayload);
    expect(header!.slice(0, 4)).toEqual(['案件编号', '登记时间', '所属区域', '纠纷类型']);
    expect(rows.length).toBe(list.total);
    const x = await t.call('GET', '/api/v1/disputes/export.xlsx', { token: tok.dispatcher });
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.rowCount).toBe(list.total + 1);
    expect((await t.call('GET', '/api/v1/disputes?format=csv', { token: tok.handler })).statusCode).toBe(403);
  });
});
