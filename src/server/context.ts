import type { Logger } from 'pino';
import { createAuditStore, type AuditStore } from './audit/store.ts';
import { systemClock, type Clock } from './clock.ts';
import { loadConfig, type Config } from './config.ts';
import type { Database, Db } from './db/database.ts';
import type { Signals } from './db/signals.ts';
import { createLogger } from './logger.ts';
import { createPiiCipher, demoSecretKey, type PiiCipher } from './privacy/pii.ts';

/**
 * What services need from the outside world, passed to factory functions. Everything with a side effect sits
 * behind one of these, so a test swaps the clock instead of sleeping.
 */
export interface Deps {
  db: Db;
  /**
   * Reads that tolerate seconds of lag (dashboards, evaluation, public views, open data): a streaming replica
   * when DATABASE_REPLICA_URL is set, falling back to the primary while it is down; otherwise the same as `db`.
   * Never write through it.
   */
  readDb: Db;
  dbKind: 'pglite' | 'postgres';
  /** LISTEN/NOTIFY to every node on this database (session revocation, live case feeds) */
  signals: Signals;
  clock: Clock;
  config: Config;
  logger: Logger;
  audit: AuditStore;
  /** field-level encryption for PII */
  pii: PiiCipher;
}

/**
 * Deps over an open database. The defaults (system clock, silent logger, the public demo key) suit tests,
 * benchmarks and seeding; the server passes its own config, logger and key.
 */
export function createDeps(database: Database, opts: { clock?: Clock; config?: Config; logger?: Logger; pii?: PiiCipher } = {}): Deps {
  const config = opts.config ?? loadConfig({}, { LOG_LEVEL: 'silent' });
  return {
    db: database.db,
    readDb: database.readDb ?? database.db,
    dbKind: database.kind,
    signals: database.signals,
    clock: opts.clock ?? systemClock,
    config,
    logger: opts.logger ?? createLogger(config.LOG_LEVEL),
    audit: createAuditStore(),
    pii: opts.pii ?? createPiiCipher(demoSecretKey()),
  };
}
