import type { Db } from '../db/database.ts';
import { entryHash, GENESIS, type AuditStore } from './store.ts';

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** first broken row: its seq and what is wrong with it */
  broken?: { seq: number; reason: 'edited' | 'chain_broken' };
}

/**
 * Walks the chain. An edited row no longer matches its own hash; a deleted or inserted row leaves the next
 * row's prev_hash pointing at something that is not its predecessor.
 */
export async function verifyAuditChain(db: Db, store: AuditStore): Promise<VerifyResult> {
  let prev = GENESIS;
  let checked = 0;
  for await (const row of store.scan(db)) {
    if (row.prev_hash !== prev) return { ok: false, checked, broken: { seq: row.seq, reason: 'chain_broken' } };
    if (entryHash(row.prev_hash, row) !== row.hash) return { ok: false, checked, broken: { seq: row.seq, reason: 'edited' } };
    prev = row.hash;
    checked++;
  }
  return { ok: true, checked };
}
