import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsErrors, mapReady, openStage, person, shot, signIn, type Stage } from './browser.ts';

/**
 * Issue #18 in the browser: a dispatcher's alarm workbench shows a new alarm live (no reload) and acknowledges it;
 * an admin registers a device (credentials shown once) and sees a refused import row by row, translated.
 */
let stage: Stage;
let admin: string;
beforeAll(async () => {
  stage = await openStage();
  admin = await stage.t.login('admin');
}, 240_000);
afterAll(async () => {
  await stage?.close();
});

async function newDevice(id: string, type = 'water_level') {
  const demo = (await stage.t.call('GET', '/api/v1/devices/demo-water-level-001', { token: admin })).json();
  const res = await stage.t.call('POST', '/api/v1/devices', { token: admin, body: { id, name: `浏览器测试 ${id}`, type, lon: demo.lon, lat: demo.lat, protocol: 'http' } });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json().credentials, lon: demo.lon as number, lat: demo.lat as number };
}

describe('alarm workbench and devices screen', () => {
  it('a new alarm appears on the open workbench by itself and the dispatcher acknowledges it', async () => {
    const gauge = await newDevice('e2e-gauge-1');
    const { page } = await person(stage);
    await signIn(page, 'dispatcher');
    await page.goto('/alarms');
    await page.getByRole('heading', { name: /告警工作台/ }).waitFor();
    expect(await page.getByRole('row', { name: /e2e-gauge-1/ }).count()).toBe(0);

    // the gauge reports high water while the page stays open: the brain's stream brings the row in
    const sent = await stage.t.call('POST', '/api/v1/telemetry', { headers: { 'x-device-token': gauge.token }, body: { values: { level: 0.6 } } });
    expect(sent.statusCode).toBe(202);
    const row = page.getByRole('row', { name: /e2e-gauge-1/ });
    await row.waitFor({ timeout: 15_000 });
    await page.getByText('实时', { exact: true }).waitFor();
    await row.getByRole('button', { name: /^确\s*认$/ }).click();
    await row.getByText(/已确认 · dispatcher/).waitFor({ timeout: 10_000 });
    const alarms = (await stage.t.call('GET', '/api/v1/alarms?deviceId=e2e-gauge-1', { token: admin })).json();
    expect(alarms.items[0]).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'dispatcher' });
    await shot(page, 'alarm-workbench');
    expect(jsErrors(page)).toEqual([]);
  }, 120_000);

  it('an admin registers a device and reads its credentials once; a bad import is listed row by row', async () => {
    const { page } = await person(stage);
    await signIn(page, 'admin');
    await page.goto('/admin/devices');
    await page.getByRole('heading', { name: '感知设备' }).waitFor();
    await mapReady(page);
    const demo = (await stage.t.call('GET', '/api/v1/devices/demo-water-level-001', { token: admin })).json();

    await page.getByRole('button', { name: '登记设备' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('设备编号').fill('e2e-smoke-1');
    await dialog.getByLabel('类型').click();
    await page.locator('.ant-select-item-option', { hasText: '烟感' }).first().click();
    await dialog.getByLabel('名称').fill('浏览器登记的烟感');
    await dialog.getByLabel('经度').fill(String(demo.lon));
    await dialog.getByLabel('纬度').fill(String(demo.lat));
    await dialog.getByRole('button', { name: /^保\s*存$/ }).click();
    const creds = page.getByTestId('device-credentials');
    await creds.waitFor();
    expect(await creds.textContent()).toContain('e2e-smoke-1');
    await shot(page, 'admin-devices-credentials');
    await page.getByRole('button', { name: 'OK' }).click();
    const created = await stage.t.call('GET', '/api/v1/devices/e2e-smoke-1', { token: admin });
    expect(created.json()).toMatchObject({ type: 'smoke', name: '浏览器登记的烟感' });

    const csv = `id,name,type,lon,lat\ne2e-ok-1,好的一行,gas,${demo.lon},${demo.lat}\ne2e-bad-1,坏的一行,no_such_type,${demo.lon},${demo.lat}\n`;
    await page.locator('input[type=file]').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const errorsTable = page.getByTestId('import-errors');
    await errorsTable.waitFor();
    expect(await errorsTable.textContent()).toContain('设备类型不存在');
    expect((await stage.t.call('GET', '/api/v1/devices/e2e-ok-1', { token: admin })).statusCode).toBe(404);
    await shot(page, 'admin-devices');
    expect(jsErrors(page)).toEqual([]);
  }, 120_000);
});
