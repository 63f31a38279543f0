import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { alarmsOf, createDevice, DEMO_DEVICE, eventually, postTelemetry } from './brain-support.ts';

let t: TestApp;
let admin: string;
let dispatcher: string;
let at: { lon: number; lat: number };
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  dispatcher = await t.login('dispatcher');
  const demo = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
  at = { lon: demo.lon, lat: demo.lat };
});
afterAll(() => t.close());

/** A fresh HTTP device of a type at the demo gauge's spot; returns its id and a sender. */
async function device(type: string) {
  const id = `t-${type.replace(/_/g, '-')}-${++n}`;
  const { credentials } = await createDevice(t, admin, { id, name: `test ${type}`, type, ...at, protocol: 'http' });
  const send = async (values: Record<string, number>) => {
    const res = await postTelemetry(t, credentials.token, { values });
    expect(res.statusCode, res.body).toBe(202);
  };
  return { id, send };
}

const minutes = (m: number) => t.clock.advance(m * 60_000);
const sweep = async () => {
  const res = await t.call('POST', '/api/v1/brain/sweep', { token: admin });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
async function rule(body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/v1/alarm-rules', { token: admin, body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>();
}

describe('threshold with hysteresis (water level: raise above 0.3 m, clear at 0.2 m or below)', () => {
  it('raises once, stays up inside the band, clears below it, and raises a new alarm on the next crossing', async () => {
    const d = await device('water_level');
    await d.send({ level: 0.29 });
    expect((await alarmsOf(t, dispatcher, d.id)).total).toBe(0);
    await d.send({ level: 0.31 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).items.map((a) => a.type)).toEqual(['water_level_high']);
    await d.send({ level: 0.25 }); // inside the band: still alarming, counted as a repeat
    await d.send({ level: 0.35 });
    const up = (await alarmsOf(t, dispatcher, d.id, 'active')).items;
    expect(up).toHaveLength(1);
    expect(up[0]!.count).toBe(3);
    await d.send({ level: 0.2 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).total).toBe(0);
    expect((await alarmsOf(t, dispatcher, d.id, 'cleared')).total).toBe(1);
    await d.send({ level: 0.4 });
    const all = await alarmsOf(t, dispatcher, d.id);
    expect(all.total).toBe(2);
    expect(all.items.filter((a) => a.status === 'active')).toHaveLength(1);
  });

  it('a second alarm at the same place links to the open case instead of opening another (dedupe)', async () => {
    const first = await device('water_level');
    const second = await device('water_level');
    await first.send({ level: 0.5 });
    const a1 = await eventually(async () => (await alarmsOf(t, dispatcher, first.id, 'active')).items.find((a) => a.case.code), 'the first case');
    await second.send({ level: 0.6 });
    const a2 = await eventually(async () => (await alarmsOf(t, dispatcher, second.id, 'active')).items.find((a) => a.case.code), 'the link');
    expect(a1.case.link).toMatch(/opened|linked/);
    expect(a2.case.link).toBe('linked');
    expect(a2.case.code).toBe(a1.case.code);
  });
});

describe('duration, rate of change, no data and combined conditions', () => {
  it('duration: "above 100 for 10 minutes" raises only once the condition has held 10 minutes', async () => {
    const d = await device('air_quality');
    await rule({ name: 'PM2.5 > 100 for 10 min', deviceId: d.id, alarmType: 'air_pm25_high', severity: 'minor', condition: { kind: 'threshold', metric: 'pm25', op: '>', value: 100 }, durationS: 600 });
    await d.send({ pm25: 120 });
    minutes(5);
    await d.send({ pm25: 130 });
    expect((await alarmsOf(t, dispatcher, d.id)).total).toBe(0);
    minutes(5);
    await d.send({ pm25: 125 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).items.map((a) => a.type)).toEqual(['air_pm25_high']);

    // a dip below resets the timer
    const e = await device('air_quality');
    await rule({ name: 'PM2.5 > 100 for 10 min (e)', deviceId: e.id, alarmType: 'air_pm25_high', severity: 'minor', condition: { kind: 'threshold', metric: 'pm25', op: '>', value: 100 }, durationS: 600 });
    await e.send({ pm25: 120 });
    minutes(6);
    await e.send({ pm25: 90 });
    minutes(6);
    await e.send({ pm25: 120 });
    expect((await alarmsOf(t, dispatcher, e.id)).total).toBe(0);
    // …and without any new reading, the sweeper notices the duration has passed
    minutes(11);
    await sweep();
    expect((await alarmsOf(t, dispatcher, e.id, 'active')).total).toBe(1);
  });

  it('rate of change: a structure tilting faster than 0.5°/min raises, a steady one clears', async () => {
    const d = await device('structure_tilt');
    await d.send({ tilt: 0.2 });
    minutes(1);
    await d.send({ tilt: 0.5 });
    expect((await alarmsOf(t, dispatcher, d.id)).total).toBe(0);
    minutes(1);
    await d.send({ tilt: 1.7 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).items.map((a) => a.type)).toEqual(['structure_tilt_rate']);
    minutes(1);
    await d.send({ tilt: 1.72 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).total).toBe(0);
  });

  it('no data for 30 minutes raises device_offline from the sweeper; the next reading clears it', async () => {
    const d = await device('water_level');
    await d.send({ level: 0.01 });
    minutes(29);
    await sweep();
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).total).toBe(0);
    minutes(2);
    await sweep();
    const off = (await alarmsOf(t, dispatcher, d.id, 'active')).items;
    expect(off.map((a) => [a.type, a.severity])).toEqual([['device_offline', 'warning']]);
    await d.send({ level: 0.02 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).total).toBe(0);
  });

  it('AND needs every part (remembering the last value of each metric); OR needs one', async () => {
    const d = await device('air_quality');
    await rule({
      name: 'both PM high', deviceId: d.id, alarmType: 'air_both_high', severity: 'major',
      condition: { kind: 'all', conditions: [{ kind: 'threshold', metric: 'pm25', op: '>', value: 100 }, { kind: 'threshold', metric: 'pm10', op: '>', value: 150 }] },
    });
    await d.send({ pm25: 120 });
    expect((await alarmsOf(t, dispatcher, d.id)).total).toBe(0);
    await d.send({ pm10: 200 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).items.map((a) => a.type)).toEqual(['air_both_high']);
    await d.send({ pm25: 50 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).total).toBe(0);

    const m = await device('manhole_cover'); // default rule: tilt > 15 OR open
    await m.send({ tilt: 2, open: 1 });
    expect((await alarmsOf(t, dispatcher, m.id, 'active')).items.map((a) => [a.type, a.severity])).toEqual([['manhole_tilt', 'critical']]);
    await m.send({ tilt: 2, open: 0 });
    expect((await alarmsOf(t, dispatcher, m.id, 'active')).total).toBe(0);
  });

  it('refuses a rule on a metric the device type does not report, or without a target', async () => {
    const bad = await t.call('POST', '/api/v1/alarm-rules', { token: admin, body: { name: 'x', deviceType: 'gas', alarmType: 'x_y', severity: 'minor', condition: { kind: 'threshold', metric: 'level', op: '>', value: 1 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('rule.unknown_metric');
    const none = await t.call('POST', '/api/v1/alarm-rules', { token: admin, body: { name: 'x', alarmType: 'x_y', severity: 'minor', condition: { kind: 'nodata', minutes: 5 } } });
    expect(none.json().code).toBe('rule.bad_target');
    expect((await t.call('POST', '/api/v1/alarm-rules', { token: await t.login('leader'), body: { name: 'x', deviceType: 'gas', alarmType: 'x_y', severity: 'minor', condition: { kind: 'nodata', minutes: 5 } } })).statusCode).toBe(403);
  });
});

describe('alarm lifecycle: acknowledge, clear, escalate', () => {
  it('escalates an unacknowledged alarm one step after its rule time; an acknowledged one stays', async () => {
    const a = await device('water_level');
    const b = await device('water_level');
    await a.send({ level: 0.5 });
    await b.send({ level: 0.5 });
    const [alarmB] = (await alarmsOf(t, dispatcher, b.id, 'active')).items;
    const ack = await t.call('POST', `/api/v1/alarms/${alarmB!.id}/acknowledge`, { token: dispatcher, body: { comment: '已安排排涝' } });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json().status).toBe('acknowledged');
    expect((await t.call('POST', `/api/v1/alarms/${alarmB!.id}/acknowledge`, { token: dispatcher, body: {} })).statusCode).toBe(409);
    minutes(31);
    await sweep();
    // (31 silent minutes also raise device_offline for both; this is about the water level alarm)
    const alarmA = (await alarmsOf(t, dispatcher, a.id, 'active')).items.find((x) => x.type === 'water_level_high');
    expect(alarmA!.severity).toBe('critical');
    expect((await t.call('GET', `/api/v1/alarms/${alarmA!.id}`, { token: dispatcher })).json().escalationLevel).toBe(1);
    expect((await t.call('GET', `/api/v1/alarms/${alarmB!.id}`, { token: dispatcher })).json().severity).toBe('major');
  });

  it('clears by hand with a reason (409 the second time); only alarm managers may; the next alarm-side reading raises anew', async () => {
    const d = await device('gas');
    await d.send({ lel: 40 });
    const [alarm] = (await alarmsOf(t, dispatcher, d.id, 'active')).items;
    expect((await t.call('POST', `/api/v1/alarms/${alarm!.id}/clear`, { token: await t.login('gridworker'), body: { reason: 'x' } })).statusCode).toBe(403);
    expect((await t.call('POST', `/api/v1/alarms/${alarm!.id}/clear`, { token: dispatcher, body: {} })).statusCode).toBe(400);
    const cleared = await t.call('POST', `/api/v1/alarms/${alarm!.id}/clear`, { token: dispatcher, body: { reason: '现场确认为误报' } });
    expect(cleared.json()).toMatchObject({ status: 'cleared', clearReason: '现场确认为误报', clearedBy: 'dispatcher' });
    expect((await t.call('POST', `/api/v1/alarms/${alarm!.id}/clear`, { token: dispatcher, body: { reason: 'again' } })).statusCode).toBe(409);
    await d.send({ lel: 45 });
    expect((await alarmsOf(t, dispatcher, d.id, 'active')).total).toBe(1);
    expect((await alarmsOf(t, dispatcher, d.id)).total).toBe(2);
  });

  it('lists alarms paged with filters, refuses a bad status filter, hides alarms from roles without the right', async () => {
    const list = await t.call('GET', '/api/v1/alarms?status=active,acknowledged&pageSize=5', { token: dispatcher });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ page: 1, pageSize: 5 });
    expect(list.json().items.length).toBeLessThanOrEqual(5);
    expect(list.json().items.every((a: { status: string }) => a.status !== 'cleared')).toBe(true);
    expect((await t.call('GET', '/api/v1/alarms?status=burning', { token: dispatcher })).statusCode).toBe(400);
    expect((await t.call('GET', '/api/v1/alarms', { token: await t.login('handler.sz') })).statusCode).toBe(403);
    expect((await t.call('GET', '/api/v1/alarms')).statusCode).toBe(401);
  });
});
