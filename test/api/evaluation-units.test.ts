import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEvaluationHistory } from '../../src/server/evaluation/demo-history.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { gridWorkerPoint, intake, loginAll, type Tokens } from './cases-support.ts';

// 0037: the unit rollup the city's and districts' scores read, and the rebuild's set-based recurrence rule,
// against their definitions (evaluation_daily summed; the per-case EXISTS of 0015) on months of demo history.
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
  await seedEvaluationHistory(t.deps, loadTaxonomy(), { days: 90, perDay: 12 });
}, 120_000);
afterAll(() => t.close());

const units = async () =>
  (await sql`select day::text, department, district::text, received, dispatched, closed, closed_effective, recurred, rated, satisfied, red, objections
    from evaluation_unit_daily where received + dispatched + closed + objections + red > 0 order by 1, 2, 3`.execute(t.deps.db)).rows;
const summed = async () =>
  (await sql`select day::text, department, subpath(area_path, 0, least(nlevel(area_path), 2))::text as district, sum(received)::int as received,
      sum(dispatched)::int as dispatched, sum(closed)::int as closed, sum(closed_effective)::int as closed_effective, sum(recurred)::int as recurred,
      sum(rated)::int as rated, sum(satisfied)::int as satisfied, sum(red)::int as red, sum(objections)::int as objections
    from evaluation_daily group by 1, 2, 3 having sum(received + dispatched + closed + objections + red) > 0 order by 1, 2, 3`.execute(t.deps.db)).rows;

/** Every rollup the evaluation reads, all columns, non-empty rows: what the triggers kept, to compare with a rebuild. */
const rollups = async () => ({
  facts: (await sql`select case_id, department, grid_code, area_path::text, category, channel, reporter_id, received_day::text, filed, dispatched from evaluation_case_facts order by 1`.execute(t.deps.db)).rows,
  daily: (await sql`select * from evaluation_daily where received + filed + dispatched + closed + objections + red + yellow + urges > 0 order by day, department, grid_code, category`.execute(t.deps.db)).rows,
  units: (await sql`select * from evaluation_unit_daily where received + filed + dispatched + closed + objections + red + yellow + urges > 0 order by day, department, district`.execute(t.deps.db)).rows,
  actors: (await sql`select * from evaluation_actor_daily where intakes + reports + dispatched + checks > 0 order by day, actor_id`.execute(t.deps.db)).rows,
});

describe('evaluation unit rollup and rebuild (0037)', () => {
  it('keeps, for intakes written in one batch (0047), the facts and rollups a rebuild computes', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    // concurrent requests: the intake writer groups them into one statement, whose trigger adds them at once
    const made = await Promise.all(
      ['0501', '0503', '0501', '0403', '0501', '0503'].map((category, i) =>
        intake(t, i % 2 ? tok.clerk : tok.gridworker, { text: '路灯坏了晚上一片漆黑，请尽快修理', category, nature: 'complaint', lon: p.lon + i * 0.0001, lat: p.lat, channel: i % 2 ? 'hotline' : 'gridworker' }),
      ),
    );
    expect(new Set(made.map((c) => c.code)).size).toBe(6);
    const kept = await rollups();
    const withFacts = await sql<{ n: number }>`select count(*)::int as n from evaluation_case_facts f join cases c on c.id = f.case_id where c.code in (${sql.join(made.map((c) => c.code))})`.execute(t.deps.db);
    expect(withFacts.rows[0]!.n).toBe(6);
    expect((await t.call('POST', '/api/v1/evaluation/rebuild', { token: tok.admin })).statusCode).toBe(200);
    expect(await rollups()).toEqual(kept);
  });


  it('marks as recurred exactly the closed cases the per-case rule of 0015 finds', async () => {
    const byRule = await sql<{ id: string }>`
      select p.id from cases p join evaluation_case_facts f on f.case_id = p.id, evaluation_settings s
      where f.dispatched and p.closed_at is not null and p.category is not null and exists (
        select 1 from cases n where n.id <> p.id and n.category = p.category and (n.grid_code = p.grid_code or n.h3 = p.h3)
          and n.created_at >= p.closed_at and n.created_at <= p.closed_at + make_interval(days => s.recur_days)) order by 1`.execute(t.deps.db);
    const marked = await sql<{ id: string }>`select case_id as id from evaluation_case_facts where recurred order by 1`.execute(t.deps.db);
    expect(byRule.rows.length).toBeGreaterThan(0);
    expect(marked.rows).toEqual(byRule.rows);
  });

  it('equals evaluation_daily summed per district, after the bulk load and after live transitions and objections', async () => {
    expect((await units()).length).toBeGreaterThan(50);
    expect(await units()).toEqual(await summed());
    // live: a sweep raises cards, a rebuild by the admin starts over; both keep the rollups equal
    t.clock.advanceHours(24 * 5);
    expect((await t.call('POST', '/api/v1/admin/sweep', { token: tok.admin })).statusCode).toBe(200);
    expect(await units()).toEqual(await summed());
    expect((await t.call('POST', '/api/v1/evaluation/rebuild', { token: tok.admin })).statusCode).toBe(200);
    expect(await units()).toEqual(await summed());
  });

  it('gives the leader and a district dispatcher the same department scores as the grid-level rollup would', async () => {
    const month = (await sql<{ m: string }>`select to_char(max(day), 'YYYY-MM') as m from evaluation_daily`.execute(t.deps.db)).rows[0]!.m;
    for (const token of [tok.leader, tok.east]) {
      const me = (await t.call('GET', '/api/v1/auth/me', { token })).json() as { scope: string };
      const res = await t.call('GET', `/api/v1/evaluation/scores?subject=department&period=${month}`, { token });
      expect(res.statusCode, res.body).toBe(200);
      const fine = await sql<{ department: string; n: number }>`
        select department, sum(dispatched)::int as n from evaluation_daily
        where to_char(day, 'YYYY-MM') = ${month} and area_path <@ ${me.scope}::ltree and department <> '' group by 1`.execute(t.deps.db);
      const dispatched = new Map(fine.rows.map((r) => [r.department, r.n]));
      const items = res.json().items as { subject: { code: string }; caseCount: number; indicators: { code: string; denominator: number }[] }[];
      expect(items.length).toBeGreaterThan(0);
      let checked = 0;
      for (const i of items) {
        const ind = i.indicators.find((x) => x.code === 'handling_rate');
        if (!ind || !dispatched.has(i.subject.code)) continue;
        expect(ind.denominator, i.subject.code).toBe(dispatched.get(i.subject.code));
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    }
  });
});
