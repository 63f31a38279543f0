/**
 * `npm run bench:evaluation`: p50/p95 of GET /api/v1/evaluation/scores (read from the rollups of migration
 * 0015) on a database holding the demo's year of history, beside the same department figures computed by a
 * full scan over cases and case_events in the same run. PGlite always; PostgreSQL too when TEST_DATABASE_URL
 * is set, where BENCH_SYNTHETIC_CASES (default 0) more cases are added by `seedSynthetic` (the synthetic city of
 * bench:scale, through the same bootstrap in bench-db.ts) in a throwaway database. Prints figures, asserts nothing.
 */
import { sql } from 'kysely';
import { openPglite, type Database } from '../src/server/db/database.ts';
import { seedEvaluationHistory } from '../src/server/evaluation/demo-history.ts';
import { createDatabaseIfMissing, dropDatabase, openBenchCity, openBenchPostgres, time } from './bench-db.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SYNTHETIC = Number(process.env.BENCH_SYNTHETIC_CASES ?? 0);
const pgUrl = process.env.TEST_DATABASE_URL;

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

async function run(label: string, database: Database) {
  const t0 = Date.now();
  let history = { cases: 0, events: 0 };
  let seeded = 0;
  // the demo's year of history goes in before any synthetic cases, as on a city that has run for a year
  const { app, login, get: getAs } = await openBenchCity(database, {
    cases: database.kind === 'postgres' ? SYNTHETIC : 0,
    log: (l) => console.log(`  ${l}`),
    beforeSynthetic: async ({ deps, taxonomy }) => {
      seeded = Date.now();
      history = await seedEvaluationHistory(deps, taxonomy);
    },
  });
  console.log(`${label}: demo seeded in ${seeded - t0} ms, history of ${history.cases} cases / ${history.events} events`);
  const token = await login('leader');
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const period = month.toISOString().slice(0, 7);
  const from = `${period}-01`;
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
  const get = (url: string) => getAs(token, url);
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
  const u = new URL(pgUrl);
  u.pathname = `/cg_bench_eval_${process.pid}`;
  await createDatabaseIfMissing(u);
  const database = await openBenchPostgres(u, 4);
  try {
    await run(`PostgreSQL${SYNTHETIC ? ` (+${SYNTHETIC} synthetic cases)` : ''}`, database);
  } finally {
    await database.close();
    await dropDatabase(u);
  }
}
