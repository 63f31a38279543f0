import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { choose, jsErrors, openStage, person, shot, signIn, type Stage } from './browser.ts';

/**
 * The dispute console on a desktop (#16): a mediator registers a dispute, records two sessions, uploads the signed
 * agreement and makes the 7- and 30-day follow-ups as the clock moves; a second one fails and is handed to the
 * court with the receiving body recorded.
 */
let stage: Stage;
beforeAll(async () => {
  stage = await openStage();
}, 180_000);
afterAll(async () => {
  await stage?.close();
});

const DAY = 86_400_000;

async function register(page: Page, text: string, type: string, applicant: string): Promise<string> {
  await page.goto('/disputes');
  await page.getByTestId('dispute-new').click();
  await page.getByLabel('纠纷情况').fill(text);
  const dialog = page.getByRole('dialog');
  await choose(page, dialog.getByLabel('事项分类', { exact: true }), '1501', /^1501 /);
  await choose(page, dialog.getByLabel('类型', { exact: true }), type, new RegExp(`^${type}`));
  await page.getByLabel('调解人', { exact: true }).fill('人民调解员老周');
  await page.getByLabel('申请人', { exact: true }).fill(applicant);
  await page.getByLabel('被申请人').fill('物业公司');
  await page.getByRole('button', { name: '登 记' }).or(page.getByRole('button', { name: '登记', exact: true })).click();
  await page.waitForURL(/\/disputes\/\d+/);
  await page.getByTestId('dispute-state').waitFor();
  return new URL(page.url()).pathname.split('/').pop()!;
}

async function session(page: Page, heldAt: Date, minutes: string, n: number) {
  await page.getByLabel('调解时间（不填为现在）').fill(heldAt.toISOString().slice(0, 16));
  await page.getByLabel('地点').fill('社区调解室');
  await page.getByLabel('参加人员（逗号分隔）').fill('双方当事人，调解员老周');
  await page.getByLabel('调解笔录').fill(minutes);
  await page.getByRole('button', { name: '记录调解' }).click();
  await expect.poll(() => page.getByTestId('dispute-sessions').locator('.ant-list-item').count()).toBe(n);
}

describe('the dispute console', () => {
  it('intake → two sessions → agreement → the 30-day follow-up; a failed one handed to the court', async () => {
    const { t } = stage;
    const { page } = await person(stage);
    await signIn(page, 'dispatcher');
    const code = await register(page, '楼上卫生间漏水到楼下，双方多次争吵', '邻里', '王建国');
    expect(await page.getByTestId('dispute-state').textContent()).toBe('已登记');
    await session(page, t.clock.now(), '双方陈述，约定请物业查漏', 1);
    expect(await page.getByTestId('dispute-state').textContent()).toBe('调解中');
    // two days on: staff sessions last 12 hours, so the mediator signs in again
    t.clock.advance(2 * DAY);
    await signIn(page, 'dispatcher');
    await page.goto(`/disputes/${code}`);
    await page.getByTestId('dispute-sessions').waitFor();
    await session(page, t.clock.now(), '物业查明漏点，双方同意维修方案', 2);

    await page.getByLabel('协议内容').fill('楼上住户负责维修防水层，赔偿楼下800元');
    const uploaded = page.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${code}/attachments`) && r.status() === 201);
    await page.locator('input[type=file]').setInputFiles({ name: 'agreement.jpg', mimeType: 'image/jpeg', buffer: tinyJpeg({ gps: false }) });
    await uploaded;
    await page.getByTestId('agreement-submit').click();
    await expect.poll(() => page.getByTestId('dispute-state').textContent()).toBe('调解成功');
    expect(await page.getByTestId('dispute-outcome').textContent()).toContain('赔偿楼下800元');
    expect(await page.getByTestId('dispute-followups').locator('.ant-list-item').count()).toBe(2);

    // 7 days on the first follow-up is overdue; 30 days on the second one is made (a new sign-in: staff sessions end)
    for (const [days, note] of [[8, '7天回访：已维修，未再漏水'], [22, '30天回访：关系缓和，无反复']] as const) {
      t.clock.advance(days * DAY);
      await signIn(page, 'dispatcher');
      await page.goto(`/disputes/${code}`);
      await page.getByLabel('回访情况').fill(note);
      await page.getByRole('button', { name: '回访：稳定' }).click();
      await expect.poll(() => page.getByTestId('dispute-followups').textContent()).toContain(note);
    }
    await expect.poll(() => page.getByRole('button', { name: '回访：稳定' }).count()).toBe(0);
    const api = (await t.call('GET', `/api/v1/disputes/${code}`, { token: await t.login('dispatcher') })).json();
    expect(api).toMatchObject({ state: 'agreed', sessions: [{}, {}], outcome: { kind: 'agreement' } });
    expect(api.followups.map((f: { result: string }) => f.result)).toEqual(['stable', 'stable']);
    await shot(page, 'dispute-agreed');

    const failed = await register(page, '小区车位产权争议，业主与开发商各执一词', '物业', '李秀英');
    await session(page, t.clock.now(), '双方不同意调解方案', 1);
    await choose(page, page.getByLabel('移交去向', { exact: true }), '诉调对接', /^诉调对接/);
    await page.getByLabel('接收单位').fill('示范市东城区人民法院诉调对接中心');
    await page.getByLabel('原因').fill('调解未果，当事人要求诉讼');
    await page.getByTestId('handover-submit').click();
    await expect.poll(() => page.getByTestId('dispute-state').textContent()).toBe('已移交');
    expect(await page.getByTestId('dispute-outcome').textContent()).toContain('示范市东城区人民法院诉调对接中心');
    const handed = (await t.call('GET', `/api/v1/disputes/${failed}`, { token: await t.login('dispatcher') })).json();
    expect(handed.outcome).toMatchObject({ kind: 'handover', handoverTo: 'court', receivingBody: '示范市东城区人民法院诉调对接中心' });
    await shot(page, 'dispute-handover');
    expect(jsErrors(page)).toEqual([]);
  }, 180_000);
});
