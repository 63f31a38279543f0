import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { alarmsOf, connect, DEMO_DEVICE, DEMO_DEVICE_PASSWORD, eventually, topicOf } from './brain-support.ts';

let t: TestApp;
let port: number;
let admin: string;
let dispatcher: string;
const clients: MqttClient[] = [];

beforeAll(async () => {
  t = await createTestApp({ MQTT_PORT: 0 });
  port = (await t.app.brain.startBroker({ port: 0 })).port!;
  admin = await t.login('admin');
  dispatcher = await t.login('dispatcher');
});
afterAll(async () => {
  for (const c of clients) await c.endAsync(true).catch(() => {});
  await t.close();
});

async function demoClient() {
  const c = await connect(port, DEMO_DEVICE, DEMO_DEVICE_PASSWORD);
  clients.push(c);
  return c;
}

const stats = async () => (await t.call('GET', '/api/v1/brain/stats', { token: admin })).json<{ received: number; accepted: number; rejected: number; byReason: Record<string, number> }>();

describe('water level over MQTT (embedded broker, demo device)', () => {
  it('a reading above 0.3 m raises ONE alarm that opens ONE case in 0705 in the device grid, dispatched to 水务; 200 duplicates never add a second', async () => {
    const device = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
    expect(device.gridCode).toMatch(/^[0-9]{15}$/);
    const client = await demoClient();
    await client.publishAsync(topicOf(DEMO_DEVICE), JSON.stringify({ values: { level: 0.42 } }), { qos: 1 });
    const raised = await eventually(async () => (await alarmsOf(t, dispatcher, DEMO_DEVICE, 'active')).items.find((a) => a.case.code), 'the alarm and its case');
    expect(raised.type).toBe('water_level_high');

    // a flood of duplicate readings, milliseconds apart, across many batches
    await Promise.all(Array.from({ length: 200 }, (_, i) => client.publishAsync(topicOf(DEMO_DEVICE), JSON.stringify({ values: { level: 0.5 + i / 1000 } }), { qos: 1 })));
    await eventually(async () => (await alarmsOf(t, dispatcher, DEMO_DEVICE)).items[0]!.count >= 201 && true, 'the repeats to be counted');
    const all = await alarmsOf(t, dispatcher, DEMO_DEVICE);
    expect(all.total).toBe(1);
    expect(all.items[0]!.count).toBe(201);
    expect(all.items[0]!.lastValue).toBeCloseTo(0.699);

    const cases = (await t.call('GET', '/api/v1/cases?category=0705&pageSize=50', { token: dispatcher })).json<{ items: { code: string; gridCode?: string; grid?: { code: string } }[]; total: number }>();
    const mine = cases.items.filter((c) => c.code === raised.case.code);
    expect(mine).toHaveLength(1);
    const detail = (await t.call('GET', `/api/v1/cases/${raised.case.code}`, { token: dispatcher })).json();
    expect(detail.category.code).toBe('0705');
    expect(detail.location.gridCode).toBe(device.gridCode);
    expect(detail.department.main).toBe('SW');
    expect(detail.state).toBe('dispatched');
    expect(detail.channel).toBe('iot');
  });

  it('a reading back below the clear level clears the alarm, and the clearing is noted on the case', async () => {
    const client = await demoClient();
    await client.publishAsync(topicOf(DEMO_DEVICE), JSON.stringify({ values: { level: 0.25 } }), { qos: 1 });
    // 0.25 is inside the hysteresis band (clears below 0.2): still active
    await new Promise((r) => setTimeout(r, 200));
    expect((await alarmsOf(t, dispatcher, DEMO_DEVICE, 'active')).total).toBe(1);
    await client.publishAsync(topicOf(DEMO_DEVICE), JSON.stringify({ values: { level: 0.05 } }), { qos: 1 });
    const cleared = await eventually(async () => (await alarmsOf(t, dispatcher, DEMO_DEVICE, 'cleared')).items[0], 'the clear');
    expect(cleared.status).toBe('cleared');
    const detail = await eventually(async () => {
      const d = (await t.call('GET', `/api/v1/cases/${cleared.case.code}`, { token: dispatcher })).json();
      return JSON.stringify(d).includes('alarm_cleared') ? d : null;
    }, 'the case note');
    expect(JSON.stringify(detail)).toContain('物联感知告警已解除');
  });

  it('refuses a wrong password, and disconnects a device publishing to another device topic without storing anything', async () => {
    await expect(connect(port, DEMO_DEVICE, 'wrong-password-1')).rejects.toThrow(/Bad username or password|Not authorized|bad/i);
    await expect(connect(port, 'no-such-device', 'whatever-pass-1')).rejects.toThrow();

    const before = (await alarmsOf(t, dispatcher, 'demo-water-level-002')).total;
    const client = await demoClient();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(topicOf('demo-water-level-002'), JSON.stringify({ values: { level: 5 } }), { qos: 1 });
    await closed;
    const other = (await t.call('GET', '/api/v1/devices/demo-water-level-002', { token: admin })).json();
    expect(other.lastSeen).toBeNull();
    expect((await alarmsOf(t, dispatcher, 'demo-water-level-002')).total).toBe(before);
  });

  it('counts and rejects malformed and out-of-range payloads without dropping the connection or the pipeline', async () => {
    const s0 = await stats();
    const client = await demoClient();
    const bad = ['not json', '{"values":{"level":"high"}}', '{"values":{}}', '{"values":{"level":999}}', '{"values":{"temperature":20}}', '{"values":{"level":1e999}}', '{"ts":"yesterday","values":{"level":0.1}}', '[]'];
    for (const p of bad) await client.publishAsync(topicOf(DEMO_DEVICE), p, { qos: 1 });
    await client.publishAsync(topicOf(DEMO_DEVICE), JSON.stringify({ values: { level: 0.07 } }), { qos: 1 });
    const s1 = await eventually(async () => {
      const s = await stats();
      return s.rejected - s0.rejected >= bad.length && s.accepted > s0.accepted ? s : null;
    }, 'the counters');
    expect(s1.rejected - s0.rejected).toBe(bad.length);
    expect(s1.byReason.malformed! - (s0.byReason.malformed ?? 0)).toBe(4);
    expect(s1.byReason.bad_value! - (s0.byReason.bad_value ?? 0)).toBe(2);
    expect(s1.byReason.out_of_range! - (s0.byReason.out_of_range ?? 0)).toBe(1);
    expect(s1.byReason.unknown_metric! - (s0.byReason.unknown_metric ?? 0)).toBe(1);
    expect(client.connected).toBe(true);
    const device = await eventually(async () => {
      const d = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
      return d.latest.level === 0.07 ? d : null;
    }, 'the good reading after the bad ones');
    expect(device.online).toBe(true);
  });
});
