import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
let dispatcher: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  dispatcher = await t.login('dispatcher');
});
afterAll(() => t.close());

const audit = async (targetType: string, targetId: string) =>
  ((await t.call('GET', `/api/v1/audit?targetType=${targetType}&targetId=${encodeURIComponent(targetId)}`, { token: admin })).json().items as { action: string; detail: Record<string, unknown> }[]).map((a) => a.action).sort();
const departments = async (query = '') => (await t.call('GET', `/api/v1/departments${query}`, { token: admin })).json() as { code: string; name: string; kind: string; areaCode: string | null; active: boolean }[];
const importFile = (filename: string, content: string | Buffer, dryRun?: boolean) =>
  t.call('POST', '/api/v1/org/import', { token: admin, body: { filename, content: Buffer.from(content).toString('base64'), dryRun } });

describe('departments (处置单位) through the admin API', () => {
  it('creates, edits and disables a department with audit rows; bad input and non-admins change nothing', async () => {
    const body = { code: 'XH_SZ', name: '西湖区市政设施所', nameEn: 'Xihu municipal works', kind: 'functional', areaCode: '990105' };
    expect((await t.call('POST', '/api/v1/departments', { token: dispatcher, body })).statusCode).toBe(403);
    for (const bad of [
      { ...body, code: 'xh-sz' },
      { ...body, name: '' },
      { ...body, kind: 'private' },
      { ...body, areaCode: '12' },
    ]) {
      const res = await t.call('POST', '/api/v1/departments', { token: admin, body: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const unknownArea = await t.call('POST', '/api/v1/departments', { token: admin, body: { ...body, areaCode: '990199' } });
    expect(unknownArea.statusCode).toBe(404);
    expect(unknownArea.json().code).toBe('area.not_found');
    expect((await departments()).some((d) => d.code === 'XH_SZ')).toBe(false);

    const created = await t.call('POST', '/api/v1/departments', { token: admin, body });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ code: 'XH_SZ', areaCode: '990105', active: true });
    const again = await t.call('POST', '/api/v1/departments', { token: admin, body });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('department.exists');

    expect((await t.call('PATCH', '/api/v1/departments/XH_SZ', { token: dispatcher, body: { active: false } })).statusCode).toBe(403);
    expect((await t.call('PATCH', '/api/v1/departments/XH_SZ', { token: admin, body: {} })).statusCode).toBe(400);
    expect((await t.call('PATCH', '/api/v1/departments/NOPE', { token: admin, body: { active: false } })).statusCode).toBe(404);
    const renamed = await t.call('PATCH', '/api/v1/departments/XH_SZ', { token: admin, body: { name: '西湖区市政设施管理所' } });
    expect(renamed.json()).toMatchObject({ name: '西湖区市政设施管理所', kind: 'functional', active: true });
    const disabled = await t.call('PATCH', '/api/v1/departments/XH_SZ', { token: admin, body: { active: false } });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().active).toBe(false);

    // a disabled unit is kept (old cases name it) but the catalogue can no longer send work to it
    const rule = await t.call('POST', '/api/v1/dispatch/rules', { token: admin, body: { category: '0502', areaCode: '990105', departmentCode: 'XH_SZ' } });
    expect(rule.statusCode).toBe(400);
    expect(rule.json().code).toBe('department.unknown');

    expect(await audit('department', 'XH_SZ')).toEqual(['department.create', 'department.update', 'department.update']);
    expect((await departments('?q=西湖区市政')).map((d) => d.code)).toEqual(['XH_SZ']);
    expect((await departments('?active=false')).map((d) => d.code)).toContain('XH_SZ');
    expect((await departments('?kind=utility')).every((d) => d.kind === 'utility')).toBe(true);
  });

  it('renames an area (its code stays), refused for non-admins and empty names', async () => {
    expect((await t.call('PATCH', '/api/v1/areas/990106', { token: dispatcher, body: { name: '南山新区' } })).statusCode).toBe(403);
    expect((await t.call('PATCH', '/api/v1/areas/990106', { token: admin, body: { name: ' ' } })).statusCode).toBe(400);
    const res = await t.call('PATCH', '/api/v1/areas/990106', { token: admin, body: { name: '南山新区' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ code: '990106', name: '南山新区', level: 'district' });
    expect(await audit('area', '990106')).toEqual(['area.update']);
  });
});

describe('org tree file (组织架构导入导出)', () => {
  const header = '类型,编码,名称,英文名称,上级编码,层级或单位类型,启用\n';

  it('exports areas and departments as CSV and XLSX with the columns the import reads', async () => {
    expect((await t.call('GET', '/api/v1/org/tree?format=csv', { token: dispatcher })).statusCode).toBe(403);
    const csv = await t.call('GET', '/api/v1/org/tree?format=csv', { token: admin });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe(header.trim());
    expect(lines).toContain('area,990105,西湖区,,990100,district,true');
    expect(lines.some((l) => l.startsWith('department,SZ,市政设施管理处,'))).toBe(true);
    const areaCount = (await t.call('GET', '/api/v1/areas?pageSize=1', { token: admin })).json().total;
    expect(lines.filter((l) => l.startsWith('area,')).length).toBe(areaCount);

    const xlsx = await t.call('GET', '/api/v1/org/tree?format=xlsx', { token: admin });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.getRow(1).getCell(2).value).toBe('编码');
  });

  it('reports every bad row by code and changes nothing; a clean file imports in one go, audited', async () => {
    const before = await t.call('GET', '/api/v1/org/tree?pageSize=200&page=1', { token: admin });
    const total = before.json().total;
    const bad =
      header +
      'area,990105900,西湖新街道,,990105,street,true\n' + // fine on its own
      'area,990105901,,,990105,street,true\n' + // no name
      'area,990177,北湖区,,990188,district,true\n' + // unknown parent
      'area,99010590,错位编码,,990105,street,true\n' + // wrong length for a street
      'department,bad-code,某单位,,,functional,true\n' +
      'department,XH_HW,西湖区环卫所,,990105,private,true\n' +
      'region,X,某物,,,,\n' +
      'area,990105,西湖区,,990106,district,true\n'; // would move an area
    const res = await importFile('org.csv', bad);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('org_import.invalid_rows');
    const byRow = (res.json().rowErrors as { row: number; code: string }[]).map((e) => `${e.row}:${e.code}`);
    expect(byRow).toEqual(
      expect.arrayContaining(['3:org_import.bad_name', '4:org_import.unknown_parent', '5:org_import.bad_code', '6:org_import.bad_code', '7:org_import.bad_kind', '8:org_import.bad_type', '9:org_import.area_moved']),
    );
    expect(byRow.some((r) => r.startsWith('2:'))).toBe(false);
    expect((await t.call('GET', '/api/v1/org/tree', { token: admin })).json().total).toBe(total);
    expect((await t.call('GET', '/api/v1/areas/990105900', { token: admin })).statusCode).toBe(404);

    expect((await importFile('org.pdf', 'x')).json().code).toBe('org_import.unknown_format');
    expect((await t.call('POST', '/api/v1/org/import', { token: dispatcher, body: { filename: 'org.csv', content: Buffer.from(header).toString('base64') } })).statusCode).toBe(403);

    // a new street and its community (child listed before its parent), a new unit in the street, a renamed district
    const good =
      header +
      'area,990105900001,湖畔社区,,990105900,community,true\n' +
      'area,990105900,西湖新街道,,990105,street,true\n' +
      'department,XH_HW,西湖区环卫所,Xihu sanitation,990105900,functional,true\n' +
      'department,SZ,市政设施管理处,Municipal works,,functional,是\n' +
      'area,990106,南山区,,990100,district,true\n';
    const dry = await importFile('org.csv', good, true);
    expect(dry.json()).toEqual({ dryRun: true, rows: 5, areasCreated: 2, areasRenamed: 1, departmentsCreated: 1, departmentsUpdated: 1 });
    expect((await t.call('GET', '/api/v1/areas/990105900', { token: admin })).statusCode).toBe(404);

    const done = await importFile('org.csv', good);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ dryRun: false, areasCreated: 2, departmentsCreated: 1 });
    expect((await t.call('GET', '/api/v1/areas/990105900001', { token: admin })).json()).toMatchObject({ level: 'community', path: '990100.990105.990105900.990105900001' });
    expect((await t.call('GET', '/api/v1/areas/990106', { token: admin })).json().name).toBe('南山区');
    expect((await departments()).find((d) => d.code === 'XH_HW')).toMatchObject({ areaCode: '990105900', active: true });
    expect(await audit('org_tree', 'org.csv')).toEqual(['org.import']);
  });
});
