import mqtt, { type MqttClient } from 'mqtt';
import { seededRandom } from '../random.ts';
import type { DeviceType } from './devices/types.ts';

/**
 * Device simulator (`civicgrid simulate`): realistic readings with occasional anomalies over MQTT.
 *
 * Choice: it publishes through one MQTT *gateway* login (`gw:simulator`, created over the API with a fresh
 * password each run) instead of logging in as each of 10,000 devices. A gateway may publish for every device in
 * its area — the same way a LoRaWAN network server or an IoT platform bridge feeds a city brain — so the
 * simulator needs no device passwords and a handful of connections carry 20,000 readings a second. Per-device
 * logins are exercised by the tests and by the demo device, whose password is public.
 */

export interface SimDevice {
  id: string;
  type: string;
}

/** Values that would trip each shipped type's default rule: what an anomaly looks like. */
const anomalies: Record<string, Record<string, number>> = {
  water_level: { level: 0.45 },
  manhole_cover: { tilt: 35, open: 1 },
  air_quality: { pm25: 220, pm10: 300 },
  noise: { db: 82 },
  smoke: { smoke: 25 },
  gas: { lel: 35 },
  structure_tilt: { tilt: 8 },
};

/**
 * What a healthy device of a type reports, per metric: the type's normal band, or for a metric an admin gave
 * none, the lowest tenth of its valid range (sensors idle near their floor: water level, gas, smoke).
 */
export function normalBands(t: DeviceType): Record<string, [number, number]> {
  return Object.fromEntries(Object.entries(t.metrics).map(([metric, m]) => [metric, t.normal[metric] ?? [m.min, m.min + (m.max - m.min) * 0.1]]));
}

/**
 * An anomaly of a metric: the shipped type's rule-tripping value, else a value well above the normal band and
 * still inside the valid range (so ingest accepts it and a threshold rule an admin set on the type can fire).
 */
function anomalyOf(t: DeviceType, metric: string, band: [number, number]): number {
  const known = anomalies[t.code]?.[metric];
  if (known !== undefined && known >= t.metrics[metric]!.min && known <= t.metrics[metric]!.max) return known;
  const { max } = t.metrics[metric]!;
  return Math.round((band[1] + (max - band[1]) * 0.8) * 1000) / 1000;
}

/** One reading of a device: normal range with noise, or (with probability `anomalyRate`) an anomaly. */
export function simReading(t: DeviceType, rnd: () => number, anomalyRate: number, ts: number): string {
  const values: Record<string, number> = {};
  const anomalous = rnd() < anomalyRate;
  for (const [metric, band] of Object.entries(normalBands(t))) {
    const [lo, hi] = band;
    values[metric] = anomalous ? anomalyOf(t, metric, band) : Math.round((lo + rnd() * (hi - lo)) * 1000) / 1000;
  }
  if (rnd() < 0.05) values.battery = Math.round(60 + rnd() * 40);
  return JSON.stringify({ ts, values });
}

/** A fleet of `n` devices `prefix1…`, types taken in turn from the configured ones (those with metrics). */
export function simFleet(types: DeviceType[], n: number, id: (i: number) => string): SimDevice[] {
  const usable = types.filter((t) => Object.keys(t.metrics).length > 0);
  if (!usable.length) throw new Error('no device type with metrics is configured; define one under 设备类型 first');
  return Array.from({ length: n }, (_, i) => ({ id: id(i), type: usable[i % usable.length]!.code }));
}

export interface LoadOptions {
  url: string;
  username?: string;
  password?: string;
  devices: SimDevice[];
  /** the configured device types (GET /api/v1/device-types, or the table): what each device's readings look like */
  types: DeviceType[];
  /** readings per second over all connections */
  rate: number;
  durationS: number;
  connections?: number;
  anomalyRate?: number;
  qos?: 0 | 1;
  /** stamp every payload with the send time (the benchmark measures latency with it) */
  onSent?: (deviceId: string, sentAt: number) => void;
}

export interface LoadResult {
  sent: number;
  skipped: number;
  seconds: number;
  rate: number;
}

/**
 * Publishes at a steady rate for a duration: every 10 ms each connection sends its share. When a socket's
 * buffer backs up (the broker is slower than the asked rate) the tick's share is skipped and counted, so the
 * simulator measures what the broker takes instead of filling memory.
 */
export async function publishLoad(o: LoadOptions): Promise<LoadResult> {
  // checked before any socket opens: a fleet of an unconfigured type would publish readings ingest rejects
  const byCode = new Map(o.types.map((t) => [t.code, t]));
  const missing = [...new Set(o.devices.map((d) => d.type))].filter((c) => !byCode.has(c));
  if (missing.length) throw new Error(`device types ${missing.join(', ')} are not configured`);
  const n = Math.max(1, o.connections ?? 4);
  const clients: MqttClient[] = await Promise.all(
    Array.from({ length: n }, (_, i) => mqtt.connectAsync(o.url, { username: o.username, password: o.password, clientId: `civicgrid-sim-${process.pid}-${i}-${Date.now()}`, reconnectPeriod: 0, clean: true })),
  );
  const rnd = seededRandom(42);
  const tickMs = 10;
  const perTick = o.rate / (1000 / tickMs);
  let carry = 0;
  let sent = 0;
  let skipped = 0;
  let cursor = 0;
  const started = performance.now();
  const end = started + o.durationS * 1000;
  try {
    while (performance.now() < end) {
      const tickStart = performance.now();
      carry += perTick;
      const count = Math.floor(carry);
      carry -= count;
      for (let k = 0; k < count; k++) {
        const c = clients[k % n]!;
        const stream = (c as unknown as { stream?: { writableLength?: number } }).stream;
        if ((stream?.writableLength ?? 0) > 4 * 1024 * 1024) {
          skipped++;
          continue;
        }
        const d = o.devices[cursor++ % o.devices.length]!;
        const now = Date.now();
        c.publish(`civicgrid/devices/${d.id}/telemetry`, simReading(byCode.get(d.type)!, rnd, o.anomalyRate ?? 0.001, now), { qos: o.qos ?? 0 });
        o.onSent?.(d.id, now);
        sent++;
      }
      const wait = tickMs - (performance.now() - tickStart);
      await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    }
  } finally {
    await Promise.all(clients.map((c) => c.endAsync()));
  }
  const seconds = (performance.now() - started) / 1000;
  return { sent, skipped, seconds, rate: Math.round(sent / seconds) };
}

export interface SimulateOptions {
  api: string;
  username: string;
  password: string;
  mqttUrl: string;
  devices: number;
  rate: number;
  durationS: number;
  connections: number;
  log: (line: string) => void;
}

async function api<T>(base: string, token: string | null, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * `civicgrid simulate`: through the running server's API, registers the simulated fleet (sim-00001 …, at the
 * places of the existing devices, the configured device types in turn) and a gateway login, then publishes.
 */
export async function simulate(o: SimulateOptions): Promise<LoadResult> {
  const { token } = await api<{ token: string }>(o.api, null, 'POST', '/api/v1/auth/login', { username: o.username, password: o.password });
  const places: { lon: number; lat: number }[] = [];
  for (let page = 1; places.length < 2000; page++) {
    const p = await api<{ items: { lon: number; lat: number }[]; total: number }>(o.api, token, 'GET', `/api/v1/devices?pageSize=200&page=${page}`);
    places.push(...p.items.filter((d) => d.lon !== null));
    if (page * 200 >= p.total) break;
  }
  if (!places.length) throw new Error('the server has no devices to place the simulated fleet beside; seed the demo city first');
  // the types as the city configured them (设备类型 admin screen); the shipped ones are only the first rows there
  const types = (await api<DeviceType[]>(o.api, token, 'GET', '/api/v1/device-types')).map((t) => ({ ...t, normal: t.normal ?? {} }));
  const fleet = simFleet(types, o.devices, (i) => `sim-${String(i + 1).padStart(5, '0')}`);
  const existing = new Set<string>();
  for (let page = 1; ; page++) {
    const p = await api<{ items: { id: string }[]; total: number }>(o.api, token, 'GET', `/api/v1/devices?q=sim-&pageSize=200&page=${page}`);
    for (const d of p.items) existing.add(d.id);
    if (page * 200 >= p.total) break;
  }
  const missing = fleet.filter((d) => !existing.has(d.id));
  const rnd = seededRandom(7);
  for (let i = 0; i < missing.length; i += 2000) {
    const rows = missing.slice(i, i + 2000).map((d, k) => {
      const at = places[(i + k) % places.length]!;
      return { id: d.id, name: `模拟设备 ${d.id}`, type: d.type, lon: at.lon + (rnd() - 0.5) * 0.0004, lat: at.lat + (rnd() - 0.5) * 0.0004 };
    });
    await api(o.api, token, 'POST', '/api/v1/devices/import', { devices: rows });
  }
  o.log(`fleet: ${fleet.length} simulated devices (${missing.length} registered now)`);
  const gw = await api<{ username: string; password: string }>(o.api, token, 'POST', '/api/v1/mqtt-gateways/simulator/credentials');
  o.log(`publishing ${o.rate} readings/s for ${o.durationS} s to ${o.mqttUrl} as ${gw.username} over ${o.connections} connections`);
  const result = await publishLoad({ url: o.mqttUrl, username: gw.username, password: gw.password, devices: fleet, types, rate: o.rate, durationS: o.durationS, connections: o.connections });
  o.log(`sent ${result.sent} readings in ${result.seconds.toFixed(1)} s (${result.rate}/s); skipped ${result.skipped} while the broker was backed up`);
  return result;
}
