import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { audit } from './axe.ts';
import { jsErrors, person, shot, signIn, useStage } from './browser.ts';

/**
 * The desk from the keyboard alone (issue #18): a 12345 clerk records a call and a dispatcher files and dispatches
 * it without touching the mouse after signing in — page.keyboard only, no clicks — and both screens pass axe.
 */
const stage = useStage();

const appeal = '幸福路阳光花园1栋门口的路灯不亮了，晚上一片漆黑，老人出门很不安全';

/** What has the focus: a form field by its id, a table row by its case code, else the tag. */
const focused = (page: Page) => page.evaluate<string>("(() => { const a = document.activeElement; return (a && (a.id || a.getAttribute('data-row-key') || a.tagName)) || ''; })()");

describe('the desk from the keyboard', () => {
  it('a clerk records a call and a dispatcher dispatches it, keyboard only, and axe finds nothing serious', async () => {
    const { t } = stage;
    const found: string[] = [];

    // Another call waiting already, so the queue has a next case once this one is dispatched.
    const clerkToken = await t.login('clerk');
    const waiting = (await t.call('POST', '/api/v1/cases', { token: clerkToken, body: { channel: 'hotline', text: '小区门口的井盖松动了，车开过去哐哐响' } })).json() as { code: string };
    expect(waiting.code).toMatch(/^[0-9]{13}$/);

    // 1. The clerk: the focus is in the appeal's text as the screen opens.
    const clerk = await person(stage);
    const c = clerk.page;
    await signIn(c, 'clerk');
    await expect.poll(() => focused(c)).toBe('text');
    await c.keyboard.type(appeal);
    await c.keyboard.press('Tab'); // 匿名
    expect(await focused(c)).toBe('anonymous');
    await c.keyboard.press('Tab');
    expect(await focused(c)).toBe('callerName');
    await c.keyboard.type('王先生');
    await c.keyboard.press('Tab');
    expect(await focused(c)).toBe('callerPhone');
    await c.keyboard.type('13812'); // a number cut short
    await c.keyboard.press('Tab');
    expect(await focused(c)).toBe('address');
    // Ctrl+Enter is refused, and the focus goes to the field at fault, not left where it was.
    await c.keyboard.press('Control+Enter');
    await expect.poll(() => focused(c)).toBe('callerPhone');
    expect(await c.locator('.ant-form-item-explain-error').allTextContents()).toContain('电话号码格式不正确');
    await c.keyboard.press('Control+A');
    await c.keyboard.type('13812345678');
    await c.keyboard.press('Tab');
    // The address from the base data's houses: type, ↓ to the suggestion, Enter takes it (and its point).
    await c.keyboard.type('幸福路1号阳光花园1栋1单元101', { delay: 20 });
    await c.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '东城区幸福路1号阳光花园1栋1单元101室' }).first().waitFor();
    await c.keyboard.press('ArrowDown');
    await c.keyboard.press('Enter');
    await expect.poll(() => c.locator('#address').inputValue()).toBe('东城区幸福路1号阳光花园1栋1单元101室');
    await expect.poll(() => c.getByTestId('intake-grid').textContent(), { timeout: 15_000 }).toContain('位于');
    // The category by typing its code and Enter, whatever triage suggested meanwhile.
    await c.keyboard.press('Tab');
    expect(await focused(c)).toBe('category');
    await c.keyboard.type('0501');
    await c.keyboard.press('Enter');
    await expect.poll(() => c.locator('.ant-select-dropdown:visible').count()).toBe(0);
    await expect.poll(() => c.getByTestId('intake-category').textContent()).toContain('0501 路灯');
    // On to 紧急 through 性质; a select holding a value also offers its clear (×) button on the way.
    const stops: string[] = [];
    while (stops.length < 5 && (await focused(c)) !== 'urgent') {
      await c.keyboard.press('Tab');
      stops.push(await c.evaluate<string>("document.activeElement.id || document.activeElement.getAttribute('aria-label') || document.activeElement.tagName"));
    }
    expect(stops.filter((x) => x !== 'Clear')).toEqual(['nature', 'urgent']);
    await shot(c, 'keyboard-intake');
    await c.keyboard.press('Control+Enter');
    const tell = c.getByTestId('intake-tell');
    await tell.waitFor({ timeout: 20_000 });
    const code = (await tell.getAttribute('data-code'))!;
    expect(code).toMatch(/^[0-9]{13}$/);
    // Ready for the next call: the number stays on screen, the form is empty, the focus is back in the text.
    await expect.poll(() => focused(c)).toBe('text');
    expect(await c.locator('#text').inputValue()).toBe('');
    expect(await c.locator('#callerName').inputValue()).toBe('');
    await audit(c, 'intake (a case just recorded above the fresh form)', found);

    const token = await t.login('dispatcher');
    const filed = (await t.call('GET', `/api/v1/cases/${code}`, { token })).json();
    expect([filed.state, filed.category.code, filed.location.address]).toEqual(['received', '0501', '东城区幸福路1号阳光花园1栋1单元101室']);
    const resolved = (await t.call('GET', `/api/v1/dispatch/resolve?category=0501&area=${filed.location.gridCode}`, { token })).json() as { department: string };
    const unitName = ((await t.call('GET', '/api/v1/departments', { token })).json() as { code: string; name: string }[]).find((d) => d.code === resolved.department)!.name;

    // 2. The dispatcher: j/↓ through the queue to the new case.
    const dispatcher = await person(stage);
    const d = dispatcher.page;
    await signIn(d, 'dispatcher');
    const row = d.locator(`tr[data-row-key="${code}"]`);
    await row.waitFor({ timeout: 15_000 });
    await audit(d, 'dispatch queue', found);
    const keys = await d.locator('tr.ant-table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')));
    const at = keys.indexOf(code);
    expect(at).toBeGreaterThanOrEqual(0);
    await d.keyboard.press('j'); // the first key shows the cursor on the first row
    expect(await focused(d)).toBe(keys[0]);
    for (let i = 0; i < at; i++) await d.keyboard.press(i % 2 ? 'ArrowDown' : 'j');
    expect(await focused(d)).toBe(code);
    if (at > 0) {
      await d.keyboard.press('k');
      expect(await focused(d)).toBe(keys[at - 1]);
      await d.keyboard.press('ArrowDown');
      expect(await focused(d)).toBe(code);
    }

    // D opens 立案并派遣 on that case with its fields in reach; Esc closes it and the focus is back on the row.
    const dialog = d.getByRole('dialog');
    await d.keyboard.press('d');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(code);
    await expect.poll(() => dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await d.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => focused(d)).toBe(code);

    // D again, the catalogue's unit is on the form, Ctrl+Enter sends: the case goes to that unit.
    await d.keyboard.press('d');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('resolved-unit').textContent(), { timeout: 10_000 }).toContain(unitName);
    await d.keyboard.press('Tab');
    await d.keyboard.press('Tab');
    await expect.poll(() => dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement))).toBe(true);
    await audit(d, 'file and dispatch dialog', found);
    await shot(d, 'keyboard-dispatch');
    await d.keyboard.press('Control+Enter');
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    const after = (await t.call('GET', `/api/v1/cases/${code}`, { token })).json();
    expect(after.state).toBe('dispatched');
    expect(after.department.main).toBe(resolved.department);
    expect(after.timeline.map((e: { action: string }) => e.action)).toEqual(['intake', 'file', 'dispatch']);

    // The queue is ready for the next case: the cursor's row is a waiting case, and Enter opens it.
    await expect.poll(() => d.evaluate<boolean>("document.activeElement?.tagName === 'TR'")).toBe(true);
    const next = await focused(d);
    expect(next).not.toBe(code);
    await d.keyboard.press('Enter');
    await d.waitForURL(`**/cases/${next}`);

    // Keys typed into a field are the field's: j and d in the queue's category filter neither move nor open.
    await d.goto('/dispatch');
    await d.locator('tr.ant-table-row').first().waitFor();
    const filter = d.getByRole('combobox', { name: '事项分类' });
    await filter.focus();
    await d.keyboard.type('jd');
    expect(await filter.inputValue()).toBe('jd');
    expect(await d.getByRole('dialog').count()).toBe(0);
    expect(await d.locator('tr.row-cursor').count()).toBe(0);

    expect(found).toEqual([]);
    expect(jsErrors(c)).toEqual([]);
    expect(jsErrors(d)).toEqual([]);
  }, 60_000);

  it('the case list and the workbench: j/k move over the rows and Enter opens the case', async () => {
    // two calls of its own (the test template is light): a street light, filed and dispatched to 市政 (SZ), and a
    // manhole cover that waits
    const { t } = stage;
    const [clerk, dispatcher] = await Promise.all([t.login('clerk'), t.login('dispatcher')]);
    const light = (await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: '长江路口的路灯坏了，一到晚上就不亮', category: '0501' } })).json() as { code: string };
    expect((await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: '人民公园南门的井盖松了，一踩就晃' } })).statusCode).toBe(201);
    for (const action of ['file', 'dispatch']) expect((await t.call('POST', `/api/v1/cases/${light.code}/actions`, { token: dispatcher, body: { action } })).statusCode, action).toBe(200);
    expect((await t.call('GET', `/api/v1/cases/${light.code}`, { token: dispatcher })).json().department.main).toBe('SZ');

    // the case list: down, down, up, down, Enter
    const list = await person(stage);
    await signIn(list.page, 'dispatcher');
    await list.page.goto('/cases');
    await list.page.locator('tr.ant-table-row').nth(1).waitFor();
    const codes = await list.page.locator('tr.ant-table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-row-key')));
    await list.page.keyboard.press('j'); // the first key shows the cursor on the first row
    expect(await focused(list.page)).toBe(codes[0]);
    await list.page.keyboard.press('j');
    expect(await focused(list.page)).toBe(codes[1]);
    await list.page.keyboard.press('k');
    expect(await focused(list.page)).toBe(codes[0]);
    await list.page.keyboard.press('ArrowDown');
    await list.page.keyboard.press('Enter');
    await list.page.waitForURL((url) => url.pathname === `/cases/${codes[1]}`);
    expect(jsErrors(list.page)).toEqual([]);

    // the workbench: the street light waits there to be accepted
    const unit = await person(stage);
    await signIn(unit.page, 'handler.sz');
    await unit.page.goto('/workbench');
    await unit.page.locator(`tr[data-row-key="${light.code}"]`).waitFor();
    const code = await unit.page.locator('tr.ant-table-row').first().getAttribute('data-row-key');
    await unit.page.keyboard.press('j');
    expect(await focused(unit.page)).toBe(code);
    await unit.page.keyboard.press('Enter');
    await unit.page.waitForURL((url) => url.pathname === `/cases/${code}`);
    expect(jsErrors(unit.page)).toEqual([]);
  }, 60_000);
});
