import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runCli, type CliDatabase } from '../support/cli.ts';
import { testDbKind } from '../support/harness.ts';
import { validIdNumber } from './registry-fixtures.ts';

let cli: CliDatabase;
let env: Record<string, string>;
let dir: string;
const run = runCli;

beforeAll(async () => {
  cli = await cliDatabase('import-cli');
  env = cli.env;
  dir = cli.dir;
});
afterAll(() => cli.close());

/** Counts rows through a short-lived connection (PGlite allows one process on a data dir at a time). */
async function peopleWithGrid(grid: string): Promise<number> {
  const db = testDbKind === 'pglite' ? await (await import('../../src/server/db/database.ts')).openPglite({ dataDir: env.CIVICGRID_DATA_DIR }) : await (await import('../../src/server/db/database.ts')).openPostgres(env.DATABASE_URL!, 1);
  try {
    return Number((await sql<{ n: string }>`select count(*) as n from people where grid_code = ${grid}`.execute(db.db)).rows[0]!.n);
  } finally {
    await db.close();
  }
}

describe('civicgrid import', () => {
  const grid = '990106001001001';

  it('rejects an XLSX with bad rows: prints the row-by-row report, exits 1, imports nothing', async () => {
    const before = await peopleWithGrid(grid);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('people');
    ws.addRow(['类别', '姓名', '身份证号', '网格编码']);
    ws.addRow(['户籍人口', '周一', validIdNumber('990106', '19700101', 11), grid]);
    const wrong = validIdNumber('990106', '19700102', 12);
    ws.addRow(['户籍人口', '周二', `${wrong.slice(0, 17)}${wrong[17] === '1' ? '2' : '1'}`, grid]);
    ws.addRow(['户籍人口', '周三', validIdNumber('990106', '19700103', 13), '990106001001']);
    const file = join(dir, 'people.xlsx');
    writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));

    const r = await run(['import', file, '--type', 'people'], env);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/validating \d+\/3/);
    expect(r.out).toMatch(/rejected: 2 of 3 rows have problems; nothing imported/);
    expect(r.out).toMatch(/row 3, 身份证号: not a valid resident ID number/);
    expect(r.out).toMatch(/row 4, 网格编码: grid codes have 15 digits/);
    expect(await peopleWithGrid(grid)).toBe(before);
  });

  it('imports a good CSV, printing progress and rows per second', async () => {
    const before = await peopleWithGrid(grid);
    const file = join(dir, 'people.csv');
    const rows = Array.from({ length: 25 }, (_, i) => `registered,吴${i},${validIdNumber('990106', '19750101', 101 + 2 * i)},${grid}`);
    writeFileSync(file, ['kind,name,idNumber,gridCode', ...rows].join('\n'));
    const r = await run(['import', file, '--type', 'people'], env);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/importing \d+\/25/);
    expect(r.out).toMatch(/25 rows imported in [0-9.]+ s \(\d+ rows\/s\)/);
    expect(await peopleWithGrid(grid)).toBe(before + 25);
  });

  it('refuses an unknown type with a readable message', async () => {
    const r = await run(['import', join(dir, 'people.csv'), '--type', 'cats'], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/--type must be one of people, houses, organisations, components, grids/);
  });
});
