import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ManualClock } from '../../src/server/clock.ts';
import { createDeps } from '../../src/server/context.ts';
import { openPglite, openPostgres, type Database } from '../../src/server/db/database.ts';
import { migrate } from '../../src/server/db/migrate.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';
import { createTriageService } from '../../src/server/triage/service.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { TEST_START } from './constants.ts';
// @ts-expect-error: a plain .mjs build script without type declarations
import { ensureServerBuilt } from '../../scripts/build-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
    runId: string;
  }
}

async function prepare(database: Database) {
  await migrate(database.db);
  const deps = createDeps(database, { clock: new ManualClock(TEST_START) });
  const taxonomy = loadTaxonomy();
  await seedDemo(deps, taxonomy, 'demo-pass-2026');
  // Train once and persist: every test app cloned from the template then loads the model (same training
  // inputs, same key) instead of spending ~2 s of CPU retraining it.
  const triage = createTriageService(deps, { taxonomy });
  await triage.warm();
  if (!triage.isReady()) throw new Error('test template: the triage model did not build');
}

/**
 * A template shared by every project that clones it: global setups run in Vitest's own process, so a
 * process-wide, counted promise shares it; the last project's teardown disposes of it.
 */
const registry = globalThis as { __civicgridTemplates?: Map<string, { value: Promise<string>; users: number }> };
function sharedTemplate(key: string, build: () => Promise<string>, dispose: (value: string) => Promise<void>) {
  const all = (registry.__civicgridTemplates ??= new Map());
  return {
    acquire(): Promise<string> {
      let entry = all.get(key);
      if (!entry) all.set(key, (entry = { value: build(), users: 0 }));
      entry.users++;
      return entry.value;
    },
    async release(): Promise<void> {
      const entry = all.get(key);
      if (!entry || --entry.users > 0) return;
      all.delete(key);
      await dispose(await entry.value);
    },
  };
}

/** The PGlite template, built once per run however many projects clone it (pglite and e2e). */
const liteTemplate = sharedTemplate(
  'pglite',
  async () => {
    // The CLI tests start `civicgrid` as real processes: from the bundle `npm start` uses (built from these
    // very sources, rebuilt whenever one is newer) each starts in ~1 s, through tsx in ~4 s.
    await ensureServerBuilt();
    const lite = await openPglite();
    await prepare(lite);
    const dump = await lite.pglite!.dumpDataDir('gzip');
    await lite.close();
    const file = join(mkdtempSync(join(tmpdir(), 'civicgrid-test-')), 'template.tar.gz');
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    return file;
  },
  async (file) => rmSync(dirname(file), { recursive: true, force: true }),
);

/** The PostgreSQL template, shared by the projects that run on PostgreSQL (the main one, and the late one). */
const postgresTemplate = (url: string) =>
  sharedTemplate(
    'postgres',
    async () => {
      const templateDb = `cg_tpl_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`create database ${templateDb}`);
      await admin.end();
      const u = new URL(url);
      u.pathname = `/${templateDb}`;
      const database = await openPostgres(u.toString(), 2);
      await prepare(database);
      await database.close();
      return templateDb;
    },
    (templateDb) => dropDatabases(url, templateDb),
  );

async function dropDatabases(url: string, like: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [like]);
  for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
  await admin.end();
}

/**
 * Migrating and seeding once per run, then cloning, is what keeps the suite fast: PGlite's initdb costs
 * seconds, a load of a dumped data dir about one.
 */
export default async function setup(project: TestProject) {
  const runId = `${process.pid}_${Date.now().toString(36)}_${project.name.replace(/\W/g, '')}`;
  // Vitest runs this once per project: each project builds only the template its tests clone (the
  // postgres projects' tests never open PGlite, the pglite project's never PostgreSQL), which halves
  // the ~30 s of migrate + seed + train before the first test of a two-engine run.
  // (the e2e project's browser tests run on PGlite too, cloning the same template as the pglite project)
  const onPostgres = project.name.startsWith('postgres');
  const wantsLite = !onPostgres;
  project.provide('pgliteTemplate', wantsLite ? await liteTemplate.acquire() : '');
  project.provide('runId', runId);

  const url = onPostgres ? process.env.TEST_DATABASE_URL : undefined;
  project.provide('postgresTemplate', url ? await postgresTemplate(url).acquire() : '');

  return async () => {
    if (wantsLite) await liteTemplate.release();
    if (url) {
      // this project's own test databases (a crashed file leaves its clone behind), then the shared template
      await dropDatabases(url, `cg_t_${runId}_%`);
      await postgresTemplate(url).release();
    }
  };
}
