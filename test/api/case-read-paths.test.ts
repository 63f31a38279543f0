import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inScope } from '../../src/server/db/scope.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, gridWorkerPoint, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

// Issue #19's read paths through the HTTP API: keyset pages, estimated totals, the data scope by prefix range
// and the map's clusters. LIST_COUNT_LIMIT is small so "more than the server counts" happens on demo data.
let t: TestApp;
let tok: Tokens;
const LIMIT = 5;
const OPEN = ['received', 'filed', 'dispatched', 'handling', 'extension_requested', 'parked', 'reported', 'checked', 'returned'];

beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400, LIST_COUNT_LIMIT: LIMIT });
  tok = await loginAll(t);
  // 48 cases over the districts' grids (the demo template holds none), some moved on, one a grid worker's report
  const districts = (await sql<{ code: string }>`select code from areas where level = 'district' order by code`.execute(t.deps.db)).rows.map((r) => r.code);
  const points = [];
  for (const d of districts) for (let nth = 0; nth < 4; nth++) points.push(await pointIn(t, d, nth));
  for (let i = 0; i < 48; i++) {
    const p = points[i % points.length]!;
    t.clock.advance(37_000);
    const c = await intake(t, tok.clerk, { text: `第${i}号：路灯坏了，晚上一片漆黑，请尽快修理`, category: i % 3 ? '0501' : '0502', nature: 'complaint', lon: p.lon, lat: p.lat });
    if (i % 4 === 1) await actOk(t, tok.dispatcher, c.code, 'file');
    else if (i % 7 === 2) await actOk(t, tok.dispatcher, c.code, 'reject', { reason: '不属于受理范围' });
  }
  const g = await gridWorkerPoint(t, tok.gridworker);
  await intake(t, tok.gridworker, { channel: 'gridworker', text: '巡查发现井盖缺失，已设置警示', category: '0502', nature: 'complaint', lon: g.lon, lat: g.lat });
}, 120_000);
afterAll(() => t.close());

const get = async (token: string, url: string) => {
  const res = await t.call('GET', url, { token });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  return res.json();
};
const scopeOf = async (token: string) => ((await get(token, '/api/v1/auth/me')) as { scope: string }).scope;
/** The cases a scope sees by the old predicate (`<@`, the GiST one), in list order. */
const oldScope = async (path: string, where = sql`true`) =>
  (await sql<{ code: string }>`select code from cases where area_path <@ ${path}::ltree and ${where} order by created_at desc, code desc`.execute(t.deps.db)).rows.map((r) => r.code);

async function walkCursor(token: string, query: string, between?: () => Promise<unknown>) {
  const codes: string[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  for (let i = 0; i < 500; i++) {
    const url: string = `/api/v1/cases?pageSize=20${query}${cursor ? `&cursor=${cursor}` : ''}`;
    // the page is read while another request writes (one connection on PGlite: in either order)
    const [page]: [{ items: { code: string }[]; total: number; nextCursor: string | null }, unknown] = await Promise.all([get(token, url), between?.()]);
    codes.push(...page.items.map((c: { code: string }) => c.code));
    totals.add(page.total);
    cursor = page.nextCursor;
    if (!cursor) return { codes, totals };
  }
  throw new Error('the cursor never ended');
}

describe('case list keyset pages (?cursor=)', () => {
  it('cover every case exactly once while cases are written meanwhile; offset pages under the same writes repeat rows', async () => {
    const p = await pointIn(t, '990102');
    const before = await oldScope(await scopeOf(tok.admin));
    expect(before.length).toBeGreaterThan(40);
    const writes = async () => {
      t.clock.advance(60_000);
      const c = await intake(t, tok.clerk, { text: '小区门口路灯不亮，晚上很黑', category: '0501', nature: 'complaint', lon: p.lon, lat: p.lat });
      await actOk(t, tok.dispatcher, c.code, 'file');
    };
    const walked = await walkCursor(tok.admin, '', writes);
    const seen = new Map<string, number>();
    for (const c of walked.codes) seen.set(c, (seen.get(c) ?? 0) + 1);
    expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
    // every case that was there when the walk began, in list order; new ones are newer than page 1 and never appear
    expect(walked.codes).toEqual(before);

    // the same writes under offset paging shift every later page by one: rows come twice
    const offset: string[] = [];
    for (let page = 1; page <= Math.ceil(before.length / 20); page++) {
      const [r] = await Promise.all([get(tok.admin, `/api/v1/cases?pageSize=20&page=${page}`), writes()]);
      offset.push(...r.items.map((c: { code: string }) => c.code));
    }
    expect(new Set(offset).size).toBeLessThan(offset.length);
  }, 120_000);

  it('a district dispatcher and a grid worker walk exactly the cases the old scope predicate gives, filters included', async () => {
    for (const [token, query, where] of [
      [tok.east, '', sql`true`],
      [tok.east, '&state=received,filed', sql`state in ('received', 'filed')`],
      [tok.gridworker, '', sql`true`],
      [tok.leader, '&category=0501', sql`category = '0501'`],
    ] as const) {
      const expected = await oldScope(await scopeOf(token), where);
      const walked = await walkCursor(token, query);
      expect(walked.codes).toEqual(expected);
      expect([...walked.totals]).toEqual([expected.length]);
    }
  }, 60_000);

  it('refuses a cursor it did not hand out (problem+json with a code the console translates)', async () => {
    const res = await t.call('GET', '/api/v1/cases?cursor=bm90LWEtY3Vyc29y', { token: tok.admin });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('case.bad_cursor');
  });
});

describe('list totals', () => {
  it('are exact from the counters for state/category/area filters, counted up to the limit otherwise, and estimated and marked beyond it', async () => {
    const n = async (where: ReturnType<typeof sql>) => (await sql<{ n: number }>`select count(*)::int as n from cases where ${where}`.execute(t.deps.db)).rows[0]!.n;
    const byState = await get(tok.admin, '/api/v1/cases?state=received&pageSize=1');
    expect(byState).toMatchObject({ total: await n(sql`state = 'received'`), totalEstimated: false });
    expect(byState.total).toBeGreaterThan(LIMIT);

    const hotline = await n(sql`channel = 'hotline'`);
    expect(hotline).toBeGreaterThan(LIMIT);
    const many = await get(tok.admin, '/api/v1/cases?channel=hotline&pageSize=1');
    expect(many.totalEstimated).toBe(true);
    expect(many.total).toBeGreaterThan(LIMIT);

    // a filter the counters do not cover with few matches is still counted exactly
    const few = (await sql<{ channel: string; n: number }>`select channel, count(*)::int as n from cases group by 1 having count(*) <= ${LIMIT} order by 2 desc limit 1`.execute(t.deps.db)).rows[0];
    const rare = few ?? { channel: 'iot', n: 0 };
    expect(await get(tok.admin, `/api/v1/cases?channel=${rare.channel}&pageSize=1`)).toMatchObject({ total: rare.n, totalEstimated: false });
  });
});

describe('data scope by prefix range (db/scope.ts inScope, 0036 cases_scope_prefix)', () => {
  it('selects for every area exactly the cases of its subtree, as `<@` did', async () => {
    const areas = (await sql<{ path: string }>`select path::text as path from areas order by path`.execute(t.deps.db)).rows;
    let compared = 0;
    for (const { path } of areas) {
      const byRange = (await sql<{ code: string }>`select code from cases where ${inScope('area_path', path)} order by code`.execute(t.deps.db)).rows.map((r) => r.code);
      const byGist = (await sql<{ code: string }>`select code from cases where area_path <@ ${path}::ltree order by code`.execute(t.deps.db)).rows.map((r) => r.code);
      expect(byRange, path).toEqual(byGist);
      compared += byGist.length;
    }
    expect(compared).toBeGreaterThan(0);
  }, 60_000);

  it('is answered by the B-tree index (EXPLAIN), which the GiST operator never was for a range', async () => {
    const path = await scopeOf(tok.east);
    const plan = await t.deps.db.transaction().execute(async (tx) => {
      // the demo table is small enough for a sequential scan to win; forbid it to see what the index can answer
      await sql`set local enable_seqscan = off`.execute(tx);
      return (await sql<{ 'QUERY PLAN': unknown }>`explain (format json) select count(*) from cases where ${inScope('area_path', path)}`.execute(tx)).rows[0]!['QUERY PLAN'];
    });
    expect(JSON.stringify(plan)).toContain('"Index Name":"cases_scope_prefix"');
  });
});

describe('GET /api/v1/cases/map', () => {
  const world = 'bbox=-180,-90,180,90';
  it('at city zoom: H3 cells whose counts (plus the unlocated) sum to the open-case list total of the same scope', async () => {
    const p = await pointIn(t, '990105');
    await intake(t, tok.clerk, { text: '西湖区路口井盖松动，车辆经过哐哐响', category: '0502', nature: 'complaint', lon: p.lon, lat: p.lat });
    for (const token of [tok.admin, tok.east, tok.gridworker, tok.handler]) {
      const list = await get(token, `/api/v1/cases?state=${OPEN.join(',')}&pageSize=1`);
      for (const zoom of [8, 11, 14]) {
        const map = await get(token, `/api/v1/cases/map?${world}&zoom=${zoom}`);
        expect(map.mode).toBe('cells');
        const sum = map.cells.reduce((s: number, c: { count: number }) => s + c.count, 0);
        expect(sum + map.unlocated, `zoom ${zoom}`).toBe(list.total);
        expect(map.grids.reduce((s: number, g: { count: number }) => s + g.count, 0)).toBe(list.total);
      }
    }
    // coarser zoom, fewer and bigger cells
    const far = await get(tok.admin, `/api/v1/cases/map?${world}&zoom=8`);
    const near = await get(tok.admin, `/api/v1/cases/map?${world}&zoom=14`);
    expect(far.cells.length).toBeLessThan(near.cells.length);
    // a district dispatcher's clusters hold none of another district's cases
    const east = await get(tok.east, `/api/v1/cases/map?${world}&zoom=14`);
    const west = await get(tok.admin, `/api/v1/cases/map?${world}&zoom=14`);
    expect(east.inView).toBeLessThan(west.inView);
  });

  it('stays in step with transitions (trigger-kept cells equal a rebuild) and shows the cases themselves at street zoom', async () => {
    const p = await pointIn(t, '990102', 1);
    const c = await intake(t, tok.clerk, { text: '人行道地砖破损，老人容易绊倒', category: '0502', nature: 'complaint', lon: p.lon, lat: p.lat });
    await actOk(t, tok.dispatcher, c.code, 'reject', { reason: '不属于受理范围' });
    const kept = async () => (await sql<{ h3: string; path: string; n: number }>`select h3, area_path::text as path, n::int as n from case_cells where n <> 0 order by 1, 2`.execute(t.deps.db)).rows;
    const now = await kept();
    await sql`select case_cells_rebuild()`.execute(t.deps.db);
    expect(now).toEqual(await kept());

    const box = [p.lon - 0.004, p.lat - 0.004, p.lon + 0.004, p.lat + 0.004];
    const open = await intake(t, tok.clerk, { text: '人行道地砖破损，老人容易绊倒', category: '0502', nature: 'complaint', lon: p.lon, lat: p.lat });
    const street = await get(tok.east, `/api/v1/cases/map?bbox=${box.join(',')}&zoom=16`);
    expect(street.mode).toBe('points');
    const codes = street.points.map((x: { code: string }) => x.code);
    expect(codes).toContain(open.code);
    expect(codes).not.toContain(c.code);
    const expected = (await sql<{ n: number }>`select count(*)::int as n from cases where lat between ${box[1]} and ${box[3]} and lon between ${box[0]} and ${box[2]}
      and state in (${sql.join(OPEN)}) and area_path <@ ${await scopeOf(tok.east)}::ltree`.execute(t.deps.db)).rows[0]!.n;
    expect(street.inView).toBe(expected);
    expect(codes.length).toBe(expected);
    for (const x of street.points) expect(x.lon >= box[0]! && x.lon <= box[2]! && x.lat >= box[1]! && x.lat <= box[3]!).toBe(true);
  });

  it('rejects a box that is not w,s,e,n', async () => {
    const res = await t.call('GET', '/api/v1/cases/map?bbox=1,2,3&zoom=10', { token: tok.admin });
    expect(res.statusCode).toBe(400);
  });
});
