import { describe, expect, it } from 'vitest';
import { seedEvaluationHistory } from '../../src/server/evaluation/demo-history.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { jsErrors, mapReady, person, shot, signIn, useStage } from './browser.ts';

/**
 * The leader's evaluation page and the operations wall in the browser, on four months of the demo history
 * (the same bulk seeder `npm start` uses for a year), screenshots in docs/screenshots.
 */
const stage = useStage(async (s) => {
  await seedEvaluationHistory(s.t.deps, loadTaxonomy(), { days: 120, perDay: 14 });
});

describe('evaluation in the browser', () => {
  it('ranks departments with drill-down to cases, and renders the 大屏 at 3840×2160', async () => {
    const { page } = await person(stage);
    await signIn(page, 'leader');
    await page.goto('/evaluation');
    const rows = page.locator('[data-testid=eval-ranking] tr.ant-table-row');
    await rows.first().waitFor({ timeout: 30_000 });
    expect(await rows.count()).toBeGreaterThan(5);
    // the first row is rank 1 with a score
    expect(await rows.first().locator('td').first().textContent()).toBe('1');
    await page.locator('[data-testid=eval-indicators] tr.ant-table-row').first().waitFor();
    await page.locator('canvas').nth(1).waitFor();
    await shot(page, 'evaluation');
    // every number leads to its cases
    await page.locator('[data-testid=eval-indicators] tr.ant-table-row a').first().click();
    const drawerRows = page.locator('.ant-drawer tr.ant-table-row');
    await drawerRows.first().waitFor({ timeout: 15_000 });
    expect(await drawerRows.first().textContent()).toMatch(/\d{13}/);
    expect(jsErrors(page)).toEqual([]);

    const wall = await stage.browser.newContext({ viewport: { width: 3840, height: 2160 }, locale: 'zh-CN', baseURL: stage.base });
    const screen = await wall.newPage();
    await signIn(screen, 'leader');
    await screen.goto('/screen');
    await screen.getByTestId('big-screen').waitFor();
    await screen.locator('[data-testid=screen-ranking] strong').first().waitFor({ timeout: 30_000 });
    await mapReady(screen);
    expect(await screen.locator('header').count()).toBe(1); // its own header, no console menu
    expect(await screen.locator('.ant-layout-sider').count()).toBe(0);
    await shot(screen, 'big-screen-4k', { pauseMs: 1500 });
    await wall.close();
  }, 180_000);
});
