import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { jsErrors, mapReady, person, shot, signIn, useStage } from './browser.ts';
import { busyDay } from './busy-day.ts';

/**
 * The screens around the main story, in the browser against the real server: the leader's overview and map,
 * base data with masking, an import refused row by row, a citizen's own report from the portal, errors shown
 * as readable messages, the English switch, and a session that ends.
 */
const stage = useStage(async (s) => {
  await busyDay(s.t);
});

describe('the console and the portal around the appeal story', () => {
  it('shows readable errors, the overview, the map, masked base data and a refused import', async () => {
    const leader = await person(stage);
    await leader.page.goto('/login');
    await leader.page.getByLabel('用户名').fill('leader');
    await leader.page.getByLabel('密码').fill('wrong-password');
    await leader.page.locator('button[type=submit]').click();
    // problem+json code auth.invalid_credentials, translated
    await expect.poll(() => leader.page.getByTestId('login-error').textContent()).toContain('用户名或密码错误');
    const refused: string[] = [];
    leader.page.on('response', (r) => void (r.status() === 403 && refused.push(r.url())));
    await signIn(leader.page, 'leader');
    expect(new URL(leader.page.url()).pathname).toBe('/operations');
    // 风险预警 panel: the leader may read warnings, so it is there, linking to the full list, and nothing was refused
    await leader.page.getByTestId('ops-warnings').getByRole('link', { name: '全部预警' }).waitFor();
    expect(refused).toEqual([]);
    // A leader's menu offers what the permission table gives a leader, and nothing to act on cases.
    const menu = await leader.page.getByRole('navigation').first().textContent();
    expect(menu).toContain('运行监测');
    expect(menu).not.toContain('受理');
    expect(menu).not.toContain('派遣');
    await leader.page.locator('canvas').first().waitFor();
    // The busy day was yesterday on the moved clock: widen the hotspot window to see it.
    await leader.page.getByText('7天').click();
    await mapReady(leader.page);
    await shot(leader.page, '11-operations');
    await leader.page.goto('/map');
    await mapReady(leader.page);
    await shot(leader.page, '12-map', { pauseMs: 1500 });
    // Supervision: the sweep has raised cards on late cases; the dispatcher's red-card view lists them.
    const dispatcher = await person(stage);
    await signIn(dispatcher.page, 'dispatcher');
    await dispatcher.page.getByRole('tab', { name: '红牌督办' }).click();
    await dispatcher.page.locator('tr.ant-table-row [data-card=red]').first().waitFor();
    await shot(dispatcher.page, '17-red-cards');

    // A screen the role may not use is refused in the UI too.
    await leader.page.goto('/intake');
    await leader.page.getByText('您的角色无权访问此页面').waitFor();

    const admin = await person(stage);
    await signIn(admin.page, 'dataadmin');
    expect(new URL(admin.page.url()).pathname).toBe('/registry');
    const firstId = admin.page.locator('.ant-table-tbody tr.ant-table-row code').first();
    await firstId.waitFor();
    // ID numbers reach the browser masked: 110***********1234
    expect(await firstId.textContent()).toMatch(/^\d{3}\*+\d{3}[\dX]$/);
    await shot(admin.page, '13-registry');

    await admin.page.goto('/registry/import');
    // A spreadsheet as a community office keeps it: a bad ID checksum on row 2, an unknown category on row 3.
    const book = new ExcelJS.Workbook();
    book.addWorksheet('人口').addRows([
      ['人口类别', '姓名', '身份证号', '手机号', '网格编码'],
      ['户籍人口', '王五', '110101199003070012', '13800000001', '990102001001001'],
      ['外星人口', '赵六', '11010519491231002X', '13800000002', '990102001001001'],
    ]);
    const xlsx = Buffer.from(await book.xlsx.writeBuffer());
    await admin.page.locator('input[type=file]').setInputFiles({ name: 'people.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx });
    await admin.page.getByRole('button', { name: '开始导入' }).click();
    const report = admin.page.getByTestId('import-errors');
    await report.waitFor({ timeout: 30_000 });
    const rows = await report.locator('tbody tr.ant-table-row').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^2身份证号/);
    expect(rows[1]).toMatch(/^3人口类别/);
    await shot(admin.page, '14-import-report');
    // Nothing half-imported.
    const token = await stage.t.login('dataadmin');
    expect((await stage.t.call('GET', '/api/v1/people?q=王五', { token })).json().total).toBe(0);

    // English is one click away and stays on the same screen.
    await admin.page.getByRole('button', { name: '切换语言' }).click();
    await admin.page.getByText('Base data').first().waitFor();

    // A session that ends (here: revoked on the server) sends the user back to sign-in with the reason.
    const bearer = await admin.page.evaluate<string | null>("sessionStorage.getItem('civicgrid.token')");
    expect((await stage.t.call('POST', '/api/v1/auth/logout', { token: bearer! })).statusCode).toBe(204);
    await admin.page.getByRole('link', { name: 'Base data' }).first().click();
    await admin.page.getByText('Your session has expired').waitFor();
    expect(new URL(admin.page.url()).pathname).toBe('/login');

    for (const p of [leader.page, dispatcher.page, admin.page]) expect(jsErrors(p)).toEqual([]);
  }, 240_000);

  it('lets a citizen report with a photo and a place, without an account', async () => {
    const citizen = await person(stage, { phone: true });
    await citizen.page.goto('/portal');
    await citizen.page.getByRole('button', { name: '我要反映' }).waitFor();
    await shot(citizen.page, '15-portal-home');
    await citizen.page.getByRole('button', { name: '我要反映' }).click();
    await citizen.page.getByLabel('问题描述').fill('公园东门的井盖松动了，踩上去会晃，担心有人摔倒');
    const photo = await citizen.page.screenshot({ type: 'jpeg', quality: 50, clip: { x: 0, y: 0, width: 200, height: 200 } });
    await citizen.page.locator('input[type=file]').setInputFiles({ name: 'manhole.jpg', mimeType: 'image/jpeg', buffer: photo });
    await mapReady(citizen.page);
    const map = citizen.page.getByTestId('map');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await citizen.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await citizen.page.getByText(/已选择位置/).waitFor();
    await citizen.page.getByLabel('手机号码').fill('13900001111');
    await shot(citizen.page, '16-portal-report');
    await citizen.page.getByRole('button', { name: /提\s*交/ }).click();
    const done = citizen.page.getByTestId('portal-report-done');
    await done.waitFor({ timeout: 20_000 });
    const code = /([0-9]{13})/.exec((await done.textContent()) ?? '')![1]!;

    // Staff see a web case with the photo and the citizen's number masked; the public view has no number.
    const token = await stage.t.login('dispatcher');
    const c = (await stage.t.call('GET', `/api/v1/cases/${code}`, { token })).json();
    expect(c).toMatchObject({ channel: 'web', state: expect.any(String) });
    expect(c.attachments).toHaveLength(1);
    expect(c.reporter.phone).toBe('139****1111');
    expect(c.location.gridCode).toMatch(/^[0-9]{15}$/);
    await citizen.page.getByRole('button', { name: '查看进度' }).click();
    await citizen.page.getByTestId('portal-state').waitFor();
    expect(await citizen.page.content()).not.toContain('13900001111');
    expect(jsErrors(citizen.page)).toEqual([]);
  }, 120_000);
});
