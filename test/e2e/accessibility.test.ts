import { describe, expect, it } from 'vitest';
import { audit } from './axe.ts';
import { mapReady, person, signIn, useStage } from './browser.ts';
import { busyDay } from './busy-day.ts';

/**
 * axe-core over the main console and portal screens, in the real browser against the real server: any
 * `serious` or `critical` violation fails, with the rule, the first offending elements and axe's help link.
 */
// A working city (cases waiting, dispatched, carded) so the screens are audited full, not empty.
const stage = useStage((s) => busyDay(s.t, 16));

describe('accessibility (axe)', () => {
  it('finds no serious or critical violation on the console screens', async () => {
    const found: string[] = [];
    const visitor = await person(stage);
    await visitor.page.goto('/login');
    await visitor.page.getByLabel('用户名').waitFor();
    await audit(visitor.page, 'login', found);

    const leader = await person(stage);
    await signIn(leader.page, 'leader');
    await leader.page.locator('canvas').first().waitFor();
    await audit(leader.page, 'operations', found);
    await leader.page.goto('/map');
    await mapReady(leader.page);
    await audit(leader.page, 'map', found);

    const dispatcher = await person(stage);
    await signIn(dispatcher.page, 'dispatcher');
    await dispatcher.page.locator('tr.ant-table-row').first().waitFor();
    await audit(dispatcher.page, 'dispatch queue', found);
    const code = await dispatcher.page.locator('tr.ant-table-row').first().getAttribute('data-row-key');
    await dispatcher.page.goto(`/cases/${code}`);
    await dispatcher.page.getByTestId('case-timeline').waitFor();
    await audit(dispatcher.page, 'case detail', found);
    await dispatcher.page.goto('/cases');
    await dispatcher.page.locator('tr.ant-table-row').first().waitFor();
    await audit(dispatcher.page, 'case list', found);
    await dispatcher.page.goto('/registry');
    await dispatcher.page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor();
    await audit(dispatcher.page, 'registry', found);

    const worker = await person(stage, { phone: true });
    await signIn(worker.page, 'gridworker');
    await worker.page.getByTestId('grid-tabbar').waitFor();
    await audit(worker.page, 'grid worker (phone)', found);

    expect(found).toEqual([]);
  }, 180_000);

  it('finds no serious or critical violation on the admin screens and the alarm, dispute and warning desks', async () => {
    const found: string[] = [];
    const admin = await person(stage);
    await signIn(admin.page, 'admin');
    for (const path of ['/admin/org', '/admin/users', '/admin/catalogue', '/admin/taxonomy', '/admin/calendar', '/admin/device-types', '/admin/devices', '/admin/keys', '/admin/settings', '/admin/audit', '/alarms', '/disputes', '/warnings']) {
      await admin.page.goto(path);
      await admin.page.locator('.ant-table, .ant-tree, .ant-form').first().waitFor();
      await audit(admin.page, path, found);
    }
    expect(found).toEqual([]);
  }, 240_000);

  it('finds no serious or critical violation on the portal', async () => {
    const found: string[] = [];
    const citizen = await person(stage, { phone: true });
    await citizen.page.goto('/portal');
    await citizen.page.getByRole('button', { name: '我要反映' }).waitFor();
    await audit(citizen.page, 'portal home', found);
    await citizen.page.goto('/portal/report');
    await citizen.page.getByLabel('问题描述').waitFor();
    await audit(citizen.page, 'portal report', found);
    const token = await stage.t.login('dispatcher');
    const [first] = (await stage.t.call('GET', '/api/v1/cases?pageSize=1', { token })).json().items;
    await citizen.page.goto(`/portal/track/${first.code}`);
    await citizen.page.getByTestId('portal-state').waitFor();
    await audit(citizen.page, 'portal track', found);
    expect(found).toEqual([]);
  }, 120_000);
});
