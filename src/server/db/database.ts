import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { openLocked } from './data-dir-lock.ts';
import type { Logger } from 'pino';
import { pgliteExtensions, typeParsers } from './pglite-options.ts';
import { pglitePool } from './pglite-pool.ts';
import { openPgliteThread, takeEarlyDatabase, type PgliteLike } from './pglite-thread.ts';
import { createReplicaRouter, type ReplicaRouter } from './replica.ts';
import { pgliteSignals, postgresSignals, type Signals } from './signals.ts';
import type { Db, Tables } from './tables.ts';

export type { Db } from './tables.ts';

export interface Database {
  db: Db;
  /** reads that tolerate seconds of lag: the replica when DATABASE_REPLICA_URL is set and up, else `db` */
  readDb?: Db;
  /** the replica's health and a manual check (only with a replica) */
  replica?: ReplicaRouter;
  kind: 'pglite' | 'postgres';
  /** LISTEN/NOTIFY between the nodes sharing this database */
  signals: Signals;
  /** the raw PGlite instance (only for template dumps in tests and benchmarks) */
  pglite?: PGlite;
  close(): Promise<void>;
}

export { pgliteExtensions } from './pglite-options.ts';

export interface PgliteOptions {
  dataDir?: string;
  /** a dumped, already-migrated data dir to start from (tests clone a template this way) */
  loadDataDir?: Blob | File;
  /** run PGlite in its own worker thread (the server: pglite-thread.ts); needs an on-disk `dataDir` */
  thread?: boolean;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Database> {
  // `civicgrid start` may have locked the directory and started its database thread before loading this code
  const early = opts.thread && opts.dataDir ? takeEarlyDatabase(opts.dataDir) : undefined;
  const { value: pglite, unlock } = early ? await early : await lockAndOpen(opts);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pglitePool(pglite) }) });
  const signals = pgliteSignals(pglite);
  return {
    db,
    kind: 'pglite',
    signals,
    pglite: pglite instanceof PGlite ? pglite : undefined,
    async close() {
      await signals.close();
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}

/** One process per data dir (a second one gets a clear line instead of Aborted(), data-dir-lock.ts), then PGlite. */
async function lockAndOpen(opts: PgliteOptions): Promise<{ value: PgliteLike; unlock: () => void }> {
  const inThread = (): Promise<PgliteLike> =>
    PGlite.create({ dataDir: opts.dataDir, loadDataDir: opts.loadDataDir, extensions: pgliteExtensions, parsers: typeParsers });
  if (!opts.dataDir || opts.dataDir.startsWith('memory://')) return { value: await inThread(), unlock: () => {} };
  const dir = opts.dataDir;
  mkdirSync(dir, { recursive: true });
  return openLocked(dir, opts.thread && !opts.loadDataDir ? () => openPgliteThread(dir) : inThread);
}

export interface ReplicaOptions {
  url: string;
  logger: Logger;
  /** how often a replica found down is tried again */
  checkEveryMs?: number;
}

function postgresPool(url: string, max: number, applicationName?: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...(applicationName ? { application_name: applicationName } : {}),
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        return typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // ...and so must a checked-out one (a standby stopped under a read, a failover): its query still rejects and
  // the replica router falls back, but the client's own 'error' event would otherwise be an uncaught exception.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export async function openPostgres(url: string, poolSize = 10, replicaOpts?: ReplicaOptions): Promise<Database> {
  const pool = postgresPool(url, poolSize);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  const signals = postgresSignals(url);
  // the replica's own pool; its application_name lets an operator (and the test) see who reads there
  const replica = replicaOpts
    ? createReplicaRouter(pool, postgresPool(replicaOpts.url, poolSize, 'civicgrid-read'), { logger: replicaOpts.logger, checkEveryMs: replicaOpts.checkEveryMs ?? 5_000 })
    : undefined;
  const readDb = replica ? new Kysely<Tables>({ dialect: new PostgresDialect({ pool: replica.pool as unknown as pg.Pool }) }) : db;
  return {
    db,
    readDb,
    replica,
    kind: 'postgres',
    signals,
    async close() {
      await signals.close();
      if (replica) await readDb.destroy();
      await db.destroy();
    },
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; poolSize?: number; replica?: ReplicaOptions; pgliteThread?: boolean }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize, opts.replica) : openPglite({ dataDir: opts.dataDir, thread: opts.pgliteThread });
}

/** Readiness probe: one round trip. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
