import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runCli, type CliDatabase } from '../support/cli.ts';

let cli: CliDatabase;
beforeAll(async () => {
  cli = await cliDatabase('synthetic');
});
afterAll(() => cli.close());

type Row = Record<string, unknown>;
async function query(text: string): Promise<Row[]> {
  const { openDatabase } = await import('../../src/server/db/database.ts');
  const { sql } = await import('kysely');
  const db = await openDatabase({ databaseUrl: cli.env.DATABASE_URL, dataDir: cli.env.CIVICGRID_DATA_DIR ?? '' });
  try {
    return (await sql.raw<Row>(text).execute(db.db)).rows;
  } finally {
    await db.close();
  }
}

describe('civicgrid seed synthetic', () => {
  it('loads a year of cases with events, ratings, evaluation rollups and readings, and reuses a seed already loaded', async () => {
    const r = await runCli(['seed', 'synthetic', '--cases', '3000', '--devices', '5', '--seed', '7'], cli.env, 180_000);
    expect(r.out).toMatch(/synthetic city seeded in [\d.]+ s: 3000 cases, \d+ events, 5 devices, 840 readings/);
    expect(r.code).toBe(0);

    const [shape] = await query(`select count(*)::int as n, count(distinct grid_code)::int as grids, count(distinct category)::int as cats,
        count(distinct channel)::int as channels, count(*) filter (where state not in ('closed','rated','rejected','void','merged'))::int as open,
        count(*) filter (where rating is not null)::int as rated, count(*) filter (where supervision <> 'none')::int as carded,
        (max(created_at) - min(created_at)) > interval '360 days' as year
      from cases where code >= '0' and substr(code, 9)::int >= 50000`);
    expect(shape!.n).toBe(3000);
    expect(shape!.grids).toBeGreaterThan(10);
    expect(shape!.cats).toBeGreaterThan(10);
    expect(shape!.channels).toBeGreaterThanOrEqual(6);
    expect(shape!.open as number).toBeGreaterThan(3000 * 0.025);
    expect(shape!.open as number).toBeLessThan(3000 * 0.09);
    expect(shape!.rated as number).toBeGreaterThan(1000);
    expect(shape!.year).toBe(true);

    // every case's events end in its state, and the evaluation facts cover every case
    const [consistent] = await query(`select count(*)::int as bad from cases c
      where substr(c.code, 9)::int >= 50000 and c.state <> (select e.to_state from case_events e where e.case_id = c.id order by e.at desc, e.id desc limit 1)`);
    expect(consistent!.bad).toBe(0);
    const [facts] = await query(`select count(*)::int as n from evaluation_case_facts f join cases c on c.id = f.case_id where substr(c.code, 9)::int >= 50000`);
    expect(facts!.n).toBe(3000);

    // the same seed again is recognised by its marker, not loaded twice
    const again = await runCli(['seed', 'synthetic', '--cases', '3000', '--seed', '7'], cli.env);
    expect(again.out).toMatch(/synthetic seed 7 already loaded: 3000 cases/);
    const [count] = await query(`select count(*)::int as n from cases where substr(code, 9)::int >= 50000`);
    expect(count!.n).toBe(3000);
  }, 240_000);

  it('refuses a count beyond what the case codes can number', async () => {
    const r = await runCli(['seed', 'synthetic', '--cases', '99999999'], cli.env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/--cases must be between 1 and 18250000/);
  });
});
