import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

/** List exports (issue #18): ?format=csv|xlsx on the list paths, same scope and masking as the JSON list. */
let t: TestApp;
let tok: Tokens;

beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
  const [east, west] = await Promise.all([pointIn(t, '990102'), pointIn(t, '990105')]);
  // Cases on both sides of the district line, with a named reporter and phone that the list masks.
  for (let i = 0; i < 3; i++) await intake(t, tok.clerk, { ...east, text: `东城区井盖缺失，第${i}处, "带引号"`, reporter: { name: '王小明', phone: '13812345678' } });
  await intake(t, tok.clerk, { ...west, text: '西湖区路灯不亮', reporter: { name: '李四', phone: '13987654321' } });
});
afterAll(() => t.close());

/** RFC 4180 reader for the test: enough to check what Excel would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell.replace(/\r$/, '')), rows.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  return rows;
}

const jsonAll = async (url: string, token: string) => {
  const res = await t.call('GET', `${url}${url.includes('?') ? '&' : '?'}pageSize=200`, { token });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: Record<string, unknown>[]; total: number };
};

describe('case list export', () => {
  it('a district user exports only their district, every row, reporter masked exactly as the JSON list shows it', async () => {
    const res = await t.call('GET', '/api/v1/cases?format=csv', { token: tok.east });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('cases.csv');
    expect(res.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true); // BOM for Excel
    const [header, ...rows] = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(header).toContain('案件编号');
    const col = (name: string) => header!.indexOf(name);

    const list = await jsonAll('/api/v1/cases', tok.east);
    expect(rows.length).toBe(list.total);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const byCode = new Map(list.items.map((c) => [c.code, c]));
    for (const r of rows) {
      const c = byCode.get(r[col('案件编号')]) as { location: { gridCode: string }; reporter: { name: string | null; phone: string | null }; text: string } | undefined;
      expect(c, 'every exported case is one the JSON list shows this user').toBeDefined();
      expect(c!.location.gridCode.startsWith('990102')).toBe(true);
      expect(r[col('网格')]).toBe(c!.location.gridCode);
      expect(r[col('反映人电话')]).toBe(c!.reporter.phone ?? '');
      expect(r[col('反映人')]).toBe(c!.reporter.name ?? '');
      expect(r[col('内容')]).toBe(c!.text);
    }
    const text = res.rawPayload.toString('utf8');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('西湖区路灯不亮');
    expect(text).toContain('"带引号"'.replace(/"/g, '""'));
  });

  it('filters apply to the export, headers follow Accept-Language', async () => {
    const res = await t.call('GET', '/api/v1/cases?format=csv&grid=990105', { token: tok.admin, headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    expect(header![0]).toBe('Case code');
    expect(rows.length).toBe((await jsonAll('/api/v1/cases?grid=990105', tok.admin)).total);
  });

  it('XLSX parses back with exceljs and holds the same masked rows as the JSON list', async () => {
    const res = await t.call('GET', '/api/v1/cases?format=xlsx', { token: tok.east });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const codeCol = header.indexOf('案件编号') + 1;
    const phoneCol = header.indexOf('反映人电话') + 1;
    const list = await jsonAll('/api/v1/cases', tok.east);
    expect(sheet.rowCount - 1).toBe(list.total);
    const phones = new Map(list.items.map((c) => [c.code, (c.reporter as { phone: string | null }).phone ?? '']));
    for (let i = 2; i <= sheet.rowCount; i++) {
      const row = sheet.getRow(i);
      const code = String(row.getCell(codeCol).value);
      expect(phones.has(code)).toBe(true);
      expect(String(row.getCell(phoneCol).value ?? '')).toBe(phones.get(code));
    }
  });

  it('an unknown format is a 400 problem+json; the JSON default is unchanged', async () => {
    const bad = await t.call('GET', '/api/v1/cases?format=pdf', { token: tok.east });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.json().code).toBe('request.invalid');
    const plain = await t.call('GET', '/api/v1/cases?pageSize=1', { token: tok.east });
    expect(plain.json().items.length).toBe(1);
    expect((await t.call('GET', '/api/v1/cases?format=csv')).statusCode).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents the export content types on each exporting list', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).json();
    for (const path of ['/api/v1/cases', '/api/v1/people', '/api/v1/houses']) {
      const get = doc.paths[path].get;
      expect(Object.keys(get.responses['200'].content)).toEqual(expect.arrayContaining(['application/json', 'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']));
      expect(get.parameters.find((p: { name: string }) => p.name === 'format').schema.enum).toEqual(['json', 'csv', 'xlsx']);
    }
  });
});

describe('registry list export', () => {
  it('people: a district user gets only their district, ID numbers and phones as masked as on screen', async () => {
    const res = await t.call('GET', '/api/v1/people?format=csv&pageSize=1', { token: tok.east });
    expect(res.statusCode, res.body).toBe(200);
    const [header, ...rows] = parseCsv(res.rawPayload.subarray(3).toString('utf8'));
    const idCol = header!.indexOf('证件号码');
    const gridCol = header!.indexOf('网格');
    const first = await t.call('GET', '/api/v1/people?pageSize=1', { token: tok.east });
    expect(rows.length, 'every row, not one page').toBe(first.json().total);
    expect(rows.length).toBeGreaterThan(200); // more than a JSON page can hold, so chunks were walked
    for (const r of rows) {
      expect(r[gridCol]!.startsWith('990102')).toBe(true);
      expect(r[idCol]).toMatch(/^[0-9]{3}\*{11}[0-9X]{4}$/);
    }
    // the first JSON page's masked values appear verbatim
    const firstPage = (await jsonAll('/api/v1/people', tok.east)).items;
    const exported = new Set(rows.map((r) => `${r[header!.indexOf('姓名')]}|${r[idCol]}|${r[header!.indexOf('联系电话')]}`));
    for (const p of firstPage) expect(exported.has(`${p.name}|${p.idNumber}|${p.phone ?? ''}`)).toBe(true);
  });

  it('walks every 1000-row chunk: the admin gets the whole register', async () => {
    const res = await t.call('GET', '/api/v1/people?format=csv', { token: tok.admin });
    const rows = parseCsv(res.rawPayload.subarray(3).toString('utf8')).slice(1);
    const total = (await jsonAll('/api/v1/people', tok.admin)).total;
    expect(total).toBeGreaterThan(2000);
    expect(rows.length).toBe(total);
    expect(new Set(rows.map((r) => r.join('|'))).size).toBe(total); // no row twice across chunk borders
  });

  it('houses export as XLSX with the same filters as the list', async () => {
    const res = await t.call('GET', '/api/v1/houses?format=xlsx&rental=true', { token: tok.east });
    expect(res.statusCode, res.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect((sheet.getRow(1).values as unknown[])[1]).toBe('地址');
    expect(sheet.rowCount - 1).toBe((await jsonAll('/api/v1/houses?rental=true', tok.east)).total);
    const rentalCol = (sheet.getRow(1).values as unknown[]).indexOf('出租');
    for (let i = 2; i <= sheet.rowCount; i++) expect(sheet.getRow(i).getCell(rentalCol).value).toBe('是');
  });
});
