/**
 * Import throughput for people: 50,000 generated rows (CSV) through the same import service the console and
 * `civicgrid import` use — parse, validate every row (GB 11643 checksum, grid in scope, duplicates in the file
 * and in the database), seal the PII, insert in one transaction. On PGlite always; on PostgreSQL when
 * TEST_DATABASE_URL or DATABASE_URL is set (a scratch database is created and dropped). Prints figures only.
 *
 *   npx tsx bench/geo-import.ts [rows]
 */
import pg from 'pg';
import { systemActor } from '../src/server/access/permissions.ts';
import { createDeps, type Deps } from '../src/server/context.ts';
import { openPglite, openPostgres, type Database } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { demoIdNumber, personName, prng } from '../src/server/registry/demo-data.ts';
import type { ImportProgress } from '../src/server/registry/imports/service.ts';
import { createServices } from '../src/server/services.ts';
import { demoCity, demoMap, seedDemo } from '../src/server/seed/demo.ts';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';

const ROWS = Number(process.argv[2] ?? 50_000);

/** A CSV the way a street office would send it, spread over every grid of the demo city. */
function peopleCsv(rows: number): Buffer {
  const rng = prng(42);
  const grids = demoMap().areas.filter((a) => a.level === 'grid');
  const perDistrict = new Map<string, number>();
  const lines = ['人口类别,姓名,身份证号,手机号,网格编码,特殊人群'];
  for (let i = 0; i < rows; i++) {
    const g = grids[i % grids.length]!;
    const district = g.code.slice(0, 6);
    const n = perDistrict.get(district) ?? 0;
    perDistrict.set(district, n + 1);
    const male = rng.next() < 0.5;
    // sequence rounds from 400 on: disjoint from the demo's own people (rounds 0…) and the city scale (250…)
    const id = demoIdNumber(district, n, male, 400);
    const phone = `13${rng.int(10)}${String(rng.int(100_000_000)).padStart(8, '0')}`;
    lines.push(`${rng.next() < 0.85 ? '户籍人口' : '流动人口'},${personName(rng)},${id},${phone},${g.code},${rng.next() < 0.03 ? '独居老人' : ''}`);
  }
  return Buffer.from(lines.join('\n'));
}

async function prepare(database: Database): Promise<Deps> {
  await migrate(database.db);
  const deps = createDeps(database);
  await seedDemo(deps, loadTaxonomy(), 'bench-pass-2026');
  return deps;
}

async function measure(label: string, deps: Deps, csv: Buffer) {
  const imports = createServices(deps, loadTaxonomy()).registry.imports;
  const started = performance.now();
  let importingAt = 0;
  const outcome = await imports.run(systemActor(demoCity.code, 'bench'), 'people', { filename: 'people.csv', bytes: csv }, (p: ImportProgress) => {
    if (p.state === 'importing' && !importingAt) importingAt = performance.now();
  });
  const end = performance.now();
  if (outcome.state !== 'done') {
    console.log(`${label}: import rejected (${outcome.message}); first problems:`, outcome.errors.slice(0, 3));
    return;
  }
  const total = (end - started) / 1000;
  const validate = ((importingAt || end) - started) / 1000;
  const write = (end - (importingAt || end)) / 1000;
  const rate = (n: number, s: number) => Math.round(n / Math.max(s, 1e-6)).toLocaleString('en');
  console.log(
    `${label.padEnd(10)} ${outcome.imported.toLocaleString('en')} people in ${total.toFixed(1)} s = ${rate(outcome.imported, total)} rows/s ` +
      `(parse+validate ${validate.toFixed(1)} s = ${rate(outcome.imported, validate)} rows/s; insert+commit ${write.toFixed(1)} s = ${rate(outcome.imported, write)} rows/s)`,
  );
}

console.log(`people import: ${ROWS.toLocaleString('en')} CSV rows through the import service (validate all, one transaction)`);
const csv = peopleCsv(ROWS);
console.log(`file: ${(csv.length / 1_048_576).toFixed(1)} MB`);

const lite = await openPglite();
try {
  await measure('PGlite', await prepare(lite), csv);
} finally {
  await lite.close();
}

const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.log('PostgreSQL: skipped (set TEST_DATABASE_URL or DATABASE_URL to measure it too)');
} else {
  const name = `cg_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openPostgres(u.toString(), 4);
  try {
    await measure('PostgreSQL', await prepare(database), csv);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}
