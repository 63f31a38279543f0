/**
 * `npm run bench:intake`: cases created per second through the real HTTP API (listening server on loopback,
 * concurrent clients; each request authenticates, locates the point in the grid index, runs the duplicate
 * check and writes case + event + audit entry), printed beside the raw single-row INSERT rate of the same
 * database in the same run. PGlite always; PostgreSQL too when TEST_DATABASE_URL or DATABASE_URL is set.
 * Prints figures, asserts nothing.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { startAuditSealer } from '../src/server/audit/sealer.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDeps } from '../src/server/context.ts';
import { openPglite, openPostgres, type Database } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { createServices } from '../src/server/services.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';
import { startLoadClient } from './load-client.ts';
import { postgresCpuMs, startProfiler } from './measure.ts';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TIME_LIMIT_MS = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

interface Figures {
  db: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50: number;
  p99: number;
  rawPerSecond: number;
  /** machine CPU (the inserting process and PostgreSQL) per raw INSERT */
  rawCpuMsPerRow: number;
  /** PostgreSQL's part of it */
  rawPgCpuMsPerRow: number;
  /** CPU of the server process per created case (the load generator runs in its own process) */
  cpuMsPerCase: number;
  /** CPU of the load generator per request */
  clientCpuMsPerCase: number;
  /** CPU of the PostgreSQL server processes per case (local server only, from /proc) */
  pgCpuMsPerCase: number | null;
  /** longest time from an audit entry's time to its seal, during the run (the sealer runs as in the server) */
  sealLagMs: number;
}

/** Runs `task` from `CONCURRENCY` workers until `total` are done or the time limit passes. */
async function pump(total: number, task: (i: number) => Promise<boolean>): Promise<{ done: number; errors: number; ms: number; latencies: number[] }> {
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const start = performance.now();
  const worker = async () => {
    while (next < total && performance.now() - start < TIME_LIMIT_MS) {
      const i = next++;
      const t0 = performance.now();
      if (!(await task(i))) errors++;
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { done: latencies.length, errors, ms: performance.now() - start, latencies: latencies.sort((a, b) => a - b) };
}

/** Single-row INSERTs from the same number of concurrent clients, and the CPU (this process + PostgreSQL) each took. */
async function rawInsertRate(database: Database, total: number): Promise<{ perSecond: number; cpuMsPerRow: number; pgCpuMsPerRow: number }> {
  await sql`create table if not exists bench_raw (id bigint generated always as identity primary key, code text not null, body text not null, lon float8, lat float8, created_at timestamptz not null)`.execute(database.db);
  const cpu0 = process.cpuUsage();
  const pg0 = database.kind === 'postgres' ? postgresCpuMs() : 0;
  const r = await pump(total, async (i) => {
    await sql`insert into bench_raw (code, body, lon, lat, created_at) values (${`raw${i}`}, ${'幸福路的垃圾堆了好几天没人清理'}, ${120.5}, ${31.0}, ${new Date()})`.execute(database.db);
    return true;
  });
  const cpu = process.cpuUsage(cpu0);
  const pgMs = database.kind === 'postgres' ? postgresCpuMs() - pg0 : 0;
  await sql`drop table bench_raw`.execute(database.db);
  return { perSecond: (r.done / r.ms) * 1000, cpuMsPerRow: ((cpu.user + cpu.system) / 1000 + pgMs) / Math.max(1, r.done), pgCpuMsPerRow: pgMs / Math.max(1, r.done) };
}

async function run(label: string, database: Database, total: number): Promise<Figures> {
  const config = loadConfig({}, { LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT_PER_MINUTE: 10_000 });
  const deps = createDeps(database, { config });
  const taxonomy = loadTaxonomy();
  await migrate(database.db);
  await seedDemo(deps, taxonomy, 'demo-pass-2026');
  const app = await buildApp({ deps, taxonomy, services: createServices(deps, taxonomy) });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  // as in the server: committed audit rows are sealed into the hash chain every 500 ms (D6)
  const sealer = startAuditSealer(database.db, deps.audit, deps.logger, 500);
  try {
    const token = ((await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'clerk', password: 'demo-pass-2026' }) })).json()) as { token: string }).token;
    const grids = (await sql<{ lon: number; lat: number }>`select center_lon as lon, center_lat as lat from area_geometries g join areas a on a.code = g.area_code where a.level = 'grid' order by a.code`.execute(database.db)).rows;
    const examples = taxonomy.examples;
    const body = (i: number) => {
      const ex = examples[i % examples.length]!;
      const g = grids[(i * 7) % grids.length]!;
      return JSON.stringify({ channel: 'hotline', text: ex.text, category: ex.category, nature: ex.nature, lon: g.lon, lat: g.lat, ...(i % 3 === 0 ? { reporter: { name: '测试', phone: `138${String(10_000_000 + i).slice(-8)}` } } : {}) });
    };
    const bodies = Array.from({ length: 4000 }, (_, i) => body(i + 20));
    // warm-up: JIT, connection pool, grid index
    await startLoadClient({ url: `${base}/api/v1/cases`, token, bodies: bodies.slice(0, 200), total: 200, concurrency: 8, timeLimitMs: 60_000, expectStatus: 201 });
    // A running city's tables have statistics (autovacuum analyses them); the freshly seeded one has none yet.
    await sql`analyze`.execute(database.db);
    const cpu0 = process.cpuUsage();
    const pg0 = database.kind === 'postgres' ? postgresCpuMs() : 0;
    const profiler = await startProfiler();
    const r = await startLoadClient({ url: `${base}/api/v1/cases`, token, bodies, total, concurrency: CONCURRENCY, timeLimitMs: TIME_LIMIT_MS, expectStatus: 201 });
    await profiler?.stop(label);
    const cpu = process.cpuUsage(cpu0);
    const pgCpu = database.kind === 'postgres' ? postgresCpuMs() - pg0 : null;
    if (r.firstError) console.error(`${label}: first error: ${r.firstError}`);
    await sealer.stop();
    const lag = await sql<{ ms: number | null }>`select (extract(epoch from max(sealed_at - at)) * 1000)::float8 as ms from audit_log where action = 'case.intake'`.execute(database.db);
    const cpuMsPerCase = (cpu.user + cpu.system) / 1000 / Math.max(1, r.done);
    const raw = await rawInsertRate(database, total);
    return { db: label, requests: r.done, errors: r.errors, perSecond: (r.done / r.ms) * 1000, p50: r.p50, p99: r.p99, rawPerSecond: raw.perSecond, rawCpuMsPerRow: raw.cpuMsPerRow, rawPgCpuMsPerRow: raw.pgCpuMsPerRow, cpuMsPerCase, clientCpuMsPerCase: r.clientCpuMsPerRequest, pgCpuMsPerCase: pgCpu === null ? null : pgCpu / Math.max(1, r.done), sealLagMs: Number(lag.rows[0]?.ms ?? 0) };
  } finally {
    await sealer.stop();
    await app.close();
  }
}

const results: Figures[] = [];
{
  const lite = await openPglite();
  try {
    results.push(await run('PGlite (in-memory)', lite, Number(process.env.BENCH_PGLITE_CASES ?? 3000)));
  } finally {
    await lite.close();
  }
}
if (pgUrl) {
  const name = `cg_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  const database = await openPostgres(u.toString(), Number(process.env.DATABASE_POOL_SIZE ?? 20));
  try {
    results.push(await run('PostgreSQL', database, Number(process.env.BENCH_PG_CASES ?? 10000)));
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log('PostgreSQL skipped: set TEST_DATABASE_URL or DATABASE_URL to include it');
}

console.log(`\nintake through HTTP, ${CONCURRENCY} concurrent clients (grid lookup + duplicate check + case/event/audit rows)`);
console.table(
  results.map((r) => ({
    database: r.db,
    'cases created': r.requests - r.errors,
    errors: r.errors,
    'cases/s': Math.round(r.perSecond),
    'p50 ms': r.p50.toFixed(1),
    'p99 ms': r.p99.toFixed(1),
    'server CPU ms/case': r.cpuMsPerCase.toFixed(2),
    'client CPU ms/req': r.clientCpuMsPerCase.toFixed(2),
    'PostgreSQL CPU ms/case': r.pgCpuMsPerCase === null ? '-' : r.pgCpuMsPerCase.toFixed(2),
    'raw INSERT/s': Math.round(r.rawPerSecond),
    'raw CPU ms/row': r.rawCpuMsPerRow.toFixed(2),
    'share of raw': `${((r.perSecond / r.rawPerSecond) * 100).toFixed(0)} %`,
    'max seal lag ms': Math.round(r.sealLagMs),
  })),
);
const onPostgres = results.find((r) => r.db === 'PostgreSQL');
if (onPostgres) {
  const share = onPostgres.perSecond / onPostgres.rawPerSecond;
  const cpuPerCase = onPostgres.cpuMsPerCase + onPostgres.clientCpuMsPerCase + (onPostgres.pgCpuMsPerCase ?? 0);
  console.log(
    `issue #4 goal on PostgreSQL, ≥ 1,000 cases/s and ≥ 30 % of raw: ${Math.round(onPostgres.perSecond)} cases/s, ${(share * 100).toFixed(0)} % → ${onPostgres.perSecond >= 1000 && share >= 0.3 ? 'met' : 'NOT met'}` +
      `\nmachine CPU a case (server + load generator + PostgreSQL): ${cpuPerCase.toFixed(2)} ms, ${(cpuPerCase / onPostgres.rawCpuMsPerRow).toFixed(1)}× a raw INSERT's ${onPostgres.rawCpuMsPerRow.toFixed(2)} ms` +
      `\nPostgreSQL CPU a case: ${(onPostgres.pgCpuMsPerCase ?? 0).toFixed(2)} ms, ${((onPostgres.pgCpuMsPerCase ?? 0) / onPostgres.rawPgCpuMsPerRow).toFixed(1)}× a raw INSERT's ${onPostgres.rawPgCpuMsPerRow.toFixed(2)} ms (the bound if API nodes had cores of their own)`,
  );
}
