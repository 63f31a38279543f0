import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { choose, jsErrors, person, shot, signIn, useStage } from './browser.ts';
import { validIdNumber } from '../api/registry-fixtures.ts';

/**
 * The registry screens after #18's desk polish: a data admin filters the people list by kind and by an area
 * picked on the tree, opens a row's detail (masked as the list is, with the areas and the house), and imports
 * a file whose bad row is explained in Chinese from its error code.
 */
const stage = useStage();

const axeSource: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
/** axe's serious/critical violations inside `selector` (accessibility.test.ts audits the list; this the drawer and the report). */
async function seriousIn(page: Page, selector: string): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const found = await page.evaluate<{ id: string; impact: string | null; nodes: { html: string }[] }[]>(`axe.run(${JSON.stringify(selector)}, { resultTypes: ['violations'] }).then((r) => r.violations)`);
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.html.slice(0, 120)).join(' | ')}`);
}

describe('the registry screens', () => {
  it('filters, opens a row’s detail, and shows an import’s row problems translated', async () => {
    const { t } = stage;
    const token = await t.login('dataadmin');
    const expected = (await t.call('GET', '/api/v1/people?kind=floating&area=990102&pageSize=1', { token })).json().total as number;
    expect(expected).toBeGreaterThan(0);

    const { page } = await person(stage);
    await signIn(page, 'dataadmin');
    await page.goto('/registry');
    await choose(page, page.getByLabel('类别'), '流动', '流动人口');
    await choose(page, page.getByLabel('所属区域（在区划树上选择）'), '东城', '东城区（990102）');
    await expect.poll(() => page.locator('.ant-pagination-total-text').first().textContent(), { timeout: 15_000 }).toBe(`共 ${expected} 条`);
    const rows = page.locator('tr.ant-table-row');
    const kinds = await rows.locator('td:nth-child(2)').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds)).toEqual(new Set(['流动人口']));

    // then a text search for one of them who lives in a registered house (ids, and so the order, vary by run)
    const floating = (await t.call('GET', '/api/v1/people?kind=floating&area=990102&pageSize=200', { token })).json().items as { name: string; houseId: string | null; nameMasked: boolean }[];
    const name = floating.find((p) => p.houseId && !p.nameMasked)!.name;
    await page.getByLabel('按名称、地址搜索').fill(name);
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.first().locator('td').first().textContent(), { timeout: 10_000 }).toBe(name);
    await rows.first().click();
    const detail = page.getByTestId('registry-detail');
    await detail.waitFor();
    await expect.poll(() => detail.textContent()).toContain('东城区');
    expect(await detail.textContent()).toMatch(/[0-9]{3}\*{11}[0-9X]{4}/);
    await shot(page, 'registry-detail');
    expect(await seriousIn(page, '.ant-drawer')).toEqual([]);
    // the person's house opens in the same drawer, listing them among its residents
    await detail.locator('button.ant-btn-link').click();
    await expect.poll(() => page.locator('.ant-drawer-title').textContent()).toBe('房屋详情');
    await expect.poll(() => page.getByTestId('registry-detail').textContent()).toContain(name);
    expect(await seriousIn(page, '.ant-drawer')).toEqual([]);
    await page.keyboard.press('Escape');

    // components by class, picked from the named classes
    await page.getByRole('tab', { name: '部件' }).click();
    await choose(page, page.getByLabel('部件类别'), '垃圾箱', '0303 垃圾箱');
    const bins = (await t.call('GET', '/api/v1/components?class=0303&pageSize=1', { token })).json().total as number;
    await expect.poll(() => page.locator('.ant-pagination-total-text').first().textContent(), { timeout: 10_000 }).toBe(`共 ${bins} 条`);
    expect(new Set(await rows.locator('td:nth-child(2)').allTextContents())).toEqual(new Set(['垃圾箱']));

    // an import with one bad ID number: nothing imported, the row explained from its code, in Chinese
    const grid = (await t.call('GET', '/api/v1/people?area=990102&pageSize=1', { token })).json().items[0].gridCode as string;
    const good = validIdNumber('990102', '19850101', 601);
    const bad = validIdNumber('990102', '19850102', 603);
    const csv = ['人口类别,姓名,身份证号,网格编码', `户籍人口,钱一,${good},${grid}`, `户籍人口,钱二,${bad.slice(0, 17)}${bad[17] === '1' ? '2' : '1'},${grid}`].join('\n');
    await page.goto('/registry/import');
    await page.locator('input[type=file]').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '开始导入' }).click();
    const report = page.getByTestId('import-errors');
    await report.waitFor({ timeout: 15_000 });
    const problem = report.locator('tr.ant-table-row').first();
    await expect.poll(() => problem.textContent()).toContain('身份证号不正确');
    expect(await problem.textContent()).toMatch(/^3身份证号/);
    expect(await report.textContent()).not.toMatch(/not a valid resident ID/);
    await shot(page, 'registry-import-errors');
    expect(await seriousIn(page, '#main')).toEqual([]);
    // the same report in English, from the same code (not the server's own English text)
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => problem.textContent()).toContain('Not a valid resident ID number (18 characters');
    expect(await report.textContent()).not.toContain('GB 11643');
    expect(jsErrors(page)).toEqual([]);
  }, 30_000);
});
