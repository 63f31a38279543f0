import type { Logger } from 'pino';
import type { AuditStore } from './audit/store.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db } from './db/database.ts';
import type { PiiCipher } from './privacy/pii.ts';

/**
 * What services need from the outside world, passed to factory functions. Everything with a side effect sits
 * behind one of these, so a test swaps the clock instead of sleeping.
 */
export interface Deps {
  db: Db;
  dbKind: 'pglite' | 'postgres';
  clock: Clock;
  config: Config;
  logger: Logger;
  audit: AuditStore;
  /** field-level encryption for PII */
  pii: PiiCipher;
}
