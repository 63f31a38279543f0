import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ManualClock } from '../../src/server/clock.ts';
import { loadConfig, type Config } from '../../src/server/config.ts';
import { createDeps, type Deps } from '../../src/server/context.ts';
import { openPglite, openPostgres, type Database, type ReplicaOptions } from '../../src/server/db/database.ts';
import { createServices, type Services } from '../../src/server/services.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { DEMO_PASSWORD, TEST_START } from './constants.ts';

export type TestDbKind = 'pglite' | 'postgres';

/** Which database this test project runs on; the postgres project sets CIVICGRID_TEST_DB=postgres. */
export const testDbKind: TestDbKind = process.env.CIVICGRID_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

/** A fresh database cloned from the migrated, demo-seeded template of this run. */
export async function openTestDatabase(opts: { dataDir?: string } = {}): Promise<Database & { url?: string }> {
  if (testDbKind === 'pglite') {
    const bytes = readFileSync(inject('pgliteTemplate'));
    return openPglite({ loadDataDir: new Blob([bytes]), dataDir: opts.dataDir });
  }
  const url = process.env.TEST_DATABASE_URL!;
  const name = `cg_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name} template ${inject('postgresTemplate')}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const database = await openPostgres(u.toString(), 5);
  return {
    ...database,
    url: u.toString(),
    async close() {
      await database.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Polls until the check returns a truthy value (pipelines and signals arrive a few ms apart). */
export async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  /** the app's services, from the same composition root the server uses */
  services: Services;
  clock: ManualClock;
  database: Database;
  /** signs in and returns a bearer token */
  login(username: string, password?: string): Promise<string>;
  /** an HTTP call through the real Fastify stack (no socket) with an optional bearer token */
  call(method: string, url: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string>; payload?: string | Buffer }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const clock = new ManualClock(TEST_START);
  const config = loadConfig({}, { LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT_PER_MINUTE: 10_000, ...overrides });
  return appOn(database, clock, config, () => database.close());
}

/** A test app that keeps its files (attachments) in a temporary data directory, removed when it closes. */
export async function createTestAppWithFiles(prefix: string, overrides: Partial<Config> = {}): Promise<TestApp & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `civicgrid-${prefix}-`));
  const t = await createTestApp({ CIVICGRID_DATA_DIR: dataDir, ...overrides });
  return {
    ...t,
    dataDir,
    async close() {
      await t.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second API node on the same database as `t`, with the same clock: on PostgreSQL its own pool and its own
 * signal connection, as another server would have; PGlite is one process, so there it shares the database.
 */
export async function createPeerApp(t: TestApp, opts: { replica?: ReplicaOptions } = {}): Promise<TestApp> {
  const url = (t.database as Database & { url?: string }).url;
  const database = url ? await openPostgres(url, 5, opts.replica) : t.database;
  // one PGlite is one process: there the peer shares the case feed, as the in-process bus of one node
  return appOn(database, t.clock, t.deps.config, () => (url ? database.close() : Promise.resolve()), url ? undefined : t.services.bus);
}

async function appOn(database: Database, clock: ManualClock, config: Config, closeDatabase: () => Promise<void>, bus?: Services['bus']): Promise<TestApp> {
  const deps = createDeps(database, { clock, config });
  const taxonomy = loadTaxonomy();
  const services = createServices(deps, taxonomy, { bus });
  const app = await buildApp({ deps, taxonomy, services });
  await app.ready();

  const call: TestApp['call'] = (method, url, opts = {}) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      ...(opts.payload !== undefined ? { payload: opts.payload } : opts.body !== undefined ? { payload: opts.body as object } : {}),
    });

  return {
    app,
    deps,
    services,
    clock,
    database,
    call,
    async login(username, password = DEMO_PASSWORD) {
      const res = await call('POST', '/api/v1/auth/login', { body: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return res.json<{ token: string }>().token;
    },
    async close() {
      await app.close();
      await closeDatabase();
    },
  };
}
