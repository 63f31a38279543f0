import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, gridWorkerPoint, intake, loginAll, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

type Row = { area_path: string; state: string; category: string; supervision: string; n: number };
const scopeKept = async () =>
  (await sql<Row>`select scope::text as area_path, state, category, supervision, n::int as n from case_scope_counts where n <> 0 order by 1, 2, 3, 4`.execute(t.deps.db)).rows;
// every case once for each area it lies in: its city, district, street, community and grid
const scopeTruth = async () =>
  (
    await sql<Row>`select subpath(area_path, 0, i)::text as area_path, state, coalesce(category, '') as category, supervision, count(*)::int as n
      from cases, generate_series(1, nlevel(area_path)) as i group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(t.deps.db)
  ).rows;
const cellsKept = async () => (await sql`select h3, area_path::text, n::int as n from case_cells where n <> 0 order by 1, 2`.execute(t.deps.db)).rows;
const cellsTruth = async () =>
  (await sql`select coalesce(h3, '') as h3, area_path::text, count(*)::int as n from cases where state not in ('closed', 'rated', 'rejected', 'void', 'merged') group by 1, 2 order by 1, 2`.execute(t.deps.db)).rows;

describe('case counters kept by the statement triggers (0046, 0049)', () => {
  it('equal a rebuild from scratch after intake, transitions and supervision cards, and answer the dashboard, cards and list totals', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const codes: string[] = [];
    for (const category of ['0501', '0503', '0501', '0403']) {
      codes.push((await intake(t, tok.clerk, { text: '路灯坏了晚上一片漆黑，请尽快修理', category, nature: 'complaint', lon: p.lon, lat: p.lat })).code);
    }
    await actOk(t, tok.dispatcher, codes[0]!, 'file');
    await actOk(t, tok.dispatcher, codes[0]!, 'dispatch');
    await actOk(t, tok.dispatcher, codes[1]!, 'file');
    await actOk(t, tok.dispatcher, codes[1]!, 'dispatch');
    await actOk(t, tok.dispatcher, codes[2]!, 'reject', { reason: '不属于受理范围' });
    // the deadline passes: the sweep hands out cards, which moves counters between supervision levels
    t.clock.advanceHours(24 * 10);
    expect((await t.call('POST', '/api/v1/admin/sweep', { token: tok.admin })).statusCode).toBe(200);

    expect(await scopeKept()).toEqual(await scopeTruth());
    expect(await cellsKept()).toEqual(await cellsTruth());
    // one statement that moves many cases at once (the statement-level triggers net its changes per key)
    await sql`update cases set supervision = 'yellow' where state not in ('closed', 'rated', 'rejected', 'void', 'merged') and supervision = 'none'`.execute(t.deps.db);
    expect(await scopeKept()).toEqual(await scopeTruth());
    await sql`select case_counts_rebuild()`.execute(t.deps.db);
    expect(await scopeKept()).toEqual(await scopeTruth());
    expect(await cellsKept()).toEqual(await cellsTruth());

    const red = (await t.call('GET', '/api/v1/cases?supervision=red&pageSize=1', { token: tok.admin })).json();
    const redCount = (await sql<{ n: number }>`select count(*)::int as n from cases where supervision = 'red'`.execute(t.deps.db)).rows[0]!.n;
    expect(redCount).toBeGreaterThanOrEqual(2);
    expect(red.total).toBe(redCount);
    expect(red.items).toHaveLength(1);

    const open = ['received', 'filed', 'dispatched', 'handling', 'extension_requested', 'parked', 'reported', 'checked', 'returned'];
    const dash = (await t.call('GET', '/api/v1/brain/dashboard', { token: tok.admin })).json();
    const openCount = (await sql<{ n: number }>`select count(*)::int as n from cases where state in (${sql.join(open)})`.execute(t.deps.db)).rows[0]!.n;
    expect(dash.cases.open).toBe(openCount);
    const overdue = (await sql<{ n: number }>`select count(*)::int as n from cases where state in (${sql.join(open)}) and due_at < ${t.clock.now()} and paused_since is null`.execute(t.deps.db)).rows[0]!.n;
    expect(overdue).toBeGreaterThanOrEqual(2);
    expect(dash.cases.overdue).toBe(overdue);

    // an area filter inside the scope counts that area's own counters; a grid worker's scope, the grid's
    const area = (await sql<{ code: string; path: string }>`select a.code, a.path::text as path from areas a where a.level = 'district' and exists (select 1 from cases c where c.area_path <@ a.path) order by a.code limit 1`.execute(t.deps.db)).rows[0]!;
    const inArea = (await sql<{ n: number }>`select count(*)::int as n from cases where area_path <@ ${area.path}::ltree and state in (${sql.join(open)})`.execute(t.deps.db)).rows[0]!.n;
    expect(inArea).toBeGreaterThanOrEqual(2);
    const byArea = (await t.call('GET', `/api/v1/cases?grid=${area.code}&state=${open.join(',')}&pageSize=1`, { token: tok.admin })).json();
    expect(byArea.total).toBe(inArea);
    expect((dash.cases.byArea as { n: number }[]).reduce((sum, a) => sum + a.n, 0)).toBe(openCount);
    const mine = (await t.call('GET', '/api/v1/cases?pageSize=1', { token: tok.gridworker })).json();
    const gridPath = (await sql<{ p: string }>`select scope_path::text as p from users where username = 'gridworker'`.execute(t.deps.db)).rows[0]!.p;
    const inGrid = (await sql<{ n: number }>`select count(*)::int as n from cases where area_path <@ ${gridPath}::ltree`.execute(t.deps.db)).rows[0]!.n;
    expect(inGrid).toBeGreaterThanOrEqual(1);
    expect(mine.total).toBe(inGrid);

    const filtered = (await t.call('GET', '/api/v1/cases?category=0501&state=rejected', { token: tok.admin })).json();
    const expected = (await sql<{ n: number }>`select count(*)::int as n from cases where category = '0501' and state = 'rejected'`.execute(t.deps.db)).rows[0]!.n;
    expect(filtered.total).toBe(expected);
    expect(filtered.items.length).toBe(Math.min(expected, filtered.pageSize));
  });
});
