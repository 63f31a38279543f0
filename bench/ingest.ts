/**
 * `npm run bench:ingest` — sustained telemetry ingestion through MQTT with the default rules active.
 *
 * Per database (PGlite always; PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set), on the embedded aedes
 * broker and on NATS (BENCH_BROKER=aedes | nats | both, default both; NATS needs /usr/sbin/nats-server).
 *
 * NATS: a separate nats-server process (JetStream, its own MQTT listener) is the broker, so the baseline is not
 * held down by the pipeline. First a bare JetStream consumer (a child process that only acks, on the same
 * stream and durable consumer) takes the load; then CivicGrid (NATS_URL, pull + batch write + ack after
 * commit) takes the same offered load. Offered rate BENCH_NATS_RATE (default 60000/s, over 8 connections), high
 * enough that the publisher's skipped count shows where the broker stops taking more. The server is Debian 12's
 * 2.9.10 unless NATS_SERVER_BIN names another: `NATS_SERVER_BIN=$(scripts/nats-server-current.sh)` fetches 2.10,
 * on which a backlog drains at the pipeline's pace instead of 2.9's (D17).
 *
 * aedes:
 *   - first the baseline: a plain aedes broker in a process of its own (no logins, no pipeline), the same
 *     publisher, and a bare mqtt.js subscriber there counting what a do-nothing consumer receives;
 *   - then the server side (embedded aedes broker + ingestion pipeline + rule engine + alarm upserts) in this
 *     process and a publisher child process (the simulator's publishLoad through a gateway login, 10,000
 *     devices) at the same offered rate; BENCH_SAME_WINDOW=1 adds a bare subscriber on our broker during the run
 *     (as earlier versions did; its forwarding takes CPU from the pipeline it is compared with);
 *   - publish → alarm latency: anomalies sent to dedicated gauges while the load runs, timed to the alarm event.
 * Prints figures; asserts nothing. Knobs: BENCH_RATE (offered readings/s, default 25000), BENCH_SECONDS (15),
 * BENCH_DEVICES (10000), BENCH_DB (both | pglite | postgres), BENCH_PROFILE (a directory: a CPU profile of the run).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { connect } from 'nats';
import pg from 'pg';
import { NATS_SERVER_BIN, natsServerAvailable, startNatsCluster, type NatsCluster } from '../test/support/nats-cluster.ts';
import { createBrain } from '../src/server/brain/brain.ts';
import { generateSecret, hashDeviceSecret } from '../src/server/brain/devices/credentials.ts';
import { secretDigest } from '../src/server/privacy/pii.ts';
import { createDeviceStore, type DeviceTable } from '../src/server/brain/devices/store.ts';
import { createDeviceTypeStore } from '../src/server/brain/devices/type-store.ts';
import { deviceTypes as shippedTypes, type DeviceType } from '../src/server/brain/devices/types.ts';
import { publishLoad, simFleet } from '../src/server/brain/simulator.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDeps, type Deps } from '../src/server/context.ts';
import { ensureIngestStream, natsOptionsOf } from '../src/server/brain/ingest/nats.ts';
import { openPglite, openPostgres, type Database } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { createServices } from '../src/server/services.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';
import { startProfiler } from './measure.ts';

const RATE = Number(process.env.BENCH_RATE ?? 25_000);
const NATS_RATE = Number(process.env.BENCH_NATS_RATE ?? 60_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const LATENCY_GAUGES = 300;

const role = process.env.BENCH_ROLE;
if (role === 'publisher') {
  // the device types as the database holds them, handed over by the parent (the shipped ones seed an empty table)
  const types = JSON.parse(process.env.BENCH_TYPES!) as DeviceType[];
  const devices = simFleet(types, DEVICES, (i) => `bench-${i}`);
  const rate = Number(process.env.BENCH_OFFERED ?? RATE);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 4);
  const r = await publishLoad({ url: process.env.BENCH_URL!, username: 'gw:bench', password: process.env.BENCH_PASSWORD!, devices, types, rate, durationS: SECONDS, connections, anomalyRate: 0.0005 });
  process.stdout.write(`${JSON.stringify(r)}\n`);
  process.exit(0);
}
if (role === 'bare-broker') {
  // a plain aedes broker in a process of its own (no logins, no pipeline): the ceiling a bare subscriber sees
  const { Aedes } = await import('aedes');
  const { createServer } = await import('node:net');
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
  process.stdin.on('data', () => process.exit(0));
  await new Promise(() => {});
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

if (role === 'js-consumer') {
  // the do-nothing JetStream consumer: pull, ack, count — what the stream delivers with nothing behind it
  const nc = await connect({ servers: process.env.BENCH_NATS! });
  const consumer = await nc.jetstream().consumers.get(process.env.BENCH_STREAM!, process.env.BENCH_CONSUMER!);
  let n = 0;
  let first = 0;
  let last = 0;
  await consumer.consume({
    max_messages: 5000,
    expires: 5000,
    callback: (m) => {
      if (!n) first = performance.now();
      n++;
      last = performance.now();
      m.ack();
    },
  });
  process.stdout.write('ready\n');
  process.stdin.on('data', async () => {
    process.stdout.write(`${JSON.stringify({ received: n, seconds: (last - first) / 1000 })}\n`);
    await nc.drain();
    process.exit(0);
  });
  await new Promise(() => {});
}

/** the device types of the database being measured, for the publisher child */
let benchTypes: DeviceType[] = [];

function child(r: 'publisher' | 'subscriber' | 'js-consumer' | 'bare-broker', env: Record<string, string>) {
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
  const now = new Date();
  // the configured device types (table of migration 0039); the shipped ones only fill an empty table
  const typeStore = createDeviceTypeStore();
  await typeStore.seedIfEmpty(deps.db, Object.values(shippedTypes), now);
  benchTypes = await typeStore.all(deps.db);
  const fleet = simFleet(benchTypes, DEVICES, (i) => `bench-${i}`);
  const row = (id: string, type: string, i: number): DeviceTable => {
    const p = places[i % places.length]!;
    return { ...p, id, name: id, type, owner_department: null, component_id: null, protocol: 'mqtt', password_hash: `sha256$${secretDigest(generateSecret())}`, token_hash: null, credentials_rotated_at: now, enabled: true, last_seen: null, latest: '{}', battery: null, signal: null, accepted_count: 0, rejected_count: 0, created_at: now, updated_at: now };
  };
  await store.insertMany(deps.db, fleet.map((d, i) => row(d.id, d.type, i)));
  const password = generateSecret();
  const city = (await deps.db.selectFrom('areas').select('path').where('level', '=', 'city').executeTakeFirstOrThrow()).path;
  await store.upsertGateway(deps.db, { username: 'bench', password_hash: await hashDeviceSecret(password, true), scope_path: city, created_at: now, updated_at: now });

  for (const broker of brokers()) {
    const tag = broker === 'nats' ? 'n' : 'a';
    await store.insertMany(deps.db, Array.from({ length: LATENCY_GAUGES }, (_, i) => row(`lat-${tag}-${i}`, 'water_level', i)));
    if (broker === 'nats') {
      const nats = await startNatsCluster(1);
      try {
        const version = execFileSync(NATS_SERVER_BIN, ['--version'], { encoding: 'utf8' }).trim().replace(/^nats-server: /, '');
        await measure(`${label}, NATS JetStream (separate nats-server ${version})`, deps, password, tag, nats);
      } finally {
        await nats.stop();
      }
    } else await measure(`${label}, embedded aedes`, deps, password, tag, null);
  }
}

function brokers(): ('aedes' | 'nats')[] {
  const which = process.env.BENCH_BROKER ?? 'both';
  const want: ('aedes' | 'nats')[] = which === 'both' ? ['aedes', 'nats'] : [which as 'aedes' | 'nats'];
  if (want.includes('nats') && !natsServerAvailable) {
    console.log('\n(NATS skipped: no /usr/sbin/nats-server; apt-get install nats-server)');
    return want.filter((b) => b !== 'nats');
  }
  return want;
}

let streamNo = 0;

/** The baseline on aedes: the same offered load into a plain aedes broker in its own process, counted by a bare subscriber there. */
async function bareAedes(password: string) {
  const broker = child('bare-broker', {});
  const url = `mqtt://127.0.0.1:${await broker.next()}`;
  const sub = child('subscriber', { BENCH_URL: url, BENCH_PASSWORD: password });
  await sub.next();
  const pub = child('publisher', { BENCH_URL: url, BENCH_PASSWORD: password, BENCH_TYPES: JSON.stringify(benchTypes), BENCH_OFFERED: String(RATE), BENCH_CONNECTIONS: '4' });
  const published = JSON.parse(await pub.next()) as { sent: number; rate: number; skipped: number };
  await new Promise((r) => setTimeout(r, 1000));
  sub.proc.stdin.write('report\n');
  const bare = JSON.parse(await sub.next()) as { received: number; seconds: number };
  broker.proc.stdin.write('stop\n');
  return { published, bare };
}

/** The baseline on NATS: the same offered load into the stream, taken by a consumer that only acks. */
async function bareJetStream(nats: NatsCluster, o: ReturnType<typeof natsOptionsOf>, mqttUrl: string, password: string) {
  const nc = await connect({ servers: nats.urls.split(',') });
  const jsm = await nc.jetstreamManager();
  await ensureIngestStream(jsm, o);
  const consumer = child('js-consumer', { BENCH_NATS: nats.urls, BENCH_STREAM: o.stream, BENCH_CONSUMER: o.consumer });
  await consumer.next();
  const pub = child('publisher', { BENCH_URL: mqttUrl, BENCH_PASSWORD: password, BENCH_TYPES: JSON.stringify(benchTypes), BENCH_OFFERED: String(NATS_RATE), BENCH_CONNECTIONS: '8' });
  const published = JSON.parse(await pub.next()) as { sent: number; skipped: number; seconds: number; rate: number };
  const deadline = performance.now() + 60_000;
  for (;;) {
    const ci = await jsm.consumers.info(o.stream, o.consumer);
    if ((ci.num_pending === 0 && ci.num_ack_pending === 0) || performance.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const stored = (await jsm.streams.info(o.stream)).state.last_seq;
  consumer.proc.stdin.write('report\n');
  const bare = JSON.parse(await consumer.next()) as { received: number; seconds: number };
  await nc.close();
  return { published, bare, stored };
}

async function measure(label: string, base: Deps, password: string, tag: string, nats: NatsCluster | null) {
  const stream = `BENCH_${process.pid}_${++streamNo}`;
  const config = nats ? loadConfig({}, { LOG_LEVEL: 'silent', NATS_URL: nats.urls, NATS_MQTT_BRIDGE: false, NATS_STREAM: stream }) : base.config;
  const deps: Deps = { ...base, config };
  const natsMqtt = nats ? `mqtt://127.0.0.1:${nats.nodes[0]!.mqttPort}` : null;
  const baseline = nats ? await bareJetStream(nats, natsOptionsOf(config), natsMqtt!, password) : null;
  const separate = nats ? null : await bareAedes(password);

  // the brain alone (no alarm → case sink), on the same geo, org and case feed the server would give it
  const { geo, org, bus } = createServices(deps, loadTaxonomy());
  const brain = createBrain(deps, { cases: null, geo, org, caseBus: bus, pipeline: { flushMs: 50, batchSize: 10_000 } });
  await brain.load();
  const broker = await brain.startBroker({ port: 0 });
  const url = natsMqtt ?? `mqtt://127.0.0.1:${broker.port}`;

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  brain.events.subscribe((e) => {
    const t0 = sentAt.get(e.deviceId);
    if (e.action === 'raised' && t0 !== undefined) latencies.push(Date.now() - t0);
  });

  // aedes: a bare subscriber on the same broker in the same window (the NATS baseline ran just before, alone)
  // BENCH_SAME_WINDOW=1: also a bare subscriber on our own broker during the run (its forwarding costs this
  // process about a quarter of its CPU at 60,000/s, so it is off by default: the baseline is the separate broker)
  const sub = nats || process.env.BENCH_SAME_WINDOW !== '1' ? null : child('subscriber', { BENCH_URL: url, BENCH_PASSWORD: password });
  await sub?.next();
  const s0 = { ...brain.pipeline.stats };
  const profiler = await startProfiler();
  const started = performance.now();
  const offered = nats ? NATS_RATE : RATE;
  const pub = child('publisher', { BENCH_URL: url, BENCH_PASSWORD: password, BENCH_TYPES: JSON.stringify(benchTypes), BENCH_OFFERED: String(offered), BENCH_CONNECTIONS: nats ? '8' : '4' });

  // one anomaly per gauge, spread over the load window
  const probe = await mqtt.connectAsync(url, { username: 'gw:bench', password, reconnectPeriod: 0 });
  const probeEvery = (SECONDS * 1000 * 0.8) / LATENCY_GAUGES;
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < LATENCY_GAUGES; i++) {
    const id = `lat-${tag}-${i}`;
    const t0 = Date.now();
    sentAt.set(id, t0);
    probe.publish(`civicgrid/devices/${id}/telemetry`, JSON.stringify({ ts: t0, values: { level: 0.5 } }), { qos: 0 });
    await new Promise((r) => setTimeout(r, probeEvery));
  }
  const published = JSON.parse(await pub.next()) as { sent: number; skipped: number; seconds: number; rate: number };
  // drain: everything the broker delivered is written, or nothing more has come for 3 s (QoS 0 readings the
  // publisher counted but never flushed before it exited), or the wait gives up after 60 s. The rate runs to the
  // last batch written, not to the end of the wait.
  const deadline = performance.now() + 60_000;
  let lastWritten = brain.pipeline.stats.written;
  let lastProgress = performance.now();
  while (brain.pipeline.stats.received - s0.received < published.sent + LATENCY_GAUGES && performance.now() < deadline && performance.now() - lastProgress < 3000) {
    await new Promise((r) => setTimeout(r, 50));
    if (brain.pipeline.stats.written !== lastWritten) {
      lastWritten = brain.pipeline.stats.written;
      lastProgress = performance.now();
    }
  }
  await brain.pipeline.flush();
  if (brain.pipeline.stats.written !== lastWritten) lastProgress = performance.now();
  const elapsed = (lastProgress - started) / 1000;
  await profiler?.stop(`ingest-${tag}`);
  sub?.proc.stdin.write('report\n');
  const same = sub ? (JSON.parse(await sub.next()) as { received: number; seconds: number }) : null;
  const bare = nats ? baseline!.bare : separate!.bare;
  await probe.endAsync();

  const st = brain.pipeline.stats;
  const written = st.written - s0.written;
  const ingestRate = written / elapsed;
  const bareRate = bare.received / Math.max(bare.seconds, 0.001);
  const alarms = await deps.db.selectFrom('alarms').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const readings = await deps.db.selectFrom('readings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  console.log(`\n== ${label} ==`);
  console.log(`load average   ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores)`);
  if (baseline) {
    const b = baseline.published;
    console.log(`baseline       offered ${NATS_RATE}/s for ${SECONDS} s over 8 MQTT connections to nats-server; sent ${b.sent} (${b.rate}/s, skipped ${b.skipped} on back-pressure); stream stored ${baseline.stored}`);
    console.log(`bare JetStream consumer (pull + ack, separate process) received ${bare.received} in ${bare.seconds.toFixed(1)} s = ${Math.round(bareRate)}/s`);
  }
  console.log(`offered        ${offered}/s for ${SECONDS} s to ${DEVICES} devices; publisher sent ${published.sent} (${published.rate}/s, skipped ${published.skipped} on back-pressure)`);
  if (separate) {
    const b = separate.published;
    console.log(`baseline       offered ${RATE}/s for ${SECONDS} s to a plain aedes broker in its own process; sent ${b.sent} (${b.rate}/s); bare mqtt.js there received ${bare.received} in ${bare.seconds.toFixed(1)} s = ${Math.round(bareRate)}/s`);
  }
  const sameRate = same ? same.received / Math.max(same.seconds, 0.001) : null;
  if (same) console.log(`bare mqtt.js   received ${same.received} in ${same.seconds.toFixed(1)} s = ${Math.round(sameRate!)}/s (same in-process broker, same window)`);
  const delivered = brain.pipeline.stats.received - s0.received - LATENCY_GAUGES;
  if (delivered < published.sent)
    console.log(
      nats
        ? `               (${published.sent - delivered} of the ${published.sent} readings were still in the stream when the wait ended)`
        : `               (the broker received ${delivered} of the ${published.sent} the publisher counted: QoS 0 readings it had not flushed when it exited)`,
    );
  console.log(`civicgrid      wrote ${written} readings (+ rules, alarm upserts) in ${elapsed.toFixed(1)} s = ${Math.round(ingestRate)}/s  → ${((ingestRate / bareRate) * 100).toFixed(0)} % of the bare consumer on the separate broker${sameRate ? `, ${((ingestRate / sameRate) * 100).toFixed(0)} % of the same-window one` : ''}`);
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
