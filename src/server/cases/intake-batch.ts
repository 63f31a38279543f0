import type { Insertable } from 'kysely';
import type { Actor } from '../access/permissions.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { CaseCore } from './core.ts';
import type { Duplicate } from './duplicates.ts';
import type { CaseEventRow, CaseRow, CaseTable, DuplicateOptions, DuplicateProbeRow } from './store.ts';

/** A validated case waiting to be written; everything but its public code is decided. */
export interface PendingCase {
  actor: Actor;
  row: Omit<Insertable<CaseTable>, 'code'>;
  /** what the intake event and its audit entry record besides the state change */
  payload: Record<string, unknown>;
  /** the 并单 search to run for this case (none without a point); its answer goes into the payload */
  probe: DuplicateProbeRow | null;
  /** rows of another record that must commit with the case or not at all (an Open311 token, a dispute) */
  within?: InTransaction;
}

/** Work done in the transaction that writes the case, after its row exists. */
export type InTransaction = (tx: Db, row: CaseRow) => Promise<void>;

export interface WrittenCase {
  row: CaseRow;
  event: CaseEventRow;
  duplicates: Duplicate[];
}

/** Largest group written in one statement; keeps a single commit's lock time bounded. */
const MAX_BATCH = 64;

/** PostgreSQL names the check that keeps a public code at 13 digits; a 100,000th case of a day breaks it. */
const CODE_CHECK = 'cases_code_check';

/**
 * Group commit for intake. What an intake costs is round trips and per-statement work, not locks (the audit
 * chain is sealed after commit, D6), so requests that arrive while a batch is being written wait and go
 * together in the next one: one statement (`store.intakeBatch`) reserves the code range, runs the duplicate
 * search for the whole batch and inserts cases, events and audit rows. A request still gets its own result,
 * and a failing batch is retried case by case so one bad row cannot fail its neighbours.
 */
export function createIntakeWriter(core: CaseCore, duplicateOptions: DuplicateOptions) {
  const { deps, store } = core;
  const { db, clock } = deps;
  let queue: { pending: PendingCase; resolve: (w: WrittenCase) => void; reject: (e: unknown) => void }[] = [];
  // One batch at a time: the day's code counter row would serialise two anyway, and bigger batches cost the
  // database less per case (bench:intake, 2-core box: one in flight averaged 15 cases a batch and 0.31 ms of
  // PostgreSQL CPU a case; two averaged 8 and 0.44 ms, and fewer cases per second).
  let flushing = false;

  async function writeBatch(batch: readonly PendingCase[]): Promise<WrittenCase[]> {
    const day = core.localDay(clock.now());
    let rows: Awaited<ReturnType<typeof store.intakeBatch>>;
    try {
      const write = (tx: Db) =>
        store.intakeBatch(
          tx,
          day,
          batch.map((p) => ({ row: p.row, actor: p.actor.username, requestId: p.actor.requestId ?? null, payload: p.payload, probe: p.probe })),
          duplicateOptions,
        );
      // One statement is its own transaction; only a batch with follow-up rows pays for an explicit one.
      rows = batch.some((p) => p.within)
        ? await db.transaction().execute(async (tx) => {
            const written = await write(tx);
            for (const [i, p] of batch.entries()) if (p.within) await p.within(tx, written[i]!.row);
            return written;
          })
        : await write(db);
    } catch (err) {
      if ((err as { constraint?: string }).constraint === CODE_CHECK) throw new AppError(503, 'case.code_exhausted', 'the daily case number range is used up');
      throw err;
    }
    return rows.map(({ row, eventId, duplicates }, i) => {
      const p = batch[i]!;
      const payload = { ...p.payload, duplicates: duplicates.map((d) => d.code) };
      return {
        row,
        event: { id: eventId, case_id: row.id, at: row.created_at, actor_id: p.actor.id, actor: p.actor.username, action: 'intake', from_state: null, to_state: 'received', reason: null, attachments: [], payload },
        duplicates: duplicates.map((d) => ({ caseCode: d.code, score: Math.round(d.score * 1000) / 1000 })),
      };
    });
  }

  async function flush() {
    try {
      while (queue.length) {
        const batch = queue.slice(0, MAX_BATCH);
        queue = queue.slice(MAX_BATCH);
        try {
          const written = await writeBatch(batch.map((b) => b.pending));
          batch.forEach((b, i) => b.resolve(written[i]!));
        } catch (err) {
          if (batch.length === 1) {
            batch[0]!.reject(err);
            continue;
          }
          for (const b of batch) {
            try {
              b.resolve((await writeBatch([b.pending]))[0]!);
            } catch (one) {
              b.reject(one);
            }
          }
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    write(pending: PendingCase): Promise<WrittenCase> {
      return new Promise((resolve, reject) => {
        queue.push({ pending, resolve, reject });
        if (flushing) return;
        flushing = true;
        // Start on the next turn of the event loop, after every request read in this one has queued: with
        // PGlite (which runs on this thread) the batch would otherwise always be the first request alone.
        setImmediate(() => void flush());
      });
    },
  };
}
