import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { jsErrors, person, settled, shot, signIn, useStage } from './browser.ts';
import { busyDay } from './busy-day.ts';

/**
 * The dispatch desk and the grid worker's phone after the walk-through's polish: tab counts, urgent first, place
 * columns, 立案+派遣 in one step with the catalogue's unit shown first and a 协办 unit, names in the timeline,
 * a bottom tab bar with nothing hidden, and no screen asking for what its role may not see.
 */
const stage = useStage((s) => busyDay(s.t, 12));

/** Every 403 a page receives from the API (a screen fetching what its role may not read). */
function refusals(page: Page): string[] {
  const refused: string[] = [];
  page.on('response', (r) => void (r.status() === 403 && refused.push(new URL(r.url()).pathname)));
  return refused;
}

describe('the dispatch desk', () => {
  it('counts each tab, lists urgent first with place columns, and files and dispatches in one step', async () => {
    const { t } = stage;
    const [clerk, dispatcherToken] = [await t.login('clerk'), await t.login('dispatcher')];
    const houses = (await t.call('GET', '/api/v1/houses?pageSize=5', { token: dispatcherToken })).json().items as { lon: number; lat: number; address: string }[];
    const h = houses[0]!;
    // An urgent case, created before a newer ordinary one: urgent first beats newest first.
    const urgent = (await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: `${h.address}：燃气管道有异味，疑似泄漏`, lon: h.lon, lat: h.lat, address: h.address, urgent: true } })).json();
    const plain = (await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: `${h.address}：路灯不亮了，晚上一片漆黑`, lon: h.lon, lat: h.lat, address: h.address, category: '0501' } })).json();
    const sorted = (await t.call('GET', '/api/v1/cases?state=received,filed&sort=urgent&pageSize=5', { token: dispatcherToken })).json().items as { code: string; urgent: boolean }[];
    expect(sorted[0]!.code).toBe(urgent.code);
    const newest = (await t.call('GET', '/api/v1/cases?state=received,filed&pageSize=5', { token: dispatcherToken })).json().items as { code: string }[];
    expect(newest[0]!.code).toBe(plain.code);

    const d = await person(stage);
    const refused = refusals(d.page);
    await signIn(d.page, 'dispatcher');
    const todoTotal = (await t.call('GET', '/api/v1/cases?state=received,filed&pageSize=1', { token: dispatcherToken })).json().total as number;
    const redTotal = (await t.call('GET', '/api/v1/cases?supervision=red&pageSize=1', { token: dispatcherToken })).json().total as number;
    await expect.poll(() => d.page.getByTestId('tab-count-todo').textContent(), { timeout: 15_000 }).toBe(String(todoTotal));
    await expect.poll(() => d.page.getByTestId('tab-count-red').textContent()).toBe(String(redTotal));
    const rows = d.page.locator('tr.ant-table-row');
    await expect.poll(() => rows.first().getAttribute('data-row-key')).toBe(urgent.code);
    // address and district (区) columns, by name
    const row = d.page.locator(`tr[data-row-key="${plain.code}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(h.address);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toMatch(/城区|区/);

    // 立案+派遣: the unit the catalogue will choose is on the form before sending; a 协办 unit is added.
    await row.getByTestId('row-file-dispatch').click();
    const dialog = d.page.getByRole('dialog');
    const resolved = (await t.call('GET', `/api/v1/dispatch/resolve?category=0501&area=${plain.location.gridCode}`, { token: dispatcherToken })).json();
    const departments = (await t.call('GET', '/api/v1/departments', { token: dispatcherToken })).json() as { code: string; name: string; active: boolean }[];
    const mainName = departments.find((x) => x.code === resolved.department)!.name;
    await expect.poll(() => dialog.getByTestId('resolved-unit').textContent(), { timeout: 10_000 }).toContain(mainName);
    const co = departments.find((x) => x.active && x.code !== resolved.department && !resolved.coDepartments.includes(x.code))!;
    await dialog.getByTestId('co-units').locator('input').fill(co.name);
    // Enter takes the option the filter made active: a click can chase a dropdown that keeps re-positioning
    // while the dialog around it settles (a full run once waited 30 s for it to hold still)
    await d.page.locator('.ant-select-dropdown:visible .ant-select-item-option-active', { hasText: co.name }).waitFor();
    await d.page.keyboard.press('Enter');
    await d.page.keyboard.press('Escape'); // close the multi-select's list, keep the dialog
    await shot(d.page, 'desk-file-dispatch');
    await dialog.getByTestId('file-dispatch-submit').click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    const after = (await t.call('GET', `/api/v1/cases/${plain.code}`, { token: dispatcherToken })).json();
    expect(after.state).toBe('dispatched');
    expect(after.department.main).toBe(resolved.department);
    expect(after.department.co).toContain(co.code);
    expect(after.timeline.map((e: { action: string }) => e.action)).toEqual(['intake', 'file', 'dispatch']);

    // The timeline names the people (受理员, 派遣员), not their login names; the grid by name.
    await d.page.goto(`/cases/${plain.code}`);
    const timeline = d.page.getByTestId('case-timeline');
    await expect.poll(() => timeline.textContent(), { timeout: 15_000 }).toContain('指挥中心派遣员');
    expect(await timeline.textContent()).toContain('12345受理员');
    expect(await timeline.textContent()).not.toMatch(/\bdispatcher\b|\bclerk\b/);
    await expect.poll(() => d.page.getByTestId('grid-name').textContent()).toContain('网格');
    expect(await d.page.getByTestId('grid-name').textContent()).not.toMatch(/^[0-9]+$/);
    await shot(d.page, 'desk-case-detail-names');
    expect(refused).toEqual([]);
    expect(jsErrors(d.page)).toEqual([]);
  }, 180_000);
});

describe('the grid worker on a phone (390×844)', () => {
  it('has a bottom tab bar with every section visible and whole, and no hidden menu', async () => {
    const w = await person(stage, { phone: true });
    const refused = refusals(w.page);
    await signIn(w.page, 'gridworker');
    const bar = w.page.getByTestId('grid-tabbar');
    await bar.waitFor();
    // Nothing wider than the phone (else the browser zooms out and everything shrinks), and the bar at the bottom.
    const wide = await w.page.evaluate<string[]>(`(() => {
      const w = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > w + 1).slice(0, 5).map((el) => el.tagName + '.' + String(el.className).slice(0, 60));
    })()`);
    expect(wide).toEqual([]);
    const viewport = await w.page.evaluate<{ w: number; h: number }>('({ w: window.innerWidth, h: window.innerHeight })');
    expect(viewport.w).toBe(390);
    const box = (await bar.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.h + 1);
    expect(box.y).toBeGreaterThan(viewport.h - 120);
    const tabs = bar.getByRole('tab');
    expect(await tabs.count()).toBe(5);
    // each label whole: nothing clipped, nothing past the screen's edge
    const clipped = await tabs.evaluateAll((els) =>
      els.filter((el) => {
        const label = el.querySelector('.label')!;
        const r = el.getBoundingClientRect();
        return label.scrollWidth > label.clientWidth + 1 || r.left < 0 || r.right > el.ownerDocument.documentElement.clientWidth + 1;
      }).length,
    );
    expect(clipped).toBe(0);
    // no overflow "…" anywhere: neither tabs nor the console menu hide items
    expect(await w.page.locator('.ant-tabs-nav-operations:not(.ant-tabs-nav-operations-hidden), .ant-menu-overflow-item-rest:not(.ant-menu-overflow-item-rest[aria-hidden=true])').count()).toBe(0);
    for (const key of ['map', 'report', 'fieldwork', 'data', 'tasks']) {
      await w.page.getByTestId(`grid-tab-${key}`).click();
      expect(await w.page.getByTestId(`grid-tab-${key}`).getAttribute('aria-selected')).toBe('true');
    }
    await shot(w.page, 'desk-grid-worker-tabbar');
    expect(refused).toEqual([]);
    expect(jsErrors(w.page)).toEqual([]);
  }, 120_000);
});

describe('no screen fetches what its role may not see', () => {
  it('signs in as each role and visits its screens without a single 403', async () => {
    const visits: [string, string[]][] = [
      ['clerk', ['/intake', '/cases', '/callbacks']],
      ['handler.sz', ['/workbench', '/cases', '/map']],
      ['leader', ['/operations', '/map', '/cases', '/evaluation', '/warnings']],
      ['dataadmin', ['/registry', '/registry/import', '/datahall']],
      ['dispatcher', ['/dispatch', '/cases', '/map', '/registry', '/disputes']],
    ];
    const found: string[] = [];
    for (const [user, paths] of visits) {
      const p = await person(stage);
      const refused = refusals(p.page);
      await signIn(p.page, user);
      for (const path of paths) {
        await p.page.goto(path);
        await p.page.locator('#main').waitFor();
        // the screen's first fetches (lists, reference data, panels) have gone out and come back
        await settled(p.page);
      }
      for (const r of refused) found.push(`${user}: ${r}`);
      expect(jsErrors(p.page)).toEqual([]);
      await p.context.close();
    }
    expect(found).toEqual([]);
  }, 180_000);
});
