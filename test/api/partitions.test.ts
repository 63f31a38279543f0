import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartitionJobs } from '../../src/server/db/partition-jobs.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, gridWorkerPoint, intake, loginAll, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestApp({ READINGS_RETENTION_DAYS: 92 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

const db = () => t.deps.db;
const jobs = () => createPartitionJobs(t.deps.db, t.clock);

/** Which partition each of a case's events is stored in, in event order. */
const eventHomes = async (code: string) =>
  (
    await sql<{ part: string; action: string }>`select e.tableoid::regclass::text as part, e.action from case_events e join cases c on c.id = e.case_id
      where c.code = ${code} order by e.id`.execute(db())
  ).rows;
const partitions = async (table: string) =>
  (await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ${table}::regclass order by 1`.execute(db())).rows.map((r) => r.name);
const facts = async (code: string) =>
  (await sql<{ filed: boolean; dispatched: boolean; urges: number }>`select f.filed, f.dispatched, f.urges from evaluation_case_facts f join cases c on c.id = f.case_id where c.code = ${code}`.execute(db())).rows[0];
const outbox = async () => Number((await sql<{ n: string }>`select count(*) as n from notify_outbox`.execute(db())).rows[0]!.n);
const countsMatch = async () => {
  const kept = await sql`select scope::text, state, category, supervision, n::int as n from case_scope_counts where n <> 0 order by 1, 2, 3, 4`.execute(db());
  const truth = await sql`select subpath(area_path, 0, i)::text as scope, state, coalesce(category, '') as category, supervision, count(*)::int as n
    from cases, generate_series(1, nlevel(area_path)) as i group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db());
  return [kept.rows, truth.rows];
};
/** The partitions a query's plan reads (pruned ones are absent). */
const scanned = async (query: string) => {
  const plan = JSON.stringify((await sql.raw<{ 'QUERY PLAN': unknown }>(`explain (format json) ${query}`).execute(db())).rows[0]!['QUERY PLAN']);
  return [...new Set([...plan.matchAll(/"Relation Name":"([a-z0-9_]+)"/g)].map((m) => m[1]))].sort();
};

describe('time partitions (0034)', () => {
  it('puts each event in its month, catches an unplanned month in the default partition, and moves it out without firing triggers twice', async () => {
    const ahead = await jobs().maintain();
    expect(ahead.ensured).toEqual(expect.arrayContaining(['case_events_p202611', 'case_events_p202702', 'readings_p202611', 'readings_p202702']));
    // idempotent: a second run (or a second node) creates nothing new and fails on nothing
    const before = await partitions('case_events');
    await jobs().maintain();
    expect(await partitions('case_events')).toEqual(before);

    const p = await gridWorkerPoint(t, tok.gridworker);
    const { code } = await intake(t, tok.clerk, { text: '小区门口井盖缺失，有人掉下去的危险', category: '0501', nature: 'complaint', lon: p.lon, lat: p.lat });
    expect(await eventHomes(code)).toEqual([{ part: 'case_events_p202611', action: 'intake' }]);

    // the clock jumps to a month nobody created: the transitions are stored (default partition) and the
    // rollup triggers fire
    t.clock.set('2027-07-20T10:00:00+08:00');
    tok = await loginAll(t);
    expect(await partitions('case_events')).not.toContain('case_events_p202707');
    await actOk(t, tok.dispatcher, code, 'file');
    await actOk(t, tok.dispatcher, code, 'dispatch');
    expect((await eventHomes(code)).map((e) => e.part)).toEqual(['case_events_p202611', 'case_events_default', 'case_events_default']);
    expect(await facts(code)).toEqual({ filed: true, dispatched: true, urges: 0 });
    const [kept, truth] = await countsMatch();
    expect(kept).toEqual(truth);
    const queued = await outbox();

    // two months on, the upkeep creates September ahead and settles the default partition: July's rows move
    // into their own month, and nothing is counted or notified again
    t.clock.set('2027-09-14T10:00:00+08:00');
    tok = await loginAll(t);
    const settled = await jobs().maintain();
    expect(settled.ensured).toEqual(expect.arrayContaining(['case_events_p202709', 'case_events_p202712']));
    expect(settled.settled).toEqual(['case_events_p202707']);
    expect((await eventHomes(code)).map((e) => e.part)).toEqual(['case_events_p202611', 'case_events_p202707', 'case_events_p202707']);
    expect(Number((await sql<{ n: string }>`select count(*) as n from case_events_default`.execute(db())).rows[0]!.n)).toBe(0);
    expect(await outbox()).toBe(queued);
    expect(await facts(code)).toEqual({ filed: true, dispatched: true, urges: 0 });

    // the moved month is a full partition: later events of the case go there, the triggers fire, and the
    // workflow's own reads of the history (the urge counter) see both months
    await actOk(t, tok.dispatcher, code, 'urge', { reason: '请尽快处理' });
    await actOk(t, tok.dispatcher, code, 'urge', { reason: '再次催办' });
    expect((await eventHomes(code)).slice(3).map((e) => e.part)).toEqual(['case_events_p202709', 'case_events_p202709']);
    expect(await facts(code)).toEqual({ filed: true, dispatched: true, urges: 2 });
    const last = (await sql<{ payload: { urges: number } }>`select e.payload from case_events e join cases c on c.id = e.case_id where c.code = ${code} order by e.id desc limit 1`.execute(db())).rows[0]!;
    expect(last.payload.urges).toBe(2);
    const [kept2, truth2] = await countsMatch();
    expect(kept2).toEqual(truth2);

    // a time filter reads only its month
    expect(await scanned(`select count(*) from case_events where at >= '2027-07-01T00:00:00Z' and at < '2027-07-25T00:00:00Z'`)).toEqual(['case_events_p202707']);
    expect(await scanned(`select * from readings where device_id = 'x' and ts >= '2026-11-02T00:00:00Z' and ts < '2026-11-03T00:00:00Z'`)).toEqual(['readings_p202611']);
  });

  it('drops readings partitions past READINGS_RETENTION_DAYS, old strays in the default partition too, and never case history', async () => {
    t.clock.set('2027-06-10T12:00:00Z');
    for (const m of ['2026-12-01', '2027-01-01', '2027-02-01', '2027-03-01', '2027-04-01']) await sql`select brain_ensure_readings_partition(${m}::date)`.execute(db());
    const put = (ts: string) => sql`insert into readings (device_id, metric, ts, value) values ('demo-water-level-001', 'level', ${ts}::timestamptz, 0.1)`.execute(db());
    for (const ts of ['2026-12-15T00:00:00Z', '2027-02-27T00:00:00Z', '2027-03-15T00:00:00Z', '2027-04-02T00:00:00Z']) await put(ts);
    // a reading of a month without a partition: only the default partition catches it
    expect(await partitions('readings')).not.toContain('readings_p202605');
    await put('2026-05-20T00:00:00Z');
    const eventsBefore = await partitions('case_events');

    const dropped = await t.services.brain.storage.retention();
    // 92 days before 2027-06-10 is 2027-03-10: every month that ended by then goes; March (partly newer) stays
    expect(dropped).toEqual(expect.arrayContaining(['readings_p202612', 'readings_p202701', 'readings_p202702']));
    expect(dropped.every((n) => n < 'readings_p202703')).toBe(true);
    const left = (await sql<{ ts: Date }>`select ts from readings order by ts`.execute(db())).rows.map((r) => new Date(r.ts).toISOString());
    expect(left).toEqual(['2027-03-15T00:00:00.000Z', '2027-04-02T00:00:00.000Z']);
    expect(await partitions('readings')).toEqual(expect.arrayContaining(['readings_default', 'readings_p202703', 'readings_p202704']));
    expect(await partitions('case_events')).toEqual(eventsBefore);
    // running it again drops nothing more
    expect(await t.services.brain.storage.retention()).toEqual([]);
  });
});
