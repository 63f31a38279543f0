import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

/**
 * 综合评价 on a small exact fixture built through the HTTP API: every expected number below is counted by
 * hand from the steps, and every score is recomputed from the published values, points and weights.
 */
let t: TestApp;
let tok: Tokens;
type Ind = { code: string; value: number | null; numerator: number; denominator: number | null; points: number | null; drill: { numerator: Record<string, string> | null; denominator: Record<string, string> | null } };
type Item = { subject: { type: string; code: string; name: string }; score: number | null; rank: number | null; ranked: boolean; caseCount: number; rankDelta: number | null; indicators: Ind[] };
type Scores = { from: string; to: string; scheme: { code: string; weights: Record<string, number> }; items: Item[] };

const codes: Record<string, string> = {};

async function scores(query: string, token = tok.leader): Promise<Scores> {
  const res = await t.call('GET', `/api/v1/evaluation/scores?${query}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const item = (s: Scores, code: string) => s.items.find((i) => i.subject.code === code)!;
const ind = (i: Item, code: string) => i.indicators.find((x) => x.code === code)!;

/** file → dispatch → accept → report → check → close, by the command centre and the unit (admin acts for units without a demo handler). */
async function handle(code: string, upTo: 'dispatch' | 'accept' | 'close' = 'close') {
  await actOk(t, tok.dispatcher, code, 'file');
  await actOk(t, tok.dispatcher, code, 'dispatch');
  if (upTo === 'dispatch') return;
  await actOk(t, tok.admin, code, 'accept');
  if (upTo === 'accept') return;
  t.clock.advanceHours(1);
  await actOk(t, tok.admin, code, 'report', { answer: '已到场处理' });
  await actOk(t, tok.dispatcher, code, 'check');
  await actOk(t, tok.dispatcher, code, 'close', { answer: '已处理完毕' });
}

beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
  const east = await pointIn(t, '990102');
  const west = await pointIn(t, '990105');
  const mk = async (key: string, category: string, p: { lon: number; lat: number }, text: string) => {
    codes[key] = (await intake(t, tok.clerk, { category, nature: 'complaint', lon: p.lon, lat: p.lat, text })).code;
  };
  // 公安局 (0801 noise) in 东城区, 生态环境局 (0803 smells) in 西湖区, 水务局 (0104) with one case
  await mk('A1', '0801', east, '楼上每天深夜广场舞音响声音很大');
  await mk('A2', '0801', east, '小区门口商铺喇叭叫卖噪声扰民');
  await mk('A3', '0801', east, '酒吧深夜噪音影响休息');
  await mk('B1', '0803', west, '工厂排放刺鼻气味');
  await mk('B2', '0803', west, '垃圾站附近异味严重');
  await mk('B3', '0803', west, '化工厂夜间偷排废气');
  await mk('C1', '0104', west, '河道漂浮垃圾很多');
}, 60_000);
afterAll(() => t.close());

describe('evaluation 综合评价', () => {
  it('lists the published indicators with formula, direction and unit', async () => {
    const res = await t.call('GET', '/api/v1/evaluation/indicators', { token: tok.leader });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { code: string; name: string; formula: string; direction: string; unit: string }[];
    for (const name of ['立案率', '及时派遣率', '按期处置率', '处置率', '返工率', '延期率', '退单率', '按期结案率', '结案率', '满意率', '回访不满意重开率', '上报数', '有效上报率', '核查及时率']) {
      const i = items.find((x) => x.name === name);
      expect(i, name).toBeDefined();
      expect(i!.formula.length).toBeGreaterThan(20);
      expect(['higher', 'lower']).toContain(i!.direction);
    }
    expect(items.find((i) => i.code === 'rework_rate')!.direction).toBe('lower');
    expect((await t.call('GET', '/api/v1/evaluation/indicators', { token: tok.clerk })).statusCode).toBe(403);
  });

  it('refuses schemes that put one indicator above 30 % or satisfaction alone, as problem+json, and keeps the default', async () => {
    const put = (body: unknown, token = tok.admin) => t.call('PUT', '/api/v1/evaluation/schemes/dept-test', { token, body });
    const sat = await put({ name: '只看满意率', subjectType: 'department', weights: { satisfaction_rate: 100 } });
    expect(sat.statusCode).toBe(400);
    expect(sat.headers['content-type']).toContain('application/problem+json');
    expect(sat.json().code).toBe('evaluation.scheme_too_narrow');
    const heavy = await put({ name: '偏重', subjectType: 'department', weights: { close_rate: 50, satisfaction_rate: 25, rework_rate: 25 } });
    expect(heavy.statusCode).toBe(400);
    expect(heavy.json().code).toBe('evaluation.weight_too_high');
    const satHeavy = await put({ name: '满意率过重', subjectType: 'department', maxShare: 0.5, weights: { satisfaction_rate: 40, close_rate: 30, rework_rate: 30 } });
    expect(satHeavy.json().code).toBe('evaluation.satisfaction_dominant');
    expect((await put({ name: '越权', subjectType: 'department', weights: { close_rate: 1, rework_rate: 1, satisfaction_rate: 1 } }, tok.leader)).statusCode).toBe(403);
    const list = (await t.call('GET', '/api/v1/evaluation/schemes', { token: tok.leader })).json().items as { code: string; subjectType: string; isDefault: boolean; weights: Record<string, number> }[];
    expect(list.map((s) => s.code)).not.toContain('dept-test');
    for (const s of list.filter((x) => x.isDefault)) {
      const total = Object.values(s.weights).reduce((a, b) => a + b, 0);
      for (const w of Object.values(s.weights)) expect(w / total).toBeLessThanOrEqual(0.3);
    }
    expect(list.filter((s) => s.isDefault).map((s) => s.subjectType).sort()).toEqual(['area', 'department', 'post']);
    const ok = await put({ name: '测试方案', subjectType: 'department', minCases: 3, weights: { handling_ontime_rate: 20, close_rate: 25, satisfaction_rate: 20, reopen_rate: 15, objection_upheld_rate: 20 } });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('scores units from exact counts, and a closure reopened by 不满意 lowers the unit’s score', async () => {
    await handle(codes.A1!);
    await actOk(t, tok.clerk, codes.A1!, 'rate', { rating: 'satisfied' });
    await handle(codes.A2!);
    await handle(codes.A3!, 'accept');
    await actOk(t, tok.clerk, codes.A3!, 'urge');
    await handle(codes.B1!);
    await handle(codes.B2!);
    await actOk(t, tok.clerk, codes.B1!, 'rate', { rating: 'satisfied' });
    await actOk(t, tok.clerk, codes.B2!, 'rate', { rating: 'basically_satisfied' });
    // 退单 by 生态环境局, rejected: the command centre sends it back to the same unit
    await actOk(t, tok.dispatcher, codes.B3!, 'file');
    await actOk(t, tok.dispatcher, codes.B3!, 'dispatch');
    await actOk(t, tok.admin, codes.B3!, 'object', { reason: '不属于我局职责' });
    await actOk(t, tok.dispatcher, codes.B3!, 'redispatch', { department: 'STHJ' });
    await actOk(t, tok.admin, codes.B3!, 'accept');
    await actOk(t, tok.admin, codes.B3!, 'report', { answer: '已查处' });
    await actOk(t, tok.dispatcher, codes.B3!, 'check');
    await actOk(t, tok.dispatcher, codes.B3!, 'close', { answer: '已查处' });
    await actOk(t, tok.clerk, codes.B3!, 'rate', { rating: 'satisfied' });
    await handle(codes.C1!, 'dispatch');

    const before = await scores('subject=department&period=2026-11&scheme=dept-test');
    const gaBefore = item(before, 'GA');
    expect(ind(gaBefore, 'close_rate')).toMatchObject({ numerator: 2, denominator: 3, value: 0.6667 });

    // the reporter is not satisfied with A2: reopened once, closed again
    await actOk(t, tok.clerk, codes.A2!, 'rate', { rating: 'unsatisfied' });
    await actOk(t, tok.dispatcher, codes.A2!, 'rework', { reason: '回访不满意，噪声仍在' });
    await actOk(t, tok.admin, codes.A2!, 'report', { answer: '再次处理' });
    await actOk(t, tok.dispatcher, codes.A2!, 'check');
    await actOk(t, tok.dispatcher, codes.A2!, 'close', { answer: '再次处理完毕' });

    const s = await scores('subject=department&period=2026-11&scheme=dept-test');
    expect(s).toMatchObject({ from: '2026-11-01', to: '2026-11-30', scheme: { code: 'dept-test' } });
    const ga = item(s, 'GA');
    expect(ga.caseCount).toBe(3);
    expect(ind(ga, 'handling_rate')).toMatchObject({ numerator: 2, denominator: 3, value: 0.6667, points: 66.67 });
    expect(ind(ga, 'close_rate')).toMatchObject({ numerator: 1, denominator: 3, value: 0.3333 });
    expect(ind(ga, 'satisfaction_rate')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, points: 50 });
    expect(ind(ga, 'reopen_rate')).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, points: 50 });
    expect(ind(ga, 'rework_rate')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(ind(ga, 'urge_per_case')).toMatchObject({ numerator: 1, denominator: 3, value: 0.3333 });
    expect(ind(ga, 'objection_upheld_rate')).toMatchObject({ numerator: 0, denominator: 0, value: null, points: null });
    expect(ga.score!).toBeLessThan(gaBefore.score!);

    const sthj = item(s, 'STHJ');
    expect(sthj.caseCount).toBe(3); // the case it objected to stays its own
    expect(ind(sthj, 'objection_rate')).toMatchObject({ numerator: 1, denominator: 3 });
    expect(ind(sthj, 'objection_upheld_rate')).toMatchObject({ numerator: 0, denominator: 1, value: 0, points: 0 });
    expect(ind(sthj, 'close_rate')).toMatchObject({ numerator: 3, denominator: 3, value: 1, points: 100 });
    expect(ind(sthj, 'satisfaction_rate')).toMatchObject({ numerator: 3, denominator: 3 });

    // score = Σ weight × points ÷ Σ weight, from the published numbers alone
    for (const it of s.items.filter((i) => i.score !== null)) {
      let sw = 0;
      let swp = 0;
      for (const [code, w] of Object.entries(s.scheme.weights)) {
        const p = ind(it, code).points;
        if (p === null) continue;
        sw += w;
        swp += w * p;
      }
      expect(it.score).toBeCloseTo(swp / sw, 2);
    }
    // minimum case count 3: 水务局 with one case is listed, not ranked
    const sw = item(s, 'SW');
    expect(sw).toMatchObject({ caseCount: 1, ranked: false, rank: null });
    expect(sthj.rank).toBe(1);
    expect(ga.rank).toBe(2);
  });

  it('turns every number into the list of its cases', async () => {
    const s = await scores('subject=department&period=2026-11&scheme=dept-test');
    const reopen = ind(item(s, 'GA'), 'reopen_rate');
    const q = new URLSearchParams(reopen.drill.numerator!).toString();
    const res = await t.call('GET', `/api/v1/evaluation/cases?${q}`, { token: tok.leader });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((c: { code: string }) => c.code)).toEqual([codes.A2]);
    const den = await t.call('GET', `/api/v1/evaluation/cases?${new URLSearchParams(ind(item(s, 'GA'), 'close_rate').drill.denominator!).toString()}`, { token: tok.leader });
    expect(den.json().total).toBe(3);
    const rejected = await t.call('GET', `/api/v1/evaluation/cases?subject=department&code=STHJ&column=objections_rejected&from=2026-11-01&to=2026-11-30`, { token: tok.leader });
    expect(rejected.json().items.map((c: { code: string }) => c.code)).toEqual([codes.B3]);
  });

  it('counts supervision cards and ranks areas and posts; a district user sees only its district', async () => {
    t.clock.advanceHours(20); // A3 (24 clock hours) passes 80 %: yellow card, then overdue: red
    await actOk(t, tok.admin, codes.A3!, 'note', { reason: '催促处理' });
    expect((await t.call('POST', '/api/v1/admin/sweep', { token: tok.admin })).json().yellow).toBeGreaterThanOrEqual(1);
    t.clock.advanceHours(6);
    await t.call('POST', '/api/v1/admin/sweep', { token: tok.admin });
    const s = await scores('subject=department&period=2026-11&scheme=dept-test');
    // A3 yellow+red; C1 (水务局, 24 h) as well, the others closed in time
    expect(ind(item(s, 'GA'), 'red_per100')).toMatchObject({ numerator: 1, denominator: 3, value: 33.3333, points: 66.67 });

    const areas = await scores('subject=area&period=2026-11');
    const east = item(areas, '990102');
    expect(east.caseCount).toBe(3);
    expect(ind(east, 'filing_rate')).toMatchObject({ numerator: 3, denominator: 3, value: 1 });
    expect(ind(east, 'problem_density').denominator).toBeGreaterThan(0);
    expect(item(areas, '990105').caseCount).toBe(4);

    const eastUser = await scores('subject=area&period=2026-11', tok.east);
    expect(eastUser.items.map((i) => i.subject.code)).toEqual(['990102']);
    const eastDepts = await scores('subject=department&period=2026-11&scheme=dept-test', tok.east);
    expect(item(eastDepts, 'GA').caseCount).toBe(3);
    expect(item(eastDepts, 'STHJ').caseCount).toBe(0);

    const posts = await scores('subject=post&period=2026-11');
    const dispatcher = item(posts, 'dispatcher');
    expect(ind(dispatcher, 'dispatch_timely_rate')).toMatchObject({ numerator: 7, denominator: 7, value: 1 });
    expect(item(posts, 'clerk').caseCount).toBe(7);
  });

  it('gives the same numbers after a rebuild from the events, as a trend and as a spreadsheet', async () => {
    const before = await scores('subject=department&period=2026-11&scheme=dept-test');
    expect((await t.call('POST', '/api/v1/evaluation/rebuild', { token: tok.leader })).statusCode).toBe(403);
    const rb = await t.call('POST', '/api/v1/evaluation/rebuild', { token: tok.admin });
    expect(rb.statusCode, rb.body).toBe(200);
    const after = await scores('subject=department&period=2026-11&scheme=dept-test');
    expect(after.items).toEqual(before.items);

    const trend = await t.call('GET', '/api/v1/evaluation/trend?subject=department&code=GA&from=2026-09-01&to=2026-11-30&scheme=dept-test', { token: tok.leader });
    expect(trend.statusCode, trend.body).toBe(200);
    const points = trend.json().points as { month: string; caseCount: number; score: number | null }[];
    expect(points.map((p) => p.month)).toEqual(['2026-09', '2026-10', '2026-11']);
    expect(points[2]).toMatchObject({ caseCount: 3, score: item(after, 'GA').score });
    expect(points[0]).toMatchObject({ caseCount: 0, score: null });

    const x = await t.call('GET', '/api/v1/evaluation/scores.xlsx?subject=department&period=2026-11&scheme=dept-test', { token: tok.leader });
    expect(x.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.rowCount).toBe(after.items.length + 1);
    const rows = after.items.map((_, i) => sheet.getRow(i + 2).values as unknown[]);
    expect(rows.map((r) => [r[2], r[4] ?? null])).toEqual(after.items.map((i) => [i.subject.code, i.score]));
  });

  it('answers a previous period with ranks and refuses a malformed period', async () => {
    const q = await scores('subject=department&period=2026-Q4&scheme=dept-test');
    expect(q).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(item(q, 'STHJ').rankDelta).toBeNull(); // nothing ranked in Q3
    const bad = await t.call('GET', '/api/v1/evaluation/scores?subject=department&period=2026-13', { token: tok.leader });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('evaluation.bad_period');
  });
});
