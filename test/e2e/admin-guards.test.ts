import { describe, expect, it } from 'vitest';
import { choose, jsErrors, person, shot, signIn, useStage } from './browser.ts';
import { DEMO_KEY, O311 } from '../api/open311-support.ts';

/**
 * #18 admin guards in the browser: a unit the 权责清单 names cannot be disabled and the screen says which entries
 * name it (translated); an area is disabled on the org tree and leaves the pickers; a category added on the
 * taxonomy screen is an Open311 service at once.
 */
const stage = useStage();

describe('admin guards in the console', () => {
  it('refuses to disable a catalogue-named unit with its entries listed, and disables a street on the tree', async () => {
    const admin = await stage.t.login('admin');
    const named = (await stage.t.call('GET', '/api/v1/dispatch/rules?department=SZ&pageSize=200', { token: admin })).json().items as { category: string }[];
    expect(named.length).toBeGreaterThan(0);
    const { page } = await person(stage);
    await signIn(page, 'admin');
    await page.goto('/admin/org');
    await page.getByRole('heading', { name: /组织架构/ }).waitFor();

    await page.getByLabel('搜索单位名称或编码').fill('SZ');
    await page.getByLabel('搜索单位名称或编码').press('Enter');
    await page.getByRole('button', { name: '停用 SZ', exact: true }).click();
    const note = page.getByRole('alert').filter({ hasText: '该单位仍被权责清单引用，无法停用' });
    await note.waitFor();
    await note.getByText(`请先在权责清单中把以下 ${named.length} 条改派给其他单位`).waitFor();
    await note.locator('li', { hasText: named[0]!.category }).first().waitFor();
    expect(await note.locator('li').count()).toBe(named.length);
    expect((await stage.t.call('GET', '/api/v1/departments?q=SZ', { token: admin })).json().find((d: { code: string }) => d.code === 'SZ').active).toBe(true);
    await shot(page, 'admin-unit-in-catalogue');

    // a street of the first district: open the district on the tree, pick the street, disable it (asked first)
    const district = (await stage.t.call('GET', '/api/v1/areas?level=district&pageSize=1', { token: admin })).json().items[0] as { code: string; name: string };
    const street = (await stage.t.call('GET', `/api/v1/areas?parent=${district.code}&pageSize=1`, { token: admin })).json().items[0] as { code: string; name: string };
    await page.locator('.ant-tree-treenode', { hasText: `${district.name}（${district.code}）` }).locator('.ant-tree-switcher').click();
    await page.locator('.ant-tree-node-content-wrapper', { hasText: `${street.name}（${street.code}）` }).click();
    await page.getByRole('button', { name: '停用区划' }).click();
    await page.getByRole('dialog').getByText(`停用「${street.name}」及其下属全部区划？`, { exact: false }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: /^停\s*用$/ }).click();
    await page.locator('.ant-tree-node-content-wrapper', { hasText: `${street.name}（${street.code}）（已停用）` }).waitFor();
    await page.getByRole('button', { name: '启用区划' }).waitFor();
    expect((await stage.t.call('GET', `/api/v1/areas/${street.code}`, { token: admin })).json().active).toBe(false);

    // the department form's area picker (only areas in use) no longer offers it; the district is selected on the
    // tree so the form does not start on the street itself
    await page.locator('.ant-tree-node-content-wrapper', { hasText: `${district.name}（${district.code}）` }).click();
    await page.getByRole('button', { name: '新增单位' }).first().click();
    const dialog = page.getByRole('dialog');
    // searched by the district's code rather than opened on its switcher: a search shows every match with its
    // parents opened, where a switcher click toggles (and a tree that opened the district by itself closes it)
    await dialog.getByLabel('所属区划').click();
    await page.keyboard.type(`（${district.code}`);
    await page.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper').filter({ hasText: new RegExp(`（${district.code}\\d{3}）`) }).first().waitFor();
    expect(await page.locator('.ant-select-tree-node-content-wrapper', { hasText: `（${street.code}）` }).count()).toBe(0);
    expect(jsErrors(page)).toEqual([]);
  }, 120_000);

  it('a category added on the taxonomy screen is offered by Open311 at once', async () => {
    const { page } = await person(stage);
    await signIn(page, 'admin');
    await page.goto('/admin/taxonomy');
    await page.getByRole('heading', { name: '事项分类与处置时限' }).waitFor();
    await page.getByRole('button', { name: '新增小类' }).click();
    const dialog = page.getByRole('dialog');
    await choose(page, dialog.getByLabel('所属大类'), '05', /^05 /);
    await dialog.getByLabel('编码').fill('0598');
    await dialog.getByLabel('中文名称').fill('桥梁伸缩缝异响');
    await choose(page, dialog.getByLabel('默认处置单位'), 'SZ', /（SZ）$/);
    await dialog.getByRole('button', { name: /^保\s*存$/ }).click();
    await page.getByText('已新增小类并保存为新版本').waitFor();
    await page.getByRole('cell', { name: '桥梁伸缩缝异响', exact: true }).waitFor();
    const services = (await stage.t.call('GET', `${O311}/services.json?api_key=${DEMO_KEY}`)).json() as { service_code: string; service_name: string }[];
    expect(services.find((s) => s.service_code === '0598')?.service_name).toBe('桥梁伸缩缝异响');
    expect(jsErrors(page)).toEqual([]);
  }, 120_000);
});
