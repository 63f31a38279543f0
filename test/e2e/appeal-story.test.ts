import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { jsErrors, mapReady, person, shot, signIn, useStage } from './browser.ts';

/**
 * The whole point of the console, in a real browser against the real server: a clerk records a hotline
 * appeal, a dispatcher dispatches it, the handling unit reports back with a photo, the grid worker checks it
 * on a phone, the dispatcher closes it, and the citizen sees the outcome on the portal and rates it.
 * Every screen is photographed into docs/screenshots/ for the README.
 */
const stage = useStage(undefined, 180_000);

const appeal = '阳光花园1栋门口的路灯不亮了，晚上一片漆黑，老人出门很不安全，请尽快修理';

/** A real JPEG for the photo steps: a screenshot the browser encodes. */
async function photo(page: Page): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  return { name: 'site.jpg', mimeType: 'image/jpeg', buffer: await page.screenshot({ type: 'jpeg', quality: 60, clip: { x: 0, y: 0, width: 320, height: 240 } }) };
}

describe('an appeal from the hotline to a rated closure, through the browser', () => {
  it('clerk → dispatcher → handler → grid worker → dispatcher → citizen', async () => {
    // 1. The clerk takes the call.
    const clerk = await person(stage);
    await clerk.page.goto('/login');
    await clerk.page.getByText('演示账号').waitFor();
    await shot(clerk.page, '01-login');
    await signIn(clerk.page, 'clerk');
    expect(new URL(clerk.page.url()).pathname).toBe('/intake');
    await clerk.page.getByTestId('intake-text').fill(appeal);
    await clerk.page.getByLabel('来电号码').fill('13812345678');
    // The place comes from the base data: the caller names the house, the clerk picks it from the suggestions.
    await clerk.page.getByLabel('地址').pressSequentially('幸福路1号阳光花园1栋1单元101', { delay: 30 });
    await clerk.page.locator('.ant-select-item-option', { hasText: '东城区幸福路1号阳光花园1栋1单元101室' }).first().click();
    await expect.poll(() => clerk.page.getByTestId('intake-grid').textContent(), { timeout: 15_000 }).toContain('位于');
    // Triage suggests the category while the clerk types; the form takes it.
    await expect.poll(() => clerk.page.getByTestId('triage-category').textContent(), { timeout: 20_000 }).toContain('0501');
    await expect.poll(() => clerk.page.getByTestId('intake-category').textContent()).toContain('路灯故障');
    // The caller's number is masked on screen once typed.
    expect(await clerk.page.getByLabel('来电号码').inputValue()).toBe('138****5678');
    await mapReady(clerk.page);
    await clerk.page.evaluate('window.scrollTo(0, 0)');
    await shot(clerk.page, '02-intake');
    await clerk.page.getByTestId('intake-text').press('Control+Enter');
    const tell = clerk.page.getByTestId('intake-tell');
    await tell.waitFor({ timeout: 20_000 });
    const code = (await tell.getAttribute('data-code'))!;
    const ratingToken = (await tell.getAttribute('data-token'))!;
    expect(code).toMatch(/^[0-9]{13}$/);
    expect(ratingToken.length).toBeGreaterThanOrEqual(10);
    await shot(clerk.page, '03-intake-done');

    // 2. The dispatcher sees it waiting, with triage's confidence, and dispatches it in bulk.
    const dispatcher = await person(stage);
    await signIn(dispatcher.page, 'dispatcher');
    expect(new URL(dispatcher.page.url()).pathname).toBe('/dispatch');
    const row = dispatcher.page.locator(`tr[data-row-key="${code}"]`);
    await row.waitFor();
    await row.locator('input[type=checkbox]').check();
    const bulk = dispatcher.page.getByTestId('bulk-dispatch');
    await expect.poll(() => bulk.isEnabled(), { timeout: 20_000 }).toBe(true);
    await shot(dispatcher.page, '04-dispatch');
    await bulk.click();
    await row.waitFor({ state: 'detached', timeout: 20_000 });

    // 3. The municipal facilities office signs for it and reports back with a photo.
    const handler = await person(stage);
    await signIn(handler.page, 'handler.sz');
    expect(new URL(handler.page.url()).pathname).toBe('/workbench');
    const toAccept = handler.page.locator(`tr[data-row-key="${code}"]`);
    await toAccept.getByTestId('row-action-accept').click();
    await handler.page.getByTestId('action-submit').click();
    await toAccept.waitFor({ state: 'detached' });
    await handler.page.getByRole('tab', { name: '处置中' }).click();
    const handling = handler.page.locator(`tr[data-row-key="${code}"]`);
    await handling.getByTestId('row-action-report').click();
    const dialog = handler.page.getByRole('dialog');
    await dialog.getByLabel('答复 / 处置结果').fill('已更换路灯灯具并通电测试，夜间照明恢复正常。');
    await dialog.locator('input[type=file]').setInputFiles(await photo(handler.page));
    await dialog.locator('.ant-upload-list-item-done, .ant-upload-list-item:not(.ant-upload-list-item-uploading)').first().waitFor();
    await shot(handler.page, '05-workbench-report');
    await dialog.getByTestId('action-submit').click();
    await handling.waitFor({ state: 'detached' });

    // 4. The grid worker checks the repair on site, from a phone, with a photo.
    const worker = await person(stage, { phone: true });
    await signIn(worker.page, 'gridworker');
    expect(new URL(worker.page.url()).pathname).toBe('/grid');
    const task = worker.page.getByTestId('grid-to-check').locator('.ant-card', { hasText: code });
    await task.waitFor({ timeout: 20_000 });
    await shot(worker.page, '06-gridworker-tasks');
    await task.getByTestId('row-action-check').click();
    const checkDialog = worker.page.getByRole('dialog');
    await checkDialog.locator('input[type=file]').setInputFiles(await photo(worker.page));
    await checkDialog.locator('.ant-upload-list-item').first().waitFor();
    await expect.poll(() => checkDialog.locator('.ant-upload-list-item-uploading').count()).toBe(0);
    await checkDialog.getByTestId('action-submit').click();
    await task.waitFor({ state: 'detached' });
    await worker.page.getByRole('tab', { name: '我的网格' }).click();
    await mapReady(worker.page);
    await shot(worker.page, '07-gridworker-map');

    // 5. The dispatcher closes it from the case page, where the whole timeline is visible.
    await dispatcher.page.goto(`/cases/${code}`);
    await dispatcher.page.getByTestId('action-close').click();
    await dispatcher.page.getByTestId('action-submit').click();
    await expect.poll(() => dispatcher.page.locator('[data-state]').first().getAttribute('data-state'), { timeout: 15_000 }).toBe('closed');
    const timeline = await dispatcher.page.getByTestId('case-timeline').textContent();
    for (const step of ['受理登记', '立案', '派遣', '签收', '反馈', '核查通过', '结案']) expect(timeline).toContain(step);
    await mapReady(dispatcher.page);
    await shot(dispatcher.page, '08-case-detail');

    // 6. The citizen, with no account, tracks the case by its code, reads the outcome and rates it.
    const citizen = await person(stage, { phone: true });
    await citizen.page.goto('/portal');
    await citizen.page.getByLabel('案件编号').fill(code);
    await citizen.page.getByRole('button', { name: /查\s*询/ }).click();
    await expect.poll(() => citizen.page.getByTestId('portal-state').textContent()).toBe('已结案');
    expect(await citizen.page.getByTestId('portal-answer').textContent()).toContain('已更换路灯灯具');
    // Nothing personal reaches the public page.
    expect(await citizen.page.content()).not.toContain('13812345678');
    await citizen.page.getByRole('tab', { name: '用评价凭证评价' }).click();
    await citizen.page.getByLabel('评价凭证', { exact: true }).fill(ratingToken);
    await citizen.page.getByText('满意', { exact: true }).click();
    await citizen.page.getByLabel('意见（可选）').fill('修得很快，谢谢！');
    await shot(citizen.page, '09-portal-track');
    await citizen.page.getByRole('button', { name: '提交评价' }).click();
    await expect.poll(() => citizen.page.getByTestId('portal-rated').textContent()).toContain('满意');
    await citizen.page.getByRole('switch', { name: '长辈模式' }).click();
    await citizen.page.getByTestId('portal-rated').scrollIntoViewIfNeeded();
    await shot(citizen.page, '10-portal-rated-elder-mode');

    // The record agrees: rated, satisfied, and nobody's page threw.
    const pub = await stage.t.call('GET', `/api/v1/public/cases/${code}`);
    expect(pub.json()).toMatchObject({ state: 'rated', rating: 'satisfied' });
    for (const p of [clerk.page, dispatcher.page, handler.page, worker.page, citizen.page]) expect(jsErrors(p)).toEqual([]);
  }, 300_000);
});
