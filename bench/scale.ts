/**
 * `npm run bench:scale`: p50/p95 of the read paths a big city's staff hit all day — dashboard (leader and a
 * district user), yellow/red cards, list pages 1 and 1000 with and without filters, district-scoped list, case
 * detail, evaluation scores — through the real HTTP stack, beside the same questions asked as naive full
 * queries in the same run. Builds the synthetic city once in its own PostgreSQL database (BENCH_SCALE_URL,
 * default civicgrid_scale on the local server; BENCH_SCALE_CASES, default 10M) and reuses it by the
 * synthetic_seeds marker. Prints figures, asserts nothing.
 */
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import { encodeCursor } from '../src/server/cases/cursor.ts';
import { createDatabaseIfMissing, openBenchCity, openBenchPostgres, time as timed } from './bench-db.ts';

const TARGET = Number(process.env.BENCH_SCALE_CASES ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const url = new URL(process.env.BENCH_SCALE_URL ?? 'postgres://postgres@127.0.0.1:5432/civicgrid_scale');
const OPEN = `('received','filed','dispatched','handling','extension_requested','parked','reported','checked','returned')`;
const time = (f: () => Promise<unknown>, runs = RUNS) => timed(runs, f);

await createDatabaseIfMissing(url);
const dbName = url.pathname.slice(1);
const database = await openBenchPostgres(url, 8);
const { app, login, get } = await openBenchCity(database, { cases: TARGET });
const total = (await sql<{ n: string }>`select count(*)::text as n from cases`.execute(database.db)).rows[0]!.n;
const leader = await login('leader');
const district = await login('dispatcher.east');
const q = (text: string) => () => sql.raw(text).execute(database.db);
const city = (await sql<{ path: string }>`select path::text as path from areas where level = 'city' limit 1`.execute(database.db)).rows[0]!.path;
const east = (await sql<{ path: string }>`select path::text as path from areas where code = '990102'`.execute(database.db)).rows[0]!.path;
const sample = (await sql<{ code: string }>`select code from cases order by created_at desc offset 5000 limit 1`.execute(database.db)).rows[0]!.code;
const deep = (await sql<{ code: string }>`select code from cases order by created_at desc, code desc offset 19979 limit 1`.execute(database.db)).rows[0]!.code;
const deepEast = (await sql<{ code: string }>`select code from cases where area_path <@ ${east}::ltree order by created_at desc, code desc offset 19979 limit 1`.execute(database.db)).rows[0]!.code;
const box = (await sql<{ w: number; s: number; e: number; n: number; lon: number; lat: number }>`
  select min(lon) as w, min(lat) as s, max(lon) as e, max(lat) as n, avg(lon) as lon, avg(lat) as lat from cases where lat is not null and area_path <@ ${east}::ltree`.execute(database.db)).rows[0]!;
const cityBox = `${box.w - 0.5},${box.s - 0.5},${box.e + 0.5},${box.n + 0.5}`;
const streetBox = `${box.lon - 0.004},${box.lat - 0.003},${box.lon + 0.004},${box.lat + 0.003}`;
const now = new Date();
const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const period = prev.toISOString().slice(0, 7);

/** The dashboard as it was: five counts over every open case in scope. */
const naiveDashboard = (scope: string) => () =>
  Promise.all([
    q(`select state, count(*) from cases where area_path <@ '${scope}' and state in ${OPEN} group by 1`)(),
    q(`select category, count(*) from cases where area_path <@ '${scope}' and state in ${OPEN} group by 1 order by 2 desc limit 20`)(),
    q(`select subpath(area_path, 0, least(nlevel(area_path), 2)), count(*) from cases where area_path <@ '${scope}' and state in ${OPEN} group by 1`)(),
    q(`select count(*) from cases where area_path <@ '${scope}' and state in ${OPEN} and due_at < now() and paused_since is null`)(),
    q(`select count(*) from cases where area_path <@ '${scope}' and state in ${OPEN}`)(),
  ]);
const naiveList = (where: string, offset: number) => () =>
  Promise.all([q(`select * from cases where ${where} order by created_at desc, code desc limit 20 offset ${offset}`)(), q(`select count(*) from cases where ${where}`)()]);
const naiveScores = q(`select c.main_department, count(*), count(*) filter (where c.state in ('closed','rated')), count(*) filter (where c.rating in ('satisfied','basically_satisfied')),
  count(*) filter (where exists (select 1 from case_events e where e.case_id = c.id and e.action = 'report' and e.at > c.due_at))
  from cases c where c.dispatched_at >= '${period}-01'::date and c.dispatched_at < ('${period}-01'::date + interval '1 month') and c.main_department is not null group by 1`);

const rows: [string, () => Promise<unknown>, (() => Promise<unknown>) | null][] = [
  ['dashboard, leader (city)', get(leader, '/api/v1/brain/dashboard'), naiveDashboard(city)],
  ['dashboard, district user', get(district, '/api/v1/brain/dashboard'), naiveDashboard(east)],
  ['yellow cards (count)', get(leader, '/api/v1/cases?supervision=yellow&pageSize=1'), naiveList(`area_path <@ '${city}' and supervision = 'yellow'`, 0)],
  ['red cards (count)', get(leader, '/api/v1/cases?supervision=red&pageSize=1'), naiveList(`area_path <@ '${city}' and supervision = 'red'`, 0)],
  ['list page 1', get(leader, '/api/v1/cases?pageSize=20'), naiveList(`area_path <@ '${city}'`, 0)],
  ['list page 1000', get(leader, '/api/v1/cases?pageSize=20&page=1000'), naiveList(`area_path <@ '${city}'`, 19_980)],
  ['list page 1, state+category', get(leader, '/api/v1/cases?pageSize=20&state=handling&category=0501'), naiveList(`area_path <@ '${city}' and state = 'handling' and category = '0501'`, 0)],
  ['list page 1000, state=rated', get(leader, '/api/v1/cases?pageSize=20&page=1000&state=rated'), naiveList(`area_path <@ '${city}' and state = 'rated'`, 19_980)],
  ['district list page 1', get(district, '/api/v1/cases?pageSize=20'), naiveList(`area_path <@ '${east}'`, 0)],
  ['district + state filter', get(district, '/api/v1/cases?pageSize=20&state=dispatched'), naiveList(`area_path <@ '${east}' and state = 'dispatched'`, 0)],
  ['list after 19,980 rows (cursor)', get(leader, `/api/v1/cases?pageSize=20&cursor=${encodeCursor(deep)}`), naiveList(`area_path <@ '${city}'`, 19_980)],
  ['district after 19,980 (cursor)', get(district, `/api/v1/cases?pageSize=20&cursor=${encodeCursor(deepEast)}`), naiveList(`area_path <@ '${east}'`, 19_980)],
  ['list page 1, channel=web (est.)', get(leader, '/api/v1/cases?pageSize=20&channel=web'), naiveList(`area_path <@ '${city}' and channel = 'web'`, 0)],
  ['map, city zoom 11 (H3 cells)', get(leader, `/api/v1/cases/map?bbox=${cityBox}&zoom=11`), q(`select h3, count(*) from cases where area_path <@ '${city}' and state in ${OPEN} group by 1`)],
  ['map, district user zoom 11', get(district, `/api/v1/cases/map?bbox=${cityBox}&zoom=11`), q(`select h3, count(*) from cases where area_path <@ '${east}' and state in ${OPEN} group by 1`)],
  ['map, street zoom 16 (points)', get(district, `/api/v1/cases/map?bbox=${streetBox}&zoom=16`), q(`select code, lon, lat from cases where area_path <@ '${east}' and state in ${OPEN}`)],
  ['case detail', get(leader, `/api/v1/cases/${sample}`), null],
  [`evaluation scores ${period}`, get(leader, `/api/v1/evaluation/scores?subject=department&period=${period}`), naiveScores],
];
console.log(`bench:scale on ${dbName}: ${Number(total).toLocaleString('en')} cases; ${RUNS} runs each; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('question                          API p50 / p95 ms      naive SQL p50 / p95 ms (the old way: all open cases for the map)');
for (const [label, api, naive] of rows) {
  const a = await time(api);
  const n = naive ? await time(naive, Math.max(3, Math.round(RUNS / 4))) : null;
  console.log(`${label.padEnd(32)}  ${`${a.p50} / ${a.p95}`.padEnd(20)}  ${n ? `${n.p50} / ${n.p95}` : '—'}`);
}
console.log(`load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
await app.close();
await database.close();
