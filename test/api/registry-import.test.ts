import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { multipart, validIdNumber } from './registry-fixtures.ts';

let t: TestApp;
let admin: string;
let dataadmin: string;
let workerGrid: string;

beforeAll(async () => {
  t = await createTestApp();
  [admin, dataadmin] = await Promise.all([t.login('admin'), t.login('dataadmin')]);
  const gridworker = await t.login('gridworker');
  workerGrid = String((await t.call('GET', '/api/v1/auth/me', { token: gridworker })).json().scope).split('.').pop()!;
});
afterAll(() => t.close());

const count = async (table: 'people' | 'houses' | 'components') => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.deps.db)).rows[0]!.n);

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人口');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Uploads a file and waits (real time, the job runs in the background) until the job has finished. */
async function runImport(token: string, type: string, filename: string, content: Buffer) {
  const { payload, headers } = multipart({ type }, { filename, content });
  const started = await t.call('POST', '/api/v1/imports', { token, payload, headers });
  expect(started.statusCode, started.body).toBe(202);
  expect(started.headers.location).toBe(`/api/v1/imports/${started.json().id}`);
  for (let i = 0; i < 600; i++) {
    const job = (await t.call('GET', `/api/v1/imports/${started.json().id}`, { token })).json();
    if (job.state === 'done' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

const header = ['人口类别', '姓名', '身份证号', '手机号', '网格编码', '特殊人群'];

describe('importing people from XLSX', () => {
  it('rejects a file with bad rows, reports each by row number and column, and imports nothing', async () => {
    const someone = (await t.call('GET', `/api/v1/people?grid=${workerGrid}&kind=registered&pageSize=1`, { token: admin })).json().items[0];
    const registeredId = (await t.call('POST', `/api/v1/people/${someone.id}/reveal`, { token: admin, body: { purpose: '准备导入重复测试数据', fields: ['idNumber'] } })).json().idNumber;
    const good = validIdNumber('990102', '19800101', 101);
    const badCheck = validIdNumber('990102', '19800102', 103);
    const file = await xlsx([
      header,
      ['户籍人口', '李一', good, '13800000001', workerGrid, ''], // row 2: fine
      ['户籍人口', '李二', `${badCheck.slice(0, 17)}${badCheck[17] === '1' ? '2' : '1'}`, '13800000002', workerGrid, ''], // 3: check digit
      ['流动人口', '李三', validIdNumber('990102', '19800103', 105), '13800000003', workerGrid, '独居老人'], // 4: fine
      ['户籍人口', '李四', 110105198001040017, '13800000004', workerGrid, ''], // 5: typed as a number
      ['户籍人口', '李五', validIdNumber('990102', '19800105', 109), '13800000005', '990102999999999', ''], // 6: no such grid
      ['户籍人口', '李六', good, '13800000006', workerGrid, ''], // 7: same person as row 2
      ['户籍人口', '李七', validIdNumber('990102', '19800107', 113), '1380000', workerGrid, ''], // 8: phone
      ['户籍人口', '李八', registeredId, '13800000008', workerGrid, ''], // 9: already registered
      ['户籍人口', null, validIdNumber('990102', '19800109', 117), '13800000009', workerGrid, ''], // 10: no name
      ['外星人', '李十', validIdNumber('990102', '19800110', 119), '13800000010', workerGrid, '外星人'], // 11: kind and tag
    ]);
    const before = await count('people');
    const job = await runImport(dataadmin, 'people', 'people.xlsx', file);
    expect(job).toMatchObject({ state: 'failed', type: 'people', format: 'xlsx', totalRows: 10, importedRows: 0 });
    const report = job.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`);
    expect(report).toEqual(['3:身份证号', '5:身份证号', '6:网格编码', '7:身份证号', '8:手机号', '9:身份证号', '10:姓名', '11:人口类别', '11:特殊人群']);
    const reason = (row: number) => job.errors.find((e: { row: number }) => e.row === row).reason as string;
    expect(reason(3)).toMatch(/GB 11643/);
    expect(reason(5)).toMatch(/stored as a number/);
    expect(reason(6)).toMatch(/does not exist or is outside your area/);
    expect(reason(7)).toBe('the same record as row 2');
    expect(reason(9)).toBe('already registered');
    expect(reason(10)).toBe('required');
    // every problem carries its stable code (the console's i18n key) and the values its message needs
    expect(job.errors.map((e: { row: number; code: string }) => `${e.row}:${e.code}`)).toEqual([
      '3:registry.import.bad_id_number',
      '5:registry.import.digits_lost',
      '6:registry.import.grid_not_found',
      '7:registry.import.duplicate_in_file',
      '8:registry.import.bad_phone',
      '9:registry.import.already_registered',
      '10:registry.import.required',
      '11:registry.import.unknown_value',
      '11:registry.import.unknown_care_group',
    ]);
    const params = (row: number) => job.errors.find((e: { row: number }) => e.row === row).params;
    expect(params(6)).toEqual({ grid: '990102999999999' });
    expect(params(7)).toEqual({ firstRow: 2 });
    expect(params(11)).toEqual({ value: '外星人', allowed: '户籍人口/流动人口/境外人员' });
    expect(job.errorCount).toBe(9);
    expect(job.message).toMatch(/8 of 10 rows have problems; nothing imported/);
    expect(await count('people')).toBe(before);
    // the report names no clear ID number
    expect(JSON.stringify(job)).not.toContain(registeredId);
  });

  it('imports a good file in one go; the people appear in the API, masked, with progress complete', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => ['户籍人口', `王${'一二三四五六七八九十甲乙'[i]}`, validIdNumber('990102', `1990${String(i + 1).padStart(2, '0')}15`, 201 + 2 * i), `1390000${String(i).padStart(4, '0')}`, workerGrid, i === 0 ? '残疾人' : '']);
    const before = await count('people');
    const job = await runImport(dataadmin, 'people', 'good.xlsx', await xlsx([header, ...rows]));
    expect(job).toMatchObject({ state: 'done', totalRows: 12, processedRows: 12, importedRows: 12, errorCount: 0, errors: [] });
    expect(await count('people')).toBe(before + 12);

    const found = (await t.call('GET', `/api/v1/people?idNumber=${rows[0]![2]}`, { token: admin })).json();
    expect(found.items[0]).toMatchObject({ gridCode: workerGrid, tags: ['disabled'], name: '王*', nameMasked: true, idNumber: `990***********${String(rows[0]![2]).slice(-4)}`, birthDate: '1990-01-15' });
    const second = (await t.call('GET', `/api/v1/people?idNumber=${rows[1]![2]}`, { token: admin })).json();
    expect(second.items[0]).toMatchObject({ name: '王二', phone: '139****0001' });

    const audit = (await t.call('GET', `/api/v1/audit?action=people.import&targetId=${job.id}`, { token: admin })).json();
    expect(audit.items[0].detail).toMatchObject({ type: 'people', rows: 12, filename: 'good.xlsx' });
    // importing the same file again is all duplicates
    const again = await runImport(dataadmin, 'people', 'good.xlsx', await xlsx([header, ...rows]));
    expect(again.state).toBe('failed');
    expect(again.errors.every((e: { reason: string; code: string }) => e.reason === 'already registered' && e.code === 'registry.import.already_registered')).toBe(true);
  });

  it('an importer scoped to 东城区 cannot import into 西湖区', async () => {
    const created = await t.call('POST', '/api/v1/users', { token: admin, body: { username: 'importer.east', displayName: '东城数据员', password: 'Import-pass-2026', roles: ['dataadmin'], scopeArea: '990102' } });
    expect(created.statusCode).toBe(201);
    const eastImporter = await t.login('importer.east', 'Import-pass-2026');
    const job = await runImport(eastImporter, 'people', 'west.xlsx', await xlsx([header, ['户籍人口', '赵一', validIdNumber('990105', '19880808', 301), '', '990105001001001', '']]));
    expect(job.state).toBe('failed');
    expect(job.errors).toEqual([{ row: 2, column: '网格编码', reason: 'grid 990105001001001 does not exist or is outside your area', code: 'registry.import.grid_not_found', params: { grid: '990105001001001' } }]);
    // and an import job of the city-wide admin is not theirs to see
    const cityJob = (await t.call('GET', '/api/v1/imports?pageSize=1', { token: dataadmin })).json().items[0];
    expect((await t.call('GET', `/api/v1/imports/${cityJob.id}`, { token: eastImporter })).statusCode).toBe(404);
  });
});

describe('importing houses (CSV), components (GeoJSON) and grids', () => {
  it('reads a GBK-encoded CSV of houses and links people imported with the same address', async () => {
    const house = (await t.call('GET', `/api/v1/houses?grid=${workerGrid}&pageSize=1`, { token: admin })).json().items[0];
    const csv = ['地址,楼栋,单元,房号,是否出租,经度,纬度', `东城区导入路8号,1,1,101,是,${house.lon},${house.lat}`, `东城区导入路8号,1,1,102,否,${house.lon},${house.lat}`].join('\r\n');
    // saved the way Excel on a Chinese Windows saves CSV: GBK, not UTF-8
    const job = await runImport(dataadmin, 'houses', 'houses.csv', encodeGb18030(csv));
    expect(job, JSON.stringify(job.errors)).toMatchObject({ state: 'done', importedRows: 2 });
    const rentals = (await t.call('GET', `/api/v1/houses?q=${encodeURIComponent('导入路8号')}&rental=true`, { token: admin })).json();
    expect(rentals.items.map((h: { room: string }) => h.room)).toEqual(['101']);

    const people = await runImport(dataadmin, 'people', 'tenants.csv', Buffer.from(`kind,name,idNumber,address,houseRelation\nfloating,孙租户,${validIdNumber('990106', '19990909', 401)},导入路8号1栋1单元101室,租户\n`));
    expect(people.state, JSON.stringify(people.errors)).toBe('done');
    const detail = (await t.call('GET', `/api/v1/houses/${rentals.items[0].id}`, { token: admin })).json();
    expect(detail.residents).toEqual([expect.objectContaining({ name: '孙租户', houseRelation: 'tenant' })]);
  });

  it('imports components from GeoJSON points, assigning codes; a non-point feature is reported by its number', async () => {
    const spot = (await t.call('GET', `/api/v1/components?grid=${workerGrid}&pageSize=1`, { token: admin })).json().items[0];
    const feature = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
    const bad = { type: 'FeatureCollection', features: [feature({ classCode: '0303', ownerUnit: 'HW' }, { type: 'Point', coordinates: [spot.lon, spot.lat] }), feature({ classCode: '0303' }, { type: 'Polygon', coordinates: [] })] };
    const before = await count('components');
    const failed = await runImport(dataadmin, 'components', 'bins.geojson', Buffer.from(JSON.stringify(bad)));
    expect(failed.state).toBe('failed');
    expect(failed.errors).toEqual([{ row: 2, column: 'lon', reason: 'geometry Polygon is not a Point', code: 'registry.import.not_a_point', params: { geometry: 'Polygon' } }]);
    expect(await count('components')).toBe(before);

    const good = { type: 'FeatureCollection', features: [0, 1, 2].map(() => feature({ 部件类别: '垃圾箱', 权属单位: 'HW', 状态: '破损' }, { type: 'Point', coordinates: [spot.lon, spot.lat] })) };
    const done = await runImport(dataadmin, 'components', 'bins.geojson', Buffer.from(JSON.stringify(good)));
    expect(done).toMatchObject({ state: 'done', importedRows: 3 });
    const damaged = (await t.call('GET', `/api/v1/components?grid=${workerGrid}&class=0303&state=damaged&pageSize=200`, { token: admin })).json();
    const codes = damaged.items.map((c: { code: string }) => c.code).sort();
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('dispatches grids to the geo importer and reports bad features by number', async () => {
    const fc = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '990102001001999', name: '坏网格' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } }] };
    const job = await runImport(admin, 'grids', 'grids.geojson', Buffer.from(JSON.stringify(fc)));
    expect(job.state).toBe('failed');
    expect(job.errors.length).toBeGreaterThan(0);
    expect(job.errors[0]).toMatchObject({ row: 1, code: 'registry.import.bad_feature', params: { reason: job.errors[0].reason } });
  });

  it('refuses what it cannot import: wrong role, unknown type, no file, not multipart, unreadable file', async () => {
    const gridworker = await t.login('gridworker');
    const file = { filename: 'x.csv', content: Buffer.from('name\n张三\n') };
    const denied = await t.call('POST', '/api/v1/imports', { token: gridworker, ...multipart({ type: 'people' }, file) });
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'auth.forbidden']);
    const unknown = await t.call('POST', '/api/v1/imports', { token: dataadmin, ...multipart({ type: 'cats' }, file) });
    expect([unknown.statusCode, unknown.json().code]).toEqual([400, 'import.unknown_type']);
    const noFile = await t.call('POST', '/api/v1/imports', { token: dataadmin, ...multipart({ type: 'people' }) });
    expect([noFile.statusCode, noFile.json().code]).toEqual([400, 'import.no_file']);
    const json = await t.call('POST', '/api/v1/imports', { token: dataadmin, body: { type: 'people' } });
    expect(json.statusCode).toBe(415);
    expect(json.headers['content-type']).toMatch(/application\/problem\+json/);
    const broken = await runImport(dataadmin, 'people', 'broken.xlsx', Buffer.from('PK not really a zip'));
    expect(broken.state).toBe('failed');
    expect(broken.errors[0]).toMatchObject({ row: 0, code: 'registry.import.unreadable' });
    const wrongHeader = await runImport(dataadmin, 'people', 'odd.csv', Buffer.from('姓名,身高\n张三,180\n'));
    expect(wrongHeader.errors).toEqual([expect.objectContaining({ row: 1, column: '身高', code: 'registry.import.unknown_column' })]);
  });
});

/** GB 18030 bytes for the text (ASCII as is, Chinese via a table built by decoding the two-byte range). */
function encodeGb18030(text: string): Buffer {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('gb18030');
  for (let hi = 0x81; hi <= 0xfe; hi++) {
    for (let lo = 0x40; lo <= 0xfe; lo++) {
      if (lo === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([hi, lo]));
      if (ch.length === 1 && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...(table.get(ch) ?? (() => { throw new Error(`no GB 18030 code for ${ch}`); })()));
  }
  const buf = Buffer.from(out);
  // it really is not UTF-8, so the importer has to recognise the encoding
  expect(() => new TextDecoder('utf-8', { fatal: true }).decode(buf)).toThrow();
  return buf;
}
