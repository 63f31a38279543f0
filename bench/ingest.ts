/**
 * `npm run bench:ingest` — sustained telemetry ingestion through MQTT with the default rules active.
 *
 * One run per database (PGlite always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set):
 *   - the server side (embedded aedes broker + ingestion pipeline + rule engine + alarm upserts) in this process;
 *   - a publisher child process (the simulator's publishLoad through a gateway login, 10,000 devices);
 *   - a bare mqtt.js subscriber child process on `civicgrid/devices/+/telemetry` of the same broker, counting
 *     what a do-nothing consumer receives in the same run — the ceiling the pipeline is compared with;
 *   - publish → alarm latency: anomalies sent to dedicated gauges while the load runs, timed to the alarm event.
 * Prints figures; asserts nothing. Knobs: BENCH_RATE (offered readings/s, default 25000), BENCH_SECONDS (15),
 * BENCH_DEVICES (10000), BENCH_DB (both | pglite | postgres).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import pg from 'pg';
import { createBrain } from '../src/server/brain/brain.ts';
import { generateSecret, hashDeviceSecret } from '../src/server/brain/devices/credentials.ts';
import { secretDigest } from '../src/server/privacy/pii.ts';
import { createDeviceStore, type DeviceTable } from '../src/server/brain/devices/store.ts';
import { deviceTypes } from '../src/server/brain/devices/types.ts';
import { publishLoad } from '../src/server/brain/simulator.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDeps } from '../src/server/context.ts';
import { openPglite, openPostgres, type Database } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { createServices } from '../src/server/services.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';

const RATE = Number(process.env.BENCH_RATE ?? 25_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const LATENCY_GAUGES = 300;

const role = process.env.BENCH_ROLE;
if (role === 'publisher') {
  const types = Object.keys(deviceTypes);
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `bench-${i}`, type: types[i % types.length]! }));
  const r = await publishLoad({ url: process.env.BENCH_URL!, username: 'gw:bench', password: process.env.BENCH_PASSWORD!, devices, rate: RATE, durationS: SECONDS, connections: 4, anomalyRate: 0.0005 });
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}
if (role === 'subscriber') {
  const c = await mqtt.connectAsync(process.env.BENCH_URL!, { username: 'gw:bench', password: process.env.BENCH_PASSWORD!, reconnectPeriod: 0 });
  let n = 0;
  let first = 0;
  let last = 0;
  c.on('message', () => {
    if (!n) first = performance.now();
    n++;
    last = performance.now();
  });
  await c.subscribeAsync('civicgrid/devices/+/telemetry', { qos: 0 });
  process.stdout.write('ready\n');
  process.stdin.on('data', async () => {
    process.stdout.write(`${JSON.stringify({ received: n, seconds: (last - first) / 1000 })}\n`);
    await c.endAsync();
    process.exit(0);
  });
  await new Promise(() => {});
}

function child(r: 'publisher' | 'subscriber', env: Record<string, string>) {
  const p = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { env: { ...process.env, ...env, BENCH_ROLE: r }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buf = '';
  const waiters: ((l: string) => void)[] = [];
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  return { proc: p, next: () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve))) };
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function run(label: string, database: Database) {
  const config = loadConfig({}, { LOG_LEVEL: 'silent' });
  const deps = createDeps(database, { config });
  await migrate(deps.db);
  await seedDemo(deps, loadTaxonomy(), 'demo-pass-2026');

  // the fleet at the demo devices' places, plus gauges for latency, plus the gateway login
  const store = createDeviceStore();
  const places = await deps.db.selectFrom('devices').select(['lon', 'lat', 'grid_code', 'area_path', 'h3']).execute();
  const types = Object.keys(deviceTypes);
  const now = new Date();
  const row = (id: string, type: string, i: number): DeviceTable => {
    const p = places[i % places.length]!;
    return { ...p, id, name: id, type, owner_department: null, component_id: null, protocol: 'mqtt', password_hash: `sha256$${secretDigest(generateSecret())}`, token_hash: null, credentials_rotated_at: now, enabled: true, last_seen: null, latest: '{}', battery: null, signal: null, accepted_count: 0, rejected_count: 0, created_at: now, updated_at: now };
  };
  await store.insertMany(deps.db, [...Array.from({ length: DEVICES }, (_, i) => row(`bench-${i}`, types[i % types.length]!, i)), ...Array.from({ length: LATENCY_GAUGES }, (_, i) => row(`lat-${i}`, 'water_level', i))]);
  const password = generateSecret();
  const city = (await deps.db.selectFrom('areas').select('path').where('level', '=', 'city').executeTakeFirstOrThrow()).path;
  await store.upsertGateway(deps.db, { username: 'bench', password_hash: await hashDeviceSecret(password, true), scope_path: city, created_at: now, updated_at: now });

  // the brain alone (no alarm → case sink), on the same geo, org and case feed the server would give it
  const { geo, org, bus } = createServices(deps, loadTaxonomy());
  const brain = createBrain(deps, { cases: null, geo, org, caseBus: bus, pipeline: { flushMs: 50, batchSize: 10_000 } });
  await brain.load();
  const broker = await brain.startBroker({ port: 0 });
  const url = `mqtt://127.0.0.1:${broker.port}`;

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  brain.events.subscribe((e) => {
    const t0 = sentAt.get(e.deviceId);
    if (e.action === 'raised' && t0 !== undefined) latencies.push(Date.now() - t0);
  });

  const sub = child('subscriber', { BENCH_URL: url, BENCH_PASSWORD: password });
  await sub.next();
  const s0 = { ...brain.pipeline.stats };
  const started = performance.now();
  const pub = child('publisher', { BENCH_URL: url, BENCH_PASSWORD: password });

  // one anomaly per gauge, spread over the load window
  const probe = await mqtt.connectAsync(url, { username: 'gw:bench', password, reconnectPeriod: 0 });
  const probeEvery = (SECONDS * 1000 * 0.8) / LATENCY_GAUGES;
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < LATENCY_GAUGES; i++) {
    const id = `lat-${i}`;
    const t0 = Date.now();
    sentAt.set(id, t0);
    probe.publish(`civicgrid/devices/${id}/telemetry`, JSON.stringify({ ts: t0, values: { level: 0.5 } }), { qos: 0 });
    await new Promise((r) => setTimeout(r, probeEvery));
  }
  const published = JSON.parse(await pub.next()) as { sent: number; skipped: number; seconds: number; rate: number };
  // drain: everything the broker delivered is written (or the wait gives up after 60 s)
  const deadline = performance.now() + 60_000;
  while (brain.pipeline.stats.received - s0.received < published.sent + LATENCY_GAUGES && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await brain.pipeline.flush();
  const elapsed = (performance.now() - started) / 1000;
  sub.proc.stdin.write('report\n');
  const bare = JSON.parse(await sub.next()) as { received: number; seconds: number };
  await probe.endAsync();

  const st = brain.pipeline.stats;
  const written = st.written - s0.written;
  const ingestRate = written / elapsed;
  const bareRate = bare.received / Math.max(bare.seconds, 0.001);
  const alarms = await deps.db.selectFrom('alarms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const readings = await deps.db.selectFrom('readings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  console.log(`\n== ${label} ==`);
  console.log(`offered        ${RATE}/s for ${SECONDS} s to ${DEVICES} devices; publisher sent ${published.sent} (${published.rate}/s, skipped ${published.skipped} on back-pressure)`);
  console.log(`bare mqtt.js   received ${bare.received} in ${bare.seconds.toFixed(1)} s = ${Math.round(bareRate)}/s`);
  console.log(`civicgrid      wrote ${written} readings (+ rules, alarm upserts) in ${elapsed.toFixed(1)} s = ${Math.round(ingestRate)}/s  → ${((ingestRate / bareRate) * 100).toFixed(0)} % of bare`);
  console.log(`               batches ${st.flushes - s0.flushes}, avg ${Math.round(written / Math.max(1, st.flushes - s0.flushes))} readings, last write ${st.lastFlushMs} ms; rejected ${st.rejected - s0.rejected}; lost ${st.lost - s0.lost}; rows in readings ${Number(readings.n)}; alarms ${Number(alarms.n)}`);
  console.log(`publish→alarm  p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms over ${latencies.length}/${LATENCY_GAUGES} alarms`);
  await brain.close();
}

async function main() {
  const which = process.env.BENCH_DB ?? 'both';
  if (which !== 'postgres') {
    const lite = await openPglite();
    try {
      await run('PGlite (embedded, in-process)', lite);
    } finally {
      await lite.close();
    }
  }
  if (which === 'pglite') return;
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.log('\n(PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL)');
    return;
  }
  const name = `cg_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openPostgres(u.toString(), 10);
  try {
    await run(`PostgreSQL (${u.host})`, database);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
process.exit(0);
