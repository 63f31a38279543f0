import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { act, actOk, gridWorkerPoint, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

/**
 * 核实 before 立案 (#16): a grid can require its grid worker's on-site verification of a citizen report before the
 * command centre files it. Reports staff made on the spot (the grid worker's own) and other grids file as before.
 */
let t: TestApp;
let tok: Tokens;
let grid: { lon: number; lat: number; grid: string };
beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
  grid = await gridWorkerPoint(t, tok.gridworker);
});
afterAll(() => t.close());

const setting = (token: string, code: string, on: boolean) => t.call('PATCH', `/api/v1/areas/${code}`, { token, body: { verifyBeforeFiling: on } });

describe('核实 before 立案', () => {
  it('is a grid setting only the admin changes', async () => {
    expect((await setting(tok.gridworker, grid.grid, true)).statusCode).toBe(403);
    expect((await setting(tok.admin, grid.grid.slice(0, 12), true)).json().code).toBe('area.not_a_grid');
    const on = await setting(tok.admin, grid.grid, true);
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ code: grid.grid, level: 'grid', verifyBeforeFiling: true });
    expect((await t.call('GET', `/api/v1/areas/${grid.grid}`, { token: tok.dispatcher })).json().verifyBeforeFiling).toBe(true);
  });

  it('a citizen report there is filed only after the grid worker verified it on site', async () => {
    const { code } = await intake(t, tok.clerk, { text: '小区门口有人占道经营摆摊', category: '1101', lon: grid.lon, lat: grid.lat });
    const early = await act(t, tok.dispatcher, code, 'file');
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('case.needs_verification');
    const still = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();
    expect(still).toMatchObject({ state: 'received', verifiedAt: null });
    expect(still.timeline.map((e: { action: string }) => e.action)).not.toContain('file');

    // the grid worker of that grid sees it, goes and looks, and records the finding; the command centre hears of it
    const verified = await actOk(t, tok.gridworker, code, 'verify', { reason: '现场核实：确有两处摊点占用人行道' });
    expect(verified.state).toBe('received');
    const detail = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();
    expect(detail.verifiedAt).toBe(t.clock.now().toISOString());
    const inbox = (await t.call('GET', '/api/v1/notifications?pageSize=50', { token: tok.dispatcher })).json();
    expect(inbox.items.some((n: { title: string }) => n.title.includes(code) && n.title.includes('核实'))).toBe(true);
    expect((await actOk(t, tok.dispatcher, code, 'file')).state).toBe('filed');
  });

  it("the grid worker's own report, and a report in another grid, file without it; switching it off lifts it", async () => {
    const own = await intake(t, tok.gridworker, { channel: 'gridworker', text: '巡查发现路灯不亮', category: '0301', lon: grid.lon, lat: grid.lat });
    expect((await actOk(t, tok.dispatcher, own.code, 'file')).state).toBe('filed');
    const elsewhere = await pointIn(t, '990106');
    const other = await intake(t, tok.clerk, { text: '路口井盖缺失', category: '0301', lon: elsewhere.lon, lat: elsewhere.lat });
    expect((await actOk(t, tok.dispatcher, other.code, 'file')).state).toBe('filed');

    const waiting = await intake(t, tok.clerk, { text: '楼下垃圾堆放多日无人清运', category: '0102', lon: grid.lon, lat: grid.lat });
    expect((await act(t, tok.dispatcher, waiting.code, 'file')).statusCode).toBe(409);
    expect((await setting(tok.admin, grid.grid, false)).json().verifyBeforeFiling).toBe(false);
    expect((await actOk(t, tok.dispatcher, waiting.code, 'file')).state).toBe('filed');
  });
});
