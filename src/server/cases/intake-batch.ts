import type { Insertable } from 'kysely';
import type { Actor } from '../access/permissions.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { appendAll } from './audit-batch.ts';
import type { CaseCore } from './core.ts';
import type { CaseEventRow, CaseRow, CaseTable } from './store.ts';

/** A validated case waiting to be written; everything but its public code is decided. */
export interface PendingCase {
  actor: Actor;
  row: Omit<Insertable<CaseTable>, 'code'>;
  payload: Record<string, unknown>;
}

export interface WrittenCase {
  row: CaseRow;
  event: CaseEventRow;
}

/** Largest group written in one transaction; keeps a single commit's lock time bounded. */
const MAX_BATCH = 64;

/**
 * Group commit for intake. Every write must append to the one hash-chained audit log, which admits one writer
 * at a time; with one transaction per case the lock and commit of the chain's tail cap throughput at a few
 * hundred cases a second. Requests that arrive while a batch is being written wait and go together in the
 * next one: one code range, one multi-row insert of cases and events, one commit. A request still gets its
 * own result, and a failing batch is retried case by case so one bad row cannot fail its neighbours.
 */
export function createIntakeWriter(core: CaseCore) {
  const { deps, store } = core;
  const { db, clock } = deps;
  let queue: { pending: PendingCase; resolve: (w: WrittenCase) => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;

  async function writeBatch(batch: PendingCase[]): Promise<WrittenCase[]> {
    return db.transaction().execute(async (tx) => {
      const now = clock.now();
      const day = core.localDay(now);
      const first = await store.reserveDailyNumbers(tx, day, batch.length);
      if (first + batch.length - 1 > 99_999) throw new AppError(503, 'case.code_exhausted', 'the daily case number range is used up');
      const codes = batch.map((_, i) => `${day}${String(first + i).padStart(5, '0')}`);
      const rows = await store.insertCases(
        tx,
        batch.map((p, i) => ({ ...p.row, code: codes[i]! })),
      );
      const byCode = new Map(rows.map((r) => [r.code, r]));
      const ordered = codes.map((c) => byCode.get(c)!);
      const events = await store.insertEvents(
        tx,
        ordered.map((r, i) => ({ case_id: r.id, at: r.created_at, actor_id: batch[i]!.actor.id, actor: batch[i]!.actor.username, action: 'intake', from_state: null, to_state: 'received', reason: null, attachments: [], payload: batch[i]!.payload })),
      );
      const eventOf = new Map(events.map((e) => [e.case_id, e]));
      // No text or contacts in the audit chain: those stay in the (encrypted) case row.
      await appendAll(
        tx,
        deps.audit,
        ordered.map((r, i) => {
          const actor = batch[i]!.actor;
          return {
            at: r.created_at,
            actorId: actor.id,
            actor: actor.username,
            action: 'case.intake',
            targetType: 'case',
            targetId: r.code,
            requestId: actor.requestId,
            detail: { event: eventOf.get(r.id)!.id, from: null, to: 'received', ...batch[i]!.payload },
          };
        }),
      );
      return ordered.map((row) => ({ row, event: eventOf.get(row.id)! }));
    });
  }

  async function flush() {
    flushing = true;
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
        if (!flushing) void flush();
      });
    },
  };
}
