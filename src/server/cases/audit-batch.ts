import type { Insertable } from 'kysely';
import { entryHash, type AuditEntry, type AuditRow, type AuditStore, type AuditTable } from '../audit/store.ts';
import type { Db } from '../db/database.ts';

/**
 * Appends several entries to the audit chain in one go, for batched intake. The first goes through the audit
 * store (which takes the chain lock for the rest of the transaction and links to the current tail); the rest
 * are chained here with the same `entryHash` and written in one multi-row insert, so a batch of 64 costs five
 * round trips instead of 192. `GET /api/v1/audit/verify` proves the result is one unbroken chain.
 * TODO(lead): this belongs in audit/store.ts as `appendMany`; it lives here only because that file is not ours.
 */
export async function appendAll(tx: Db, audit: AuditStore, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await audit.append(tx, entries[0]!);
  if (entries.length === 1) return;
  let prev = (await tx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).hash;
  const rows = entries.slice(1).map((e) => {
    const row: Omit<Insertable<AuditTable>, 'seq'> = {
      at: e.at,
      actor_id: e.actorId,
      actor: e.actor,
      action: e.action,
      target_type: e.targetType,
      target_id: e.targetId,
      request_id: e.requestId ?? null,
      detail: JSON.stringify(e.detail ?? {}),
      prev_hash: prev,
      hash: '',
    };
    row.hash = entryHash(prev, { ...row, detail: e.detail ?? {} } as AuditRow);
    prev = row.hash;
    return row;
  });
  // one statement: identity values are assigned in VALUES order, so seq follows the chain
  await tx.insertInto('audit_log').values(rows).execute();
}
