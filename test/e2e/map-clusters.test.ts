import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake, loginAll, pointIn } from '../api/cases-support.ts';
import { jsErrors, mapReady, openStage, person, signIn, type Stage } from './browser.ts';

/**
 * The console's map asks the server for what is in view (issue 19): at the city's zoom one request to
 * GET /api/v1/cases/map per view, drawn as H3 clusters whose counts add up to the open cases, and no walk
 * through the case list.
 */
let stage: Stage;
beforeAll(async () => {
  stage = await openStage();
  const tok = await loginAll(stage.t);
  for (const [district, nth] of [['990102', 0], ['990102', 0], ['990102', 1], ['990105', 0], ['990105', 2]] as const) {
    const p = await pointIn(stage.t, district, nth);
    await intake(stage.t, tok.clerk, { text: '路灯坏了，晚上一片漆黑，请尽快修理', category: '0501', nature: 'complaint', lon: p.lon, lat: p.lat });
  }
}, 240_000);
afterAll(async () => {
  await stage?.close();
});

describe('the map page', () => {
  it('draws clusters of the open cases in view from the map endpoint, never paging the case list', async () => {
    const leader = await person(stage);
    const asked: string[] = [];
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
    await expect.poll(async () => (await drawn()).reduce((s, f) => s + f.count, 0), { timeout: 20_000 }).toBe(5);
    expect((await drawn()).every((f) => f.id.startsWith('cell:'))).toBe(true);
    expect(asked).toContain('/api/v1/cases/map');
    expect(asked).not.toContain('/api/v1/cases');
    expect(jsErrors(leader.page)).toEqual([]);
  }, 120_000);
});
