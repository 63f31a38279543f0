import type { Logger } from 'pino';
import { type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createDeps, type Deps } from './context.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { createPiiCipher, demoSecretKey, parseSecretKey } from './privacy/pii.ts';
import { ConfigError } from './config.ts';
import { seedDemo, seedProduction } from './seed/demo.ts';
import { getSetting, type DeploymentMode } from './db/settings-store.ts';
import { loadTaxonomy, type Taxonomy } from './taxonomy/taxonomy.ts';

export interface Runtime {
  deps: Deps;
  database: Database;
  taxonomy: Taxonomy;
  mode: DeploymentMode;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations and, on a fresh database, seeds it: the demo city unless demo mode
 * is switched off, in which case only the reference departments (no account, no default password).
 */
/** `pgliteThread`: PGlite in its own worker thread (the server; CLI commands keep it on their thread). */
export async function openRuntime(config: Config, opts: { clock?: Clock; logger?: Logger; migrate?: boolean; pgliteThread?: boolean } = {}): Promise<Runtime> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL, dataDir: config.CIVICGRID_DATA_DIR, poolSize: config.DATABASE_POOL_SIZE, pgliteThread: opts.pgliteThread,
    replica: config.DATABASE_REPLICA_URL ? { url: config.DATABASE_REPLICA_URL, logger, checkEveryMs: config.DATABASE_REPLICA_CHECK_SECONDS * 1000 } : undefined,
  });
  const deps = createDeps(database, { clock: opts.clock, config, logger, pii: createPiiCipher(config.CIVICGRID_SECRET_KEY ? parseSecretKey(config.CIVICGRID_SECRET_KEY) : demoSecretKey()) });
  const taxonomy = loadTaxonomy();
  try {
    if (opts.migrate !== false) {
      const applied = await migrate(database.db);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }
    let mode = await getSetting<DeploymentMode>(database.db, 'mode');
    if (!mode) {
      if (config.CIVICGRID_DEMO === false) {
        await seedProduction(deps, taxonomy);
        mode = 'production';
        logger.info('fresh database: production mode; create the first admin with `npx civicgrid admin create`');
      } else {
        await seedDemo(deps, taxonomy, config.CIVICGRID_DEMO_PASSWORD, { history: true, disputes: true, telemetry: true });
        mode = 'demo';
        logger.warn('fresh database: demo city seeded with demo accounts; never use demo mode in production');
      }
    }
    // The demo key is public knowledge (it is in this source file); real PII needs a real key.
    if (mode === 'production' && !config.CIVICGRID_SECRET_KEY) {
      throw new ConfigError('configuration: CIVICGRID_SECRET_KEY is required in production mode (64 hex characters)');
    }
    // CLI writes (admin create, import) are chained before the process lets go of the database (D6).
    const close = async () => {
      await deps.audit.sealAll(database.db).catch((err: unknown) => logger.error({ err }, 'final audit seal failed'));
      await database.close();
    };
    return { deps, database, taxonomy, mode, close };
  } catch (err) {
    await database.close();
    throw err;
  }
}
