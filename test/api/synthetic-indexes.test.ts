import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getSetting, putSetting } from '../../src/server/db/settings-store.ts';
import { seedSynthetic } from '../../src/server/seed/synthetic.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// A big synthetic load drops the secondary indexes of cases/case_events and builds them once after; a load
// that died midway left them on record and the next one restores them first. Either way the schema is whole.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 60_000);
afterAll(() => t.close());

const indexes = async () =>
  (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where tablename in ('cases', 'case_events') order by 1`.execute(t.deps.db)).rows;

describe('synthetic load and the indexes', () => {
  it('ends with every index of cases and case_events as before, the counters rebuilt, and nothing left on record', async () => {
    const before = await indexes();
    expect(before.map((i) => i.name)).toContain('cases_scope_prefix');
    const lines: string[] = [];
    const r = await seedSynthetic(t.deps, loadTaxonomy(), { cases: 400, devices: 2, seed: 11, dropIndexesFrom: 1, log: (l) => lines.push(l) });
    expect(r.cases).toBe(400);
    expect(lines.some((l) => /dropped \d+ secondary indexes/.test(l))).toBe(true);
    expect(await indexes()).toEqual(before);
    // case_events is partitioned: an index rebuilt `ON ONLY` the parent reads back the same but is invalid and
    // covers no partition
    const invalid = await sql<{ name: string }>`select indexrelid::regclass::text as name from pg_index where not indisvalid`.execute(t.deps.db);
    expect(invalid.rows).toEqual([]);
    expect(await getSetting(t.deps.db, 'synthetic.dropped_indexes')).toBeUndefined();
    const open = (await sql<{ n: number }>`select count(*)::int as n from cases where state not in ('closed', 'rated', 'rejected', 'void', 'merged')`.execute(t.deps.db)).rows[0]!.n;
    const cells = (await sql<{ n: number }>`select coalesce(sum(n), 0)::int as n from case_cells`.execute(t.deps.db)).rows[0]!.n;
    expect(cells).toBe(open);
  });

  it('restores the indexes an interrupted load dropped before it loads anything', async () => {
    const before = await indexes();
    const victim = before.find((i) => i.name === 'cases_open_geo')!;
    await sql`drop index cases_open_geo`.execute(t.deps.db);
    await putSetting(t.deps.db, 'synthetic.dropped_indexes', [{ name: victim.name, def: victim.def }], t.clock.now());
    await seedSynthetic(t.deps, loadTaxonomy(), { cases: 50, devices: 1, seed: 12 });
    expect(await indexes()).toEqual(before);
    expect(await getSetting(t.deps.db, 'synthetic.dropped_indexes')).toBeUndefined();
  });
});
