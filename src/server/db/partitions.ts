import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * The month-partitioned, append-only tables (migrations 0009 and 0034). Each has a default partition, so an
 * insert for a month nobody created never fails; the maintenance below creates months ahead and moves strays
 * out of the default partition into their month.
 */
export const timePartitioned = ['case_events', 'readings'] as const;
export type TimePartitioned = (typeof timePartitioned)[number];

/** First day of the UTC month `offset` months from the instant's month, as `YYYY-MM-01`. */
export function utcMonth(at: Date, offset = 0): string {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 10);
}

export function createPartitionStore() {
  return {
    /** Creates the month's partition if missing (moving its rows out of the default partition); idempotent. */
    ensure: async (db: Db, table: TimePartitioned, month: string) =>
      (await sql<{ name: string }>`select time_partition_ensure(${table}::regclass, ${month}::date) as name`.execute(db)).rows[0]!.name,

    /** Gives every month found in the default partition its own partition; returns those created or filled. */
    settle: async (db: Db, table: TimePartitioned) =>
      (await sql<{ name: string }>`select time_partition_settle(${table}::regclass) as name`.execute(db)).rows.map((r) => r.name),

    /** Drops the monthly partitions that end on or before the cutoff (and older rows of the default one). */
    dropBefore: async (db: Db, table: TimePartitioned, cutoff: Date) =>
      (await sql<{ name: string }>`select time_partition_drop_before(${table}::regclass, ${cutoff}) as name`.execute(db)).rows.map((r) => r.name),

    /** The partitions of a table with their bounds, by name. */
    list: async (db: Db, table: TimePartitioned) =>
      (
        await sql<{ name: string; bound: string }>`select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
          from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = ${table}::regclass order by 1`.execute(db)
      ).rows,
  };
}

export type PartitionStore = ReturnType<typeof createPartitionStore>;
