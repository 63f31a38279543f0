import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

interface IngestBatchTable {
  id: import('kysely').Generated<string>;
  stream: string;
  first_seq: string;
  last_seq: string;
  ranges: string[];
  written_at: import('kysely').Generated<Date>;
}

declare module '../../db/tables.ts' {
  interface Tables {
    ingest_batches: IngestBatchTable;
  }
}

/** Sorted sequences as runs: [5,6,7,9] → [5,7,9,9]. */
export function toRanges(seqs: number[]): number[] {
  const s = [...seqs].sort((a, b) => a - b);
  const out: number[] = [];
  for (const x of s) {
    const n = out.length;
    if (n && x <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, x);
    else out.push(x, x);
  }
  return out;
}

/**
 * 已写入 which broker messages are already in the database: the JetStream stream sequences of each committed
 * batch, as runs. Only redelivered messages are looked up, so a first delivery costs a few numbers per batch.
 */
export function createSeenStore() {
  return {
    /** records the sequences of one batch; called inside the batch's transaction */
    async record(db: Db, stream: string, seqs: number[]) {
      if (!seqs.length) return;
      const r = toRanges(seqs);
      await sql`insert into ingest_batches (stream, first_seq, last_seq, ranges)
        values (${stream}, ${r[0]!}, ${r[r.length - 1]!}, ${`{${r.join(',')}}`}::bigint[])`.execute(db);
    },

    /** those of `seqs` that a committed batch already holds */
    async seen(db: Db, stream: string, seqs: number[]): Promise<Set<number>> {
      const found = new Set<number>();
      if (!seqs.length) return found;
      const lo = Math.min(...seqs);
      const hi = Math.max(...seqs);
      const rows = await sql<{ ranges: (string | number)[] }>`select ranges from ingest_batches
        where stream = ${stream} and last_seq >= ${lo} and first_seq <= ${hi}`.execute(db);
      for (const { ranges } of rows.rows) {
        for (let i = 0; i + 1 < ranges.length; i += 2) {
          const a = Number(ranges[i]);
          const b = Number(ranges[i + 1]);
          for (const s of seqs) if (s >= a && s <= b) found.add(s);
        }
      }
      return found;
    },

    /** forgets batches older than `hours`: by then every message they held was acked long ago or has expired */
    async prune(db: Db, hours: number): Promise<number> {
      const r = await sql`delete from ingest_batches where written_at < now() - make_interval(hours => ${hours}::int)`.execute(db);
      return Number(r.numAffectedRows ?? 0);
    },
  };
}

export type SeenStore = ReturnType<typeof createSeenStore>;
