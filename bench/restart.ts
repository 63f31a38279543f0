/**
 * bench:restart — how long `civicgrid start` takes to be ready again after `kill -9` (goal < 3 s, issue #19),
 * on PGlite with a demo data directory and on PostgreSQL. First boot (migrations + demo seed, goal < 30 s),
 * then RESTARTS kills with SIGKILL mid-flight and starts again; "ready" is the first 200 from /readyz (database
 * answers, nothing warming). Prints each run, the median, and the load average (the machine is shared).
 *
 *   npm run bench:restart                      PGlite, then PostgreSQL (a new database on BENCH_DATABASE_URL/TEST_DATABASE_URL or local)
 *   RESTARTS=5 BENCH_ENGINES=pglite npm run bench:restart
 *   BENCH_PGLITE_DIR=/tmp/demo-data npm run bench:restart   reuse (and keep) a seeded PGlite data directory
 *   BENCH_PG_URL=postgres://…/seeded npm run bench:restart  the same with a seeded PostgreSQL database
 *   CIVICGRID_BUNDLE=0 npm run bench:restart                the sources through tsx instead of the bundle
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const restarts = Number(process.env.RESTARTS ?? 3);
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
const pgAdminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cli = new URL('../bin/civicgrid.js', import.meta.url).pathname;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** CPU seconds (user + system) a process has used, from /proc: the figure a loaded, shared machine does not inflate. */
function cpuOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100;
  } catch {
    return NaN;
  }
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

interface Boot {
  child: ChildProcess;
  /** ms from spawn to the first answer of /readyz (any status) and to the first 200 */
  answered: number;
  ready: number;
  /** CPU seconds the server used until ready */
  cpu: number;
}

async function boot(env: Record<string, string>, port: number, timeoutMs: number): Promise<Boot> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'start'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  let answered = 0;
  for (;;) {
    if (exited !== null) throw new Error(`server exited (${exited}) before it was ready:\n${stderr}`);
    if (performance.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`not ready within ${timeoutMs} ms:\n${stderr}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
      if (!answered) answered = performance.now() - started;
      if (res.status === 200) return { child, answered, ready: performance.now() - started, cpu: cpuOf(child.pid) };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function run(engine: string) {
  const port = await freePort();
  const env: Record<string, string> = { PORT: String(port), HOST: '127.0.0.1', MQTT_PORT: String(await freePort()), LOG_LEVEL: 'warn', CIVICGRID_DEMO: 'true' };
  // BENCH_PGLITE_DIR: a data directory seeded by an earlier run (kept), so restarts can be measured on their own
  const keep = engine === 'pglite' ? process.env.BENCH_PGLITE_DIR : undefined;
  const dataDir = keep ?? mkdtempSync(join(tmpdir(), `civicgrid-restart-${engine}-`));
  env.CIVICGRID_DATA_DIR = dataDir;
  let dbName = '';
  if (engine === 'postgres' && process.env.BENCH_PG_URL) {
    env.DATABASE_URL = process.env.BENCH_PG_URL; // a seeded database of an earlier run, reused and kept
  } else if (engine === 'postgres') {
    dbName = `civicgrid_bench_restart_${process.pid}`;
    const admin = new pg.Client({ connectionString: pgAdminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(pgAdminUrl);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  }
  try {
    const first = await boot(env, port, 900_000);
    console.log(`${engine}: first boot (migrations + demo seed) ready in ${s(first.ready)} (answering after ${s(first.answered)}, ${first.cpu.toFixed(2)} s CPU) · load ${load()}`);
    // let the start-up jobs (partition upkeep, model save, first sweeps) get going, as a live server would
    await new Promise((r) => setTimeout(r, 3000));
    let child = first.child;
    const times: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < restarts; i++) {
      await killHard(child);
      const b = await boot(env, port, 120_000);
      times.push(b.ready);
      cpus.push(b.cpu);
      console.log(`${engine}: restart ${i + 1} after kill -9 ready in ${s(b.ready)} (answering after ${s(b.answered)}, ${b.cpu.toFixed(2)} s CPU) · load ${load()}`);
      child = b.child;
      await new Promise((r) => setTimeout(r, 1500));
    }
    await killHard(child);
    console.log(`${engine}: restart after kill -9, median of ${times.length}: ${s(median(times))} (goal < 3 s) · max ${s(Math.max(...times))} · CPU median ${median(cpus).toFixed(2)} s · load ${load()}`);
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
    if (dbName) {
      const admin = new pg.Client({ connectionString: pgAdminUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

const { serverBuildIsStale } = (await import(new URL('../scripts/build-server.mjs', import.meta.url).href)) as { serverBuildIsStale(): boolean };
const mode = process.env.CIVICGRID_BUNDLE !== '0' && !serverBuildIsStale() ? 'server bundle (dist/server)' : 'sources through tsx';
console.log(`bench:restart · ${mode} · ${restarts} restarts per engine · node ${process.version} · load ${load()}`);
for (const engine of engines) await run(engine);
