import type { Db } from '../db/database.ts';
import { entryHash, GENESIS, type AuditStore } from './store.ts';

export interface VerifyResult {
  ok: boolean;
  /** sealed rows checked and found intact (all of them when ok) */
  checked: number;
  /** first broken row: its seq and what is wrong with it */
  broken?: { seq: number; reason: 'edited' | 'chain_broken' | 'unsealed' };
}

export interface VerifyOptions {
  /** seal pending rows before walking (default); off for a read-only copy such as a standby or a restored backup */
  seal?: boolean;
  /** the time the unsealed-row threshold counts back from (the caller's clock) */
  now?: Date;
  /** a committed row is sealed within about a second; one still unsealed after this long means the sealer is not running */
  unsealedAfterMs?: number;
}

export const UNSEALED_AFTER_MS = 60_000;

/**
 * Walks the chain in chain order (the order rows were sealed). An edited row no longer matches its own hash; a
 * deleted or inserted row leaves the next row's prev_hash pointing at something that is not its predecessor.
 * Rows are only tamper-evident once sealed, so verify first seals whatever is pending, and reports a row that
 * should long have been sealed and is not.
 */
export async function verifyAuditChain(db: Db, store: AuditStore, opts: VerifyOptions = {}): Promise<VerifyResult> {
  if (opts.seal !== false) await store.sealAll(db);
  let prev = GENESIS;
  let checked = 0;
  for await (const row of store.scan(db)) {
    if (row.prev_hash !== prev) return { ok: false, checked, broken: { seq: row.seq, reason: 'chain_broken' } };
    if (entryHash(row.prev_hash, row) !== row.hash) return { ok: false, checked, broken: { seq: row.seq, reason: 'edited' } };
    prev = row.hash;
    checked++;
  }
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - (opts.unsealedAfterMs ?? UNSEALED_AFTER_MS));
  let stale = await store.oldestUnsealed(db, cutoff);
  // A long transaction (an import) may have committed old entries just after our seal: seal once more first.
  if (stale && opts.seal !== false) {
    await store.sealAll(db);
    stale = await store.oldestUnsealed(db, cutoff);
  }
  if (stale) return { ok: false, checked, broken: { seq: stale.seq, reason: 'unsealed' } };
  return { ok: true, checked };
}
