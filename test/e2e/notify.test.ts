import { describe, expect, it } from 'vitest';
import { jsErrors, person, shot, signIn, useStage } from './browser.ts';

/** The clerk's knowledge suggestion while typing, and the citizen's 办事指南 and map of reports, in a real browser. */
const stage = useStage();

describe('reach the citizen, in the browser', () => {
  it('suggests 居住证办理 while the clerk types and answers directly from it', async () => {
    const clerk = await person(stage);
    await signIn(clerk.page, 'clerk');
    await clerk.page.goto('/intake');
    await clerk.page.getByTestId('intake-text').fill('居住证怎么办理');
    const hit = clerk.page.getByTestId('knowledge-hit').first();
    await expect.poll(() => hit.textContent(), { timeout: 15_000 }).toBe('居住证办理');
    await shot(clerk.page, 'notify-intake-suggestion');
    await clerk.page.getByRole('button', { name: '用此答复' }).first().click();
    await clerk.page.getByRole('button', { name: /直接办结.*Ctrl/ }).click();
    await clerk.page.getByTestId('intake-done').waitFor();
    expect(await clerk.page.getByTestId('intake-rating-code').textContent()).toMatch(/[0-9]{6}/);
    expect(jsErrors(clerk.page)).toEqual([]);
  }, 90_000);

  it('the portal finds a guide and shows the map of reports without personal data', async () => {
    const citizen = await person(stage, { phone: true });
    await citizen.page.goto('/portal/guide');
    await citizen.page.getByTestId('guide-search').locator('input').fill('居住证怎么办理');
    await citizen.page.getByTestId('guide-search').locator('input').press('Enter');
    await expect.poll(() => citizen.page.getByTestId('guide-hit').first().textContent(), { timeout: 15_000 }).toBe('居住证办理');
    await citizen.page.goto('/portal/map');
    await citizen.page.locator('[data-testid=map]').first().waitFor();
    await shot(citizen.page, 'notify-portal-map');
    expect(jsErrors(citizen.page)).toEqual([]);
  }, 90_000);
});
