import { describe, expect, it } from 'vitest';
import { jsErrors, mapReady, person, shot, signIn, useStage } from './browser.ts';

/** 数据大厅 and the open-data portal in the browser against the real server and the demo seed. */
const stage = useStage();

describe('data hall console and open-data portal', () => {
  it('the data admin finds a resource with its grades and the pending request in the inbox', async () => {
    const { page } = await person(stage);
    await signIn(page, 'dataadmin');
    await page.goto('/datahall');
    await page.getByRole('link', { name: '实有人口信息' }).waitFor();
    await shot(page, 'datahall-catalogue');
    await page.getByRole('link', { name: '实有人口信息' }).click();
    await page.getByText('身份证号 (id_number)').waitFor();
    expect(await page.locator('main').textContent()).toContain('核心');
    await shot(page, 'datahall-resource');
    await page.goto('/datahall/sharing');
    await page.getByText('市政设施类案件分析').first().waitFor();
    await shot(page, 'datahall-sharing');
    expect(jsErrors(page)).toEqual([]);
  }, 120_000);

  it('a citizen browses open data: list, a chart, a map, download links and API hints', async () => {
    const { page } = await person(stage);
    await page.goto('/portal/opendata');
    await page.getByRole('link', { name: '社区人口统计' }).waitFor();
    await shot(page, 'datahall-portal-list');
    await page.getByRole('link', { name: '社区人口统计' }).click();
    await page.locator('canvas').first().waitFor();
    expect(await page.getByRole('link', { name: /下载 CSV/ }).getAttribute('href')).toBe('/api/v1/public/opendata/datasets/population-by-community/download/csv');
    await shot(page, 'datahall-portal-chart');
    await page.goto('/portal/opendata/grid-map');
    await mapReady(page);
    expect(await page.locator('main').textContent()).toContain('/api/3/action/package_show?id=grid-map');
    await shot(page, 'datahall-portal-map');
    expect(jsErrors(page)).toEqual([]);
  }, 120_000);
});
