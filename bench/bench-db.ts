/**
 * What bench:scale and bench:evaluation share: a PostgreSQL database of their own (created on first use, never
 * the shared `postgres` one), migrated, demo-seeded and topped up with synthetic cases by `seedSynthetic` (reused
 * by its synthetic_seeds marker), the real app on it, and p50/p95 timing.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDeps } from '../src/server/context.ts';
import { openPostgres, type Database } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { getSetting } from '../src/server/db/settings-store.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { seedSynthetic } from '../src/server/seed/synthetic.ts';
import { createServices } from '../src/server/services.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';

export const DEMO_PASSWORD = 'demo-pass-2026';

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};

/** p50/p95 of `runs` calls after one warm-up call (plans, caches). */
export async function time(runs: number, f: () => Promise<unknown>) {
  await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return { p50: pct(out, 50), p95: pct(out, 95) };
}

export async function createDatabaseIfMissing(url: URL) {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const name = url.pathname.slice(1);
  if (!(await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount) await admin.query(`create database ${name}`);
  await admin.end();
}

export async function dropDatabase(url: URL) {
  const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  await admin.query(`drop database if exists ${url.pathname.slice(1)} with (force)`);
  await admin.end();
}

/** Migrated, demo-seeded, with at least `cases` synthetic cases; the app built on it. */
export async function openBenchCity(database: Database, o: { cases: number; log?: (l: string) => void; beforeSynthetic?: (d: BenchCity) => Promise<void> }) {
  const log = o.log ?? ((l: string) => console.log(l));
  await migrate(database.db);
  const deps = createDeps(database, { config: loadConfig({}, { LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT_PER_MINUTE: 100_000 }) });
  const taxonomy = loadTaxonomy();
  if ((await getSetting(database.db, 'mode')) !== 'demo') await seedDemo(deps, taxonomy, DEMO_PASSWORD);
  const city = { database, deps, taxonomy };
  await o.beforeSynthetic?.(city as BenchCity);
  const loaded = Number((await sql<{ n: string }>`select coalesce(sum(cases), 0)::text as n from synthetic_seeds`.execute(database.db)).rows[0]!.n);
  if (loaded < o.cases) {
    const seeds = Number((await sql<{ n: string }>`select count(*)::text as n from synthetic_seeds`.execute(database.db)).rows[0]!.n);
    log(`building ${(o.cases - loaded).toLocaleString('en')} synthetic cases (${loaded.toLocaleString('en')} loaded) …`);
    const r = await seedSynthetic(deps, taxonomy, { cases: o.cases - loaded, seed: 100 + seeds, log: (l) => log(`  ${l}`) });
    log(`built in ${r.seconds.toFixed(0)} s (${Math.round(r.cases / r.seconds)} cases/s), ${r.events.toLocaleString('en')} events`);
  }
  const app = await buildApp({ deps, taxonomy, services: createServices(deps, taxonomy) });
  await app.ready();
  const login = async (username: string) =>
    (await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: DEMO_PASSWORD } })).json<{ token: string }>().token;
  /** A GET as `token` that throws on anything but 200. */
  const get = (token: string, path: string) => async () => {
    const r = await app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
    if (r.statusCode !== 200) throw new Error(`${path}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    return r;
  };
  return { ...city, app, login, get };
}
export type BenchCity = Awaited<ReturnType<typeof openBenchCity>>;

export const openBenchPostgres = (url: URL, pool = 8) => openPostgres(url.toString(), pool);
