import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, loginAll, pointIn } from '../api/cases-support.ts';
import { jsErrors, mapReady, openStage, person, signIn, type Stage } from './browser.ts';

/**
 * The console's map asks the server for what is in view (issue 19): at the city's zoom one request to
 * GET /api/v1/cases/map per view, drawn as H3 clusters whose counts add up to the open cases, and no walk
 * through the case list. 风险预警 show on the same map (issue 16), at the centre of their cases.
 */
let stage: Stage;
beforeAll(async () => {
  stage = await openStage();
  const tok = await loginAll(stage.t);
  for (const [district, nth] of [['990102', 0], ['990102', 0], ['990102', 1], ['990105', 0], ['990105', 2]] as const) {
    const p = await pointIn(stage.t, district, nth);
    await intake(stage.t, tok.clerk, { text: '路灯坏了，晚上一片漆黑，请尽快修理', category: '0501', nature: 'complaint', lon: p.lon, lat: p.lat });
  }
  // eight unpaid-wage complaints naming one company: the scan raises one 涉众 warning for them
  const company = (await sql<{ name: string }>`select name from organisations where kind = 'enterprise' and name like '示范市%有限公司' order by name limit 1`.execute(stage.t.deps.db)).rows[0]!.name;
  const core = company.replace(/^示范市/, '').replace(/有限公司$/, '');
  for (let i = 0; i < 8; i++) {
    const p = await pointIn(stage.t, '990102', i * 4);
    await intake(stage.t, tok.clerk, { text: `${core}拖欠我们${i + 2}个月工资，老板联系不上`, category: '1001', nature: 'complaint', lon: p.lon, lat: p.lat });
  }
  const scan = await stage.t.call('POST', '/api/v1/ops/jobs/risk-scan', { token: tok.admin });
  expect(scan.json().opened).toBeGreaterThanOrEqual(1);
}, 240_000);
afterAll(async () => {
  await stage?.close();
});

describe('the map page', () => {
  it('draws clusters of the open cases in view from the map endpoint, never paging the case list', async () => {
    const leader = await person(stage);
    const asked: string[] = [];
    const answers: { inView: number; unlocated: number; grids: { count: number }[] }[] = [];
    leader.page.on('response', async (r) => {
      if (new URL(r.url()).pathname === '/api/v1/cases/map' && r.ok()) answers.push(await r.json());
    });
    leader.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/api/v1/cases')) asked.push(u.pathname);
    });
    await signIn(leader.page, 'leader');
    await leader.page.goto('/map');
    await mapReady(leader.page);
    const map = leader.page.locator('[data-testid=map][data-ready=true]').first();
    const drawn = () =>
      map.evaluate((el) => {
        const m = (el as unknown as { maplibre: import('maplibre-gl').Map }).maplibre;
        return m.queryRenderedFeatures({ layers: ['points'] }).map((f) => ({ id: String(f.properties?.id), count: Number(f.properties?.count ?? 1) }));
      });
    const cells = async () => (await drawn()).filter((f) => f.id.startsWith('cell:'));
    // the clusters drawn are the server's answer for the view, and the scope holds all 13 open cases
    await expect.poll(async () => (await cells()).reduce((s, f) => s + f.count, 0) - (answers.at(-1)?.inView ?? -1), { timeout: 20_000 }).toBe(0);
    const last = answers.at(-1)!;
    expect(last.inView).toBeGreaterThanOrEqual(5);
    expect(last.grids.reduce((s, g) => s + g.count, 0) + last.unlocated).toBe(13);
    // the one warning for the eight complaints, and nothing else but clusters at this zoom
    await expect.poll(async () => (await drawn()).filter((f) => f.id.startsWith('warning:')).map((f) => f.count), { timeout: 20_000 }).toEqual([8]);
    expect((await drawn()).every((f) => f.id.startsWith('cell:') || f.id.startsWith('warning:'))).toBe(true);
    expect(asked).toContain('/api/v1/cases/map');
    expect(asked).not.toContain('/api/v1/cases');
    expect(jsErrors(leader.page)).toEqual([]);
  }, 120_000);
});
