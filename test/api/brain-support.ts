import mqtt, { type MqttClient } from 'mqtt';
import type { TestApp } from '../support/harness.ts';

export const DEMO_DEVICE = 'demo-water-level-001';
export const DEMO_DEVICE_PASSWORD = 'demo-device-pass';
export const topicOf = (id: string) => `civicgrid/devices/${id}/telemetry`;

export { eventually } from '../support/harness.ts';

export function connect(port: number, username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username, password, reconnectPeriod: 0, connectTimeout: 5000 });
}

/** Sends telemetry over HTTP as a device (token header), returning the response. */
export function postTelemetry(t: TestApp, token: string, body: unknown) {
  return t.call('POST', '/api/v1/telemetry', { headers: { 'x-device-token': token }, body });
}

export async function alarmsOf(t: TestApp, token: string, deviceId: string, status?: string) {
  const res = await t.call('GET', `/api/v1/alarms?deviceId=${deviceId}${status ? `&status=${status}` : ''}&pageSize=50`, { token });
  if (res.statusCode !== 200) throw new Error(`alarms: ${res.statusCode} ${res.body}`);
  return res.json<{ items: { id: string; type: string; status: string; count: number; severity: string; lastValue: number; case: { link: string; code: string | null } }[]; total: number }>();
}

/** Registers a device as admin and returns its credentials. */
export async function createDevice(t: TestApp, admin: string, body: Record<string, unknown>) {
  const res = await t.call('POST', '/api/v1/devices', { token: admin, body });
  if (res.statusCode !== 201) throw new Error(`create device: ${res.statusCode} ${res.body}`);
  return res.json<{ device: { id: string; gridCode: string }; credentials: { username: string; password: string; token: string } }>();
}
