import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { systemActor } from '../server/access/permissions.ts';
import type { Runtime } from '../server/runtime.ts';
import type { Services } from '../server/services.ts';
import { demoMap } from '../server/seed/demo.ts';
import { getSetting, putSetting } from '../server/db/settings-store.ts';
import { seedRegistryCity } from '../server/registry/demo-seed.ts';
import type { ImportFormat } from '../server/registry/imports/parse.ts';
import { importTypes, type ImportProgress } from '../server/registry/imports/service.ts';
import type { ImportType } from '../server/registry/imports/store.ts';

type Log = (line: string) => void;

/** Progress on one line for a terminal, a line per tenth for a log file. */
function progressPrinter(log: Log, tty: boolean) {
  let lastTenth = -1;
  let lastState = '';
  return (p: ImportProgress) => {
    const tenth = p.total ? Math.floor((p.processed / p.total) * 10) : 0;
    if (tty) {
      process.stdout.write(`\r${p.state} ${p.processed}/${p.total}   `);
      if (p.state === 'done' || p.state === 'failed') process.stdout.write('\n');
    } else if (p.state !== lastState || tenth !== lastTenth) {
      log(`${p.state} ${p.processed}/${p.total}`);
    }
    lastTenth = tenth;
    lastState = p.state;
  };
}

/**
 * `civicgrid import FILE --type people|houses|organisations|components|grids`: the same import service as the
 * console's, run as the system actor of the city. Returns the process exit code: 1 when the file is rejected.
 */
export function checkImportOptions(file: string, opts: { type: string; format?: string }): void {
  if (!importTypes.includes(opts.type as ImportType)) throw new Error(`--type must be one of ${importTypes.join(', ')}`);
  if (opts.format && !['csv', 'xlsx', 'geojson'].includes(opts.format)) throw new Error('--format is csv, xlsx or geojson');
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
}

export async function importCommand(services: Services, file: string, opts: { type: string; format?: string }, log: Log = console.log): Promise<number> {
  checkImportOptions(file, opts);
  const type = opts.type as ImportType;
  const city = await services.org.rootArea();
  if (!city) throw new Error('this database has no city yet: run `civicgrid seed demo` or create one with `civicgrid admin create`');
  const bytes = readFileSync(file);
  const started = Date.now();
  const imports = services.registry.imports;
  const outcome = await imports.run(systemActor(city.path, 'cli'), type, { filename: basename(file), bytes, format: opts.format as ImportFormat | undefined }, progressPrinter(log, !!process.stdout.isTTY));
  const seconds = (Date.now() - started) / 1000;
  if (outcome.state === 'done') {
    log(`${outcome.message} in ${seconds.toFixed(1)} s (${Math.round(outcome.imported / Math.max(seconds, 0.001))} rows/s); job ${outcome.jobId}`);
    return 0;
  }
  log(`rejected: ${outcome.message} (job ${outcome.jobId})`);
  for (const e of outcome.errors) log(`  ${e.row === 0 ? 'file' : `row ${e.row}`}${e.column ? `, ${e.column}` : ''}: ${e.reason}`);
  if (outcome.errorCount > outcome.errors.length) log(`  … and ${outcome.errorCount - outcome.errors.length} more`);
  return 1;
}

/** `civicgrid seed demo --scale city`: a million people and 100k components on top of the seeded demo city. */
export async function seedCityScale(rt: Runtime, log: Log = console.log): Promise<void> {
  if ((await getSetting(rt.deps.db, 'demo.scale')) === 'city') {
    log('the city-scale registers are already seeded');
    return;
  }
  const started = Date.now();
  let lastLog = 0;
  const counts = await seedRegistryCity(rt.deps, demoMap().areas, (what, done, target) => {
    const now = Date.now();
    if (now - lastLog < 2000 && done < target) return;
    lastLog = now;
    const s = (now - started) / 1000;
    log(`${what}: ${done.toLocaleString('en')} / ${target.toLocaleString('en')} (${Math.round(done / Math.max(s, 0.001)).toLocaleString('en')} rows/s)`);
  });
  await putSetting(rt.deps.db, 'demo.scale', 'city', rt.deps.clock.now());
  const s = (Date.now() - started) / 1000;
  const rows = counts.houses + counts.people + counts.organisations + counts.components;
  log(
    `city scale seeded in ${s.toFixed(0)} s: ${counts.people.toLocaleString('en')} people, ${counts.houses.toLocaleString('en')} houses, ` +
      `${counts.organisations.toLocaleString('en')} organisations, ${counts.components.toLocaleString('en')} components (${Math.round(rows / s).toLocaleString('en')} rows/s)`,
  );
}
