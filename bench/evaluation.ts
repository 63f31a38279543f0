/**
 * `npm run bench:evaluation`: p50/p95 of GET /api/v1/evaluation/scores (read from the rollups of migration
 * 0015) on a database holding the demo's year of history, beside the same department figures computed by a
 * full scan over cases and case_events in the same run. PGlite always; PostgreSQL too when TEST_DATABASE_URL
 * is set, where BENCH_SYNTHETIC_CASES (default 0) more cases can be bulk-added by generate_series with their
 * facts and rollups (a labelled synthetic load, not the 10M build of the city-scale issue). Prints figures,
 * asserts nothing.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { createServices } from '../src/server/services.ts';
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';
import { createDeps } from '../src/server/context.ts';
import { openPglite, openPostgres, type Database } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { seedEvaluationHistory } from '../src/server/evaluation/demo-history.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SYNTHETIC = Number(process.env.BENCH_SYNTHETIC_CASES ?? 0);
const pgUrl = process.env.TEST_DATABASE_URL;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 10) / 10;
};

async function time(runs: number, f: () => Promise<unknown>) {
  await f(); // warm-up: plans, caches
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return { p50: pct(out, 50), p95: pct(out, 95) };
}

/** The department figures of one month straight from cases and their events: what a naive report would do. */
const fullScan = (db: Database['db'], from: string, to: string) =>
  sql`
    select c.main_department, count(*) as dispatched,
      count(*) filter (where e.reports > 0) as reported,
      count(*) filter (where e.reports > 0 and e.late = 0) as on_time,
      count(*) filter (where c.state in ('closed', 'rated') and not e.reopened) as closed,
      count(*) filter (where e.rated) as rated,
      count(*) filter (where c.rating in ('satisfied', 'basically_satisfied')) as satisfied,
      sum(e.reds) as red
    from cases c join lateral (
      select count(*) filter (where ev.action = 'report') as reports,
        count(*) filter (where ev.action = 'report' and ev.at > c.due_at) as late,
        coalesce(bool_or(ev.action = 'rework' and ev.from_state = 'rated'), false) as reopened,
        coalesce(bool_or(ev.action = 'rate'), false) as rated,
        count(*) filter (where ev.action = 'supervise' and ev.payload ->> 'level' = 'red') as reds
      from case_events ev where ev.case_id = c.id
    ) e on true
    where c.dispatched_at >= ${from}::date and c.dispatched_at < ${to}::date + 1 and c.main_department is not null
    group by c.main_department`.execute(db);

/** Synthetic cases on PostgreSQL: rows spread over the year, units, grids and categories, facts and rollups rebuilt. */
async function addSynthetic(database: Database['db'], n: number) {
  const t0 = Date.now();
  // bulk: the per-event triggers stand aside, one rebuild follows (as the demo history does)
  await database.transaction().execute(async (db) => {
  await sql`select set_config('civicgrid.evaluation_bulk', 'on', true)`.execute(db);
  await sql`
    insert into cases (code, channel, state, text, category, grid_code, area_path, main_department, dispatched_at, due_at, created_at, updated_at, closed_at, rating)
    select '1' || lpad(i::text, 12, '0'), 'hotline', (array['rated', 'closed', 'handling'])[1 + i % 3], '合成案件',
      (array['0101','0401','0501','0801','1101','0503','0403'])[1 + i % 7], g.codes[1 + i % g.n], g.paths[1 + i % g.n]::ltree,
      (array['HW','CGZF','SZ','GA','ZJ','SZ','JJ'])[1 + i % 7],
      t.ts, t.ts + interval '48 hours', t.ts, t.ts, case when i % 3 < 2 then t.ts + interval '30 hours' end, case when i % 3 = 0 then 'satisfied' end
    from (select array_agg(code order by code) as codes, array_agg(path::text order by code) as paths, count(*)::int as n from areas where level = 'grid') g
    cross join generate_series(1, ${n}) as i
    cross join lateral (select now() - (i % 365) * interval '1 day' - (i % 600) * interval '1 minute' as ts) t`.execute(db);
  await sql`
    insert into case_events (case_id, at, actor, action, from_state, to_state)
    select id, created_at, 'bench', a.action, null, 'received' from cases c
    cross join (values ('intake'), ('dispatch'), ('report'), ('check'), ('close')) as a(action)
    where c.code like '1%'`.execute(db);
  });
  const built = Date.now();
  await sql`select evaluation_rebuild()`.execute(database);
  console.log(`  synthetic: ${n} cases + ${n * 5} events inserted in ${built - t0} ms, rollups rebuilt in ${Date.now() - built} ms`);
}

async function run(label: string, database: Database) {
  const t0 = Date.now();
  await migrate(database.db);
  const deps = createDeps(database, { config: loadConfig({}, { LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT_PER_MINUTE: 10_000 }) });
  const taxonomy = loadTaxonomy();
  await seedDemo(deps, taxonomy, 'demo-pass-2026');
  const seeded = Date.now();
  const history = await seedEvaluationHistory(deps, taxonomy);
  console.log(`${label}: demo seeded in ${seeded - t0} ms, history of ${history.cases} cases / ${history.events} events in ${Date.now() - seeded} ms`);
  if (SYNTHETIC > 0 && database.kind === 'postgres') await addSynthetic(database.db, SYNTHETIC);
  const app = await buildApp({ deps, taxonomy, services: createServices(deps, taxonomy) });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'demo-pass-2026' } });
  const token = login.json<{ token: string }>().token;
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const period = month.toISOString().slice(0, 7);
  const from = `${period}-01`;
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
  const get = (url: string) => async () => {
    const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body}`);
  };
  const counts = await sql<{ cases: number; rollup: number }>`select (select count(*)::int from cases) as cases, (select count(*)::int from evaluation_daily) as rollup`.execute(database.db);
  console.log(`  ${counts.rows[0]!.cases} cases, ${counts.rows[0]!.rollup} rollup rows; period ${period}, ${RUNS} runs each`);
  const dep = await time(RUNS, get(`/api/v1/evaluation/scores?subject=department&period=${period}`));
  const year = await time(RUNS, get(`/api/v1/evaluation/scores?subject=department&period=${period.slice(0, 4)}`));
  const grid = await time(Math.max(5, RUNS / 4), get(`/api/v1/evaluation/scores?subject=area&level=grid&period=${period}`));
  const scan = await time(Math.max(5, RUNS / 4), () => fullScan(database.db, from, to));
  const scanYear = await time(Math.max(3, RUNS / 8), () => fullScan(database.db, `${period.slice(0, 4)}-01-01`, to));
  console.log(`  scores department, month      p50 ${dep.p50} ms  p95 ${dep.p95} ms`);
  console.log(`  scores department, year       p50 ${year.p50} ms  p95 ${year.p95} ms`);
  console.log(`  scores area (600 grids), month p50 ${grid.p50} ms  p95 ${grid.p95} ms`);
  console.log(`  full scan cases+events, month p50 ${scan.p50} ms  p95 ${scan.p95} ms`);
  console.log(`  full scan cases+events, year  p50 ${scanYear.p50} ms  p95 ${scanYear.p95} ms`);
  await app.close();
}

if (!process.env.BENCH_ONLY_POSTGRES) {
  const lite = await openPglite();
  await run('PGlite', lite);
  await lite.close();
}

if (pgUrl) {
  const name = `cg_bench_eval_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  const database = await openPostgres(u.toString(), 4);
  try {
    await run(`PostgreSQL${SYNTHETIC ? ` (+${SYNTHETIC} synthetic cases)` : ''}`, database);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
