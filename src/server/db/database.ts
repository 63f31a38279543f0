import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { pglitePool } from './pglite-pool.ts';
import { pgliteSignals, postgresSignals, type Signals } from './signals.ts';
import type { Db, Tables } from './tables.ts';

export type { Db } from './tables.ts';

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** LISTEN/NOTIFY between the nodes sharing this database */
  signals: Signals;
  /** the raw PGlite instance (only for template dumps in tests and benchmarks) */
  pglite?: PGlite;
  close(): Promise<void>;
}

export const pgliteExtensions = { ltree, pg_trgm, pgcrypto };

// Both drivers must hand services the same JS types: counts as numbers, dates as ISO date strings.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const toNumber = (v: string) => Number(v);
const keepString = (v: string) => v;

export interface PgliteOptions {
  dataDir?: string;
  /** a dumped, already-migrated data dir to start from (tests clone a template this way) */
  loadDataDir?: Blob | File;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Database> {
  const onDisk = Boolean(opts.dataDir && !opts.dataDir.startsWith('memory://'));
  if (onDisk) mkdirSync(opts.dataDir!, { recursive: true });
  // one process per data dir: a second one gets a clear line instead of Aborted() (data-dir-lock.ts)
  const unlock = onDisk ? lockDataDir(opts.dataDir!) : () => {};
  const pglite = await PGlite.create({
    dataDir: opts.dataDir,
    loadDataDir: opts.loadDataDir,
    extensions: pgliteExtensions,
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: keepString },
  }).catch((err: unknown) => {
    unlock();
    throw err;
  });
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pglitePool(pglite) }) });
  const signals = pgliteSignals(pglite);
  return {
    db,
    kind: 'pglite',
    signals,
    pglite,
    async close() {
      await signals.close();
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: string) => {
        if (oid === INT8 || oid === NUMERIC) return toNumber;
        if (oid === DATE) return keepString;
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  const signals = postgresSignals(url);
  return {
    db,
    kind: 'postgres',
    signals,
    async close() {
      await signals.close();
      await db.destroy();
    },
  };
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.poolSize) : openPglite({ dataDir: opts.dataDir });
}

/** Readiness probe: one round trip. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
