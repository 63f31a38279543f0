import type { Deps } from '../context.ts';
import { bucketMs, monthOf, type ReadingStore } from './ingest/store.ts';

/** Raw readings are kept READINGS_RETENTION_DAYS (config); rollups much longer. */
export const ROLLUP_5M_KEEP_DAYS = 90;
export const ROLLUP_1H_KEEP_DAYS = 3 * 365;
/** Late readings up to this age still land in their bucket: a finished bucket is rolled up once more later. */
const LATE_MS = 10 * 60_000;

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;

/**
 * Storage maintenance (数据治理 of the readings table): create next months' partitions ahead, roll finished
 * 5-minute buckets up (and hours from them), drop partitions past retention and prune old rollups.
 * Idempotent; several nodes may run it (each step is an upsert or `if not exists`).
 */
export function createStorageJobs(deps: Deps, readings: ReadingStore) {
  const { db, clock, logger, config } = deps;

  return {
    async ensurePartitionsAhead(months = 3): Promise<void> {
      const now = clock.now();
      for (let i = 0; i <= months; i++) {
        const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
        await readings.ensurePartition(db, monthOf(d.getTime()));
      }
    },

    /**
     * Rolls up every finished hour since the watermark, a day per statement so one run stays bounded after a
     * long outage; the first run starts two days back.
     */
    async rollup(): Promise<{ from: Date; to: Date } | null> {
      const now = clock.now().getTime();
      const to = floorTo(now - LATE_MS, bucketMs['1h']);
      const start = (await readings.watermark(db, 'rollup'))?.getTime() ?? floorTo(now - 2 * 86_400_000, bucketMs['1h']);
      let mark = start;
      for (let i = 0; i < 60 && mark < to; i++) {
        const end = Math.min(to, mark + 86_400_000);
        await db.transaction().execute(async (tx) => {
          await readings.rollup5m(tx, new Date(mark), new Date(end));
          await readings.rollup1h(tx, new Date(mark), new Date(end));
          await readings.setWatermark(tx, 'rollup', new Date(end));
        });
        mark = end;
      }
      return mark > start ? { from: new Date(start), to: new Date(mark) } : null;
    },

    async retention(): Promise<string[]> {
      const now = clock.now();
      // a month goes once all of it is past retention: readings are kept at least READINGS_RETENTION_DAYS
      const cutoff = new Date(now.getTime() - config.READINGS_RETENTION_DAYS * 86_400_000);
      const dropped = await readings.dropBefore(db, cutoff);
      await readings.pruneRollups(db, '5m', new Date(now.getTime() - ROLLUP_5M_KEEP_DAYS * 86_400_000));
      await readings.pruneRollups(db, '1h', new Date(now.getTime() - ROLLUP_1H_KEEP_DAYS * 86_400_000));
      if (dropped.length) logger.info({ dropped }, 'readings partitions dropped by retention');
      return dropped;
    },
  };
}
