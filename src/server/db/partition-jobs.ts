import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Db } from './database.ts';
import { createPartitionStore, timePartitioned, utcMonth, type PartitionStore, type TimePartitioned } from './partitions.ts';

/** Months created ahead of the clock, so the first insert of a month never waits on DDL or lands in the default. */
export const PARTITION_MONTHS_AHEAD = 3;

/**
 * Partition upkeep for the month-partitioned tables: the current month and the next three exist, and rows a
 * bulk load or a clock jump put in the default partition move to their own month. Idempotent; several nodes
 * may run it at once (the SQL function takes an advisory lock per table). Readings' retention is the brain's
 * storage job (READINGS_RETENTION_DAYS); case history is never dropped.
 */
export function createPartitionJobs(db: Db, clock: Clock, store: PartitionStore = createPartitionStore()) {
  return {
    async maintain(tables: readonly TimePartitioned[] = timePartitioned): Promise<{ ensured: string[]; settled: string[] }> {
      const ensured: string[] = [];
      const settled: string[] = [];
      const now = clock.now();
      for (const table of tables) {
        for (let i = 0; i <= PARTITION_MONTHS_AHEAD; i++) ensured.push(await store.ensure(db, table, utcMonth(now, i)));
        settled.push(...(await store.settle(db, table)));
      }
      return { ensured, settled };
    },
  };
}

export type PartitionJobs = ReturnType<typeof createPartitionJobs>;

/** Runs the upkeep at start and then every `intervalMs` (hourly); returns the stopper. */
export function startPartitionJobs(jobs: PartitionJobs, logger: Logger, intervalMs = 3_600_000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () =>
    (running = jobs
      .maintain()
      .then((r) => r.settled.length && logger.info({ settled: r.settled }, 'rows moved from default partitions into their months'))
      .catch((err: unknown) => logger.error({ err }, 'partition upkeep failed')));
  void run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  // a shutdown right after the boot waits for the first upkeep instead of closing the database under it
  return async () => {
    clearInterval(timer);
    await running;
  };
}
