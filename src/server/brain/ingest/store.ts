import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

export interface ReadingsTable {
  device_id: string;
  metric: string;
  ts: Date;
  value: number;
}

export interface RollupTable {
  device_id: string;
  metric: string;
  res: '5m' | '1h';
  bucket: Date;
  n: number;
  sum: number;
  min: number;
  max: number;
}

interface JobTable {
  name: string;
  watermark: Date;
}

declare module '../../db/tables.ts' {
  interface Tables {
    readings: ReadingsTable;
    reading_rollups: RollupTable;
    brain_jobs: JobTable;
  }
}

/** Column arrays of a batch of readings: what one multi-row insert sends. */
export interface ReadingColumns {
  device: string[];
  metric: string[];
  /** epoch milliseconds: numbers go to the driver as they are, where ISO strings were built and escaped */
  ts: number[];
  value: number[];
}

export const bucketMs = { '5m': 300_000, '1h': 3_600_000 } as const;

/** First day of the UTC month of an instant, as the date partitions are keyed on. */
export const monthOf = (ms: number) => monthBoundsOf(ms).month;

/** That month with its bounds [from, to) in epoch ms, so a run of instants can be checked against it without a Date each. */
export function monthBoundsOf(ms: number): { month: string; from: number; to: number } {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return { month: `${y}-${String(m + 1).padStart(2, '0')}-01`, from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
}

export function createReadingStore() {
  return {
    /**
     * One statement per batch: four array parameters unnested into rows. Far cheaper than one INSERT per
     * reading, and unlike a VALUES list it never approaches the bind-parameter limit.
     */
    async insert(db: Db, c: ReadingColumns) {
      if (!c.device.length) return;
      await sql`insert into readings (device_id, metric, ts, value)
        select d, m, to_timestamp(t / 1000.0), v from unnest(${c.device}::text[], ${c.metric}::text[], ${c.ts}::float8[], ${c.value}::float8[]) as u(d, m, t, v)`.execute(db);
    },

    async ensurePartition(db: Db, month: string) {
      await sql`select brain_ensure_readings_partition(${month}::date)`.execute(db);
    },

    async partitions(db: Db): Promise<string[]> {
      const r = await sql<{ name: string }>`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'readings'::regclass order by 1`.execute(db);
      return r.rows.map((x) => x.name);
    },

    /** Drops the monthly partitions that end on or before the cutoff, and older rows of the default partition. */
    async dropBefore(db: Db, cutoff: Date): Promise<string[]> {
      const r = await sql<{ name: string }>`select time_partition_drop_before('readings', ${cutoff}) as name`.execute(db);
      return r.rows.map((x) => x.name);
    },

    history: (db: Db, deviceId: string, q: { metric?: string; from: Date; to: Date; limit: number }) => {
      let query = db.selectFrom('readings').select(['metric', 'ts', 'value']).where('device_id', '=', deviceId).where('ts', '>=', q.from).where('ts', '<', q.to);
      if (q.metric) query = query.where('metric', '=', q.metric);
      return query.orderBy('ts', 'desc').limit(q.limit).execute();
    },

    rollups: (db: Db, deviceId: string, q: { metric?: string; res: '5m' | '1h'; from: Date; to: Date }) => {
      let query = db
        .selectFrom('reading_rollups')
        .select(['metric', 'bucket', 'n', 'sum', 'min', 'max'])
        .where('device_id', '=', deviceId)
        .where('res', '=', q.res)
        .where('bucket', '>=', q.from)
        .where('bucket', '<', q.to);
      if (q.metric) query = query.where('metric', '=', q.metric);
      return query.orderBy('bucket').orderBy('metric').limit(5000).execute();
    },

    watermark: async (db: Db, name: string) => (await db.selectFrom('brain_jobs').select('watermark').where('name', '=', name).executeTakeFirst())?.watermark,

    async setWatermark(db: Db, name: string, at: Date) {
      await db.insertInto('brain_jobs').values({ name, watermark: at }).onConflict((oc) => oc.column('name').doUpdateSet({ watermark: at })).execute();
    },

    /**
     * Rolls readings in [from, to) up into 5-minute buckets. Idempotent (recomputes and overwrites whole
     * buckets), so a job that died half-way can simply run again.
     */
    async rollup5m(db: Db, from: Date, to: Date) {
      await sql`insert into reading_rollups (device_id, metric, res, bucket, n, sum, min, max)
        select device_id, metric, '5m', to_timestamp(floor(extract(epoch from ts) / 300) * 300), count(*), sum(value), min(value), max(value)
        from readings where ts >= ${from} and ts < ${to}
        group by 1, 2, 4
        on conflict (device_id, metric, res, bucket) do update set n = excluded.n, sum = excluded.sum, min = excluded.min, max = excluded.max`.execute(db);
    },

    async rollup1h(db: Db, from: Date, to: Date) {
      await sql`insert into reading_rollups (device_id, metric, res, bucket, n, sum, min, max)
        select device_id, metric, '1h', date_trunc('hour', bucket), sum(n), sum(sum), min(min), max(max)
        from reading_rollups where res = '5m' and bucket >= ${from} and bucket < ${to}
        group by 1, 2, 4
        on conflict (device_id, metric, res, bucket) do update set n = excluded.n, sum = excluded.sum, min = excluded.min, max = excluded.max`.execute(db);
    },

    async pruneRollups(db: Db, res: '5m' | '1h', before: Date) {
      await db.deleteFrom('reading_rollups').where('res', '=', res).where('bucket', '<', before).execute();
    },
  };
}

export type ReadingStore = ReturnType<typeof createReadingStore>;
