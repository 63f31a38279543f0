import mqtt from 'mqtt';
import { connect as tcp } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type MqttAuth, type RunningBroker } from '../../src/server/brain/broker.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { connect, DEMO_DEVICE, DEMO_DEVICE_PASSWORD, topicOf } from './brain-support.ts';

// The broker's own guards, on a real socket. The app's broker (on the demo database) checks the binding and
// the cap with real device logins; a broker with a counting login checks that refusals never reach it.
let t: TestApp;
let appBroker: RunningBroker;
const lines: string[] = [];
const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
let logins: string[] = [];
const auth: MqttAuth = {
  login: async (username, password) => (logins.push(username), password === 'right-password' ? { kind: 'device', id: username } : null),
  gatewayMayPublish: async () => false,
};
let broker: RunningBroker;

beforeAll(async () => {
  t = await createTestApp({ MQTT_PORT: 0, HOST: '0.0.0.0', MQTT_HOST: '127.0.0.1', MQTT_MAX_PACKET_BYTES: 4096 });
  appBroker = await t.app.brain.startBroker({ port: 0 });
  broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1', maxPacketBytes: 4096, auth, ingest: () => ({ reason: 'malformed', message: 'payload is not JSON' }), logger });
});
afterAll(async () => {
  await broker.close();
  await t.close();
});

const login = (port: number, username: string, password: string) =>
  mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username, password, reconnectPeriod: 0, connectTimeout: 3000, clientId: 'abuser-1' });

describe('embedded MQTT broker under abuse', () => {
  it('binds to MQTT_HOST (else HOST), not every interface', () => {
    expect(appBroker.host).toBe('127.0.0.1');
  });

  it('closes a connection whose packet announces more than MQTT_MAX_PACKET_BYTES, before the body arrives', async () => {
    // CONNECT announcing 256 MB (remaining length 0xFFFFFF7F), then nothing: the socket must not be held
    const closed = await new Promise<boolean>((resolve) => {
      const s = tcp(appBroker.port!, '127.0.0.1', () => s.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f])));
      s.on('close', () => resolve(true));
      s.on('error', () => {});
      setTimeout(() => resolve(false), 3000).unref();
    });
    expect(closed).toBe(true);
    // a logged-in device publishing more than the cap is disconnected as well
    const c = await connect(appBroker.port!, DEMO_DEVICE, DEMO_DEVICE_PASSWORD);
    const gone = new Promise<void>((resolve) => c.on('close', () => resolve()));
    c.publish(topicOf(DEMO_DEVICE), Buffer.alloc(8192, 0x20));
    await gone;
    await c.endAsync(true).catch(() => {});
  });

  it('throttles failed logins per client id and address with backoff, logs them, and never asks the database about a NUL username', async () => {
    logins = [];
    await expect(login(broker.port!, 'dev\u0000ice', 'x')).rejects.toThrow();
    expect(logins).toEqual([]);
    let refused = 0;
    for (let i = 0; i < 12; i++) await login(broker.port!, 'device-1', 'wrong').catch(() => refused++);
    expect(refused).toBe(12);
    // the first failures reach the login check; after them the backoff answers without it
    expect(logins.length).toBeLessThanOrEqual(3);
    // even the right password waits out the backoff
    await expect(login(broker.port!, 'device-1', 'right-password')).rejects.toThrow();
    const refusals = lines.filter((l) => l.includes('mqtt login refused'));
    expect(refusals.some((l) => l.includes('"reason":"malformed username"'))).toBe(true);
    expect(refusals.some((l) => l.includes('"reason":"throttled"'))).toBe(true);
    // sampled: 13 refusals do not write 13 lines
    expect(refusals.length).toBeLessThan(14);
    expect(lines.some((l) => l.includes('mqtt packet too large'))).toBe(false);
  });

  it('logs rejected payloads (sampled) and oversize packets', async () => {
    const s = tcp(broker.port!, '127.0.0.1', () => s.write(Buffer.from([0x10, 0xff, 0xff, 0x7f])));
    await new Promise((r) => s.on('close', r));
    expect(lines.some((l) => l.includes('mqtt packet too large'))).toBe(true);
    // another device behind the same address still logs in (the address has a larger allowance)
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { username: 'device-2', password: 'right-password', reconnectPeriod: 0, clientId: 'device-2' });
    for (let i = 0; i < 3; i++) await c.publishAsync('civicgrid/devices/device-2/telemetry', 'not json', { qos: 1 });
    await c.endAsync();
    const rejected = lines.filter((l) => l.includes('mqtt payload rejected'));
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected[0]).toContain('"reason":"malformed"');
  });
});
