import { createHash } from 'node:crypto';
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface AuditTable {
  seq: import('kysely').Generated<number>;
  at: Date;
  actor_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  request_id: string | null;
  detail: unknown;
  /** the four chain columns stay null until the sealer links the committed row into the chain (D6) */
  prev_hash: string | null;
  hash: string | null;
  chain_pos: number | null;
  sealed_at: Date | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    audit_log: AuditTable;
  }
}

export type AuditRow = Selectable<AuditTable>;

export interface AuditEntry {
  at: Date;
  actorId: string | null;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  requestId?: string | null;
  detail?: Record<string, unknown>;
}

/** who an entry is about: an Actor, or a system actor such as the City Brain (id null) */
export interface AuditActor {
  id: string | null;
  username: string;
  requestId?: string | null;
}

export const GENESIS = '0'.repeat(64);

/** JSON with sorted keys, so the hash does not depend on how jsonb reorders an object. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
}

/** sha256(prev_hash ‖ canonical entry). The chain columns themselves are not part of the entry. */
export function entryHash(prevHash: string, e: Omit<AuditRow, 'seq' | 'hash' | 'prev_hash' | 'chain_pos' | 'sealed_at'>): string {
  const body = canonical({
    at: new Date(e.at).toISOString(),
    actorId: e.actor_id,
    actor: e.actor,
    action: e.action,
    targetType: e.target_type,
    targetId: e.target_id,
    requestId: e.request_id,
    detail: e.detail,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

// Only sealers take this lock (writers never do): it makes sealers on several server nodes take turns at the
// tail of the chain.
const CHAIN_LOCK = 74210002;
export const SEAL_BATCH = 2000;

function toRow(e: AuditEntry): Omit<Insertable<AuditTable>, 'seq'> {
  return {
    at: e.at,
    actor_id: e.actorId,
    actor: e.actor,
    action: e.action,
    target_type: e.targetType,
    target_id: e.targetId,
    request_id: e.requestId ?? null,
    detail: JSON.stringify(e.detail ?? {}),
  };
}

export function createAuditStore() {
  /**
   * Seals one batch: links committed, unsealed rows (in seq order) to the tail of the chain, in one
   * transaction under the chain lock. Returns how many rows it sealed. The hash is computed from the row as
   * stored (jsonb round trip included), exactly as verify will recompute it.
   */
  async function seal(db: Db, opts: { batch?: number } = {}): Promise<number> {
    const batch = opts.batch ?? SEAL_BATCH;
    return db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
      // Read committed: every statement after the lock sees what the previous sealer committed.
      const pending = await tx
        .selectFrom('audit_log')
        .select(['seq', 'at', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'request_id', 'detail'])
        .where('chain_pos', 'is', null)
        .orderBy('seq')
        .limit(batch)
        .execute();
      if (pending.length === 0) return 0;
      const tail = await tx.selectFrom('audit_log').select(['chain_pos', 'hash']).where('chain_pos', 'is not', null).orderBy('chain_pos', 'desc').limit(1).executeTakeFirst();
      let pos = tail?.chain_pos ?? 0;
      let prev = tail?.hash ?? GENESIS;
      const seqs: number[] = [];
      const positions: number[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      for (const row of pending) {
        const hash = entryHash(prev, row);
        seqs.push(row.seq);
        positions.push(++pos);
        prevs.push(prev);
        hashes.push(hash);
        prev = hash;
      }
      // one statement for the whole batch: the arrays are unnested into (seq, pos, prev, hash) rows
      const updated = await sql`
        update audit_log a set chain_pos = v.pos, prev_hash = v.prev, hash = v.hash, sealed_at = now()
        from unnest(${seqs}::bigint[], ${positions}::bigint[], ${prevs}::text[], ${hashes}::text[]) as v(seq, pos, prev, hash)
        where a.seq = v.seq and a.chain_pos is null`.execute(tx);
      // Cannot happen while every sealer takes the lock; if it does, roll back rather than leave a gap.
      if (Number(updated.numAffectedRows ?? 0) !== pending.length) throw new Error(`audit seal: ${updated.numAffectedRows} of ${pending.length} rows updated`);
      return pending.length;
    });
  }

  return {
    /**
     * Records an entry inside the caller's transaction: the row commits or rolls back with the write. No lock
     * and no read of the chain's tail: the sealer links the row into the chain after commit.
     */
    async append(tx: Db, e: AuditEntry): Promise<void> {
      await tx.insertInto('audit_log').values(toRow(e)).execute();
    },

    /**
     * The usual entry: what a signed-in (or system) actor did to one target, now. Every service records
     * through this instead of assembling the row by hand.
     */
    async record(tx: Db, at: Date, actor: AuditActor, action: string, target: { type: string; id: string }, detail?: Record<string, unknown>): Promise<void> {
      await tx
        .insertInto('audit_log')
        .values(toRow({ at, actorId: actor.id, actor: actor.username, action, targetType: target.type, targetId: target.id, requestId: actor.requestId ?? null, detail }))
        .execute();
    },

    seal,

    /** Seals batch after batch (each its own short transaction) until nothing committed is left unsealed. */
    async sealAll(db: Db, opts: { batch?: number } = {}): Promise<number> {
      const batch = opts.batch ?? SEAL_BATCH;
      let total = 0;
      for (;;) {
        const n = await seal(db, { batch });
        total += n;
        if (n < batch) return total;
      }
    },

    /** The oldest row still unsealed whose entry time is before `before`, if any. */
    async oldestUnsealed(db: Db, before: Date): Promise<{ seq: number; at: Date } | undefined> {
      return db.selectFrom('audit_log').select(['seq', 'at']).where('chain_pos', 'is', null).where('at', '<', before).orderBy('seq').limit(1).executeTakeFirst();
    },

    async page(db: Db, filter: { targetType?: string; targetId?: string; actor?: string; action?: string; from?: Date; to?: Date }, page: number, pageSize: number) {
      let q = db.selectFrom('audit_log');
      if (filter.from) q = q.where('at', '>=', filter.from);
      if (filter.to) q = q.where('at', '<', filter.to);
      if (filter.targetType) q = q.where('target_type', '=', filter.targetType);
      if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
      if (filter.actor) q = q.where('actor', '=', filter.actor);
      if (filter.action) q = q.where('action', '=', filter.action);
      const [items, count] = await Promise.all([
        q.selectAll().orderBy('seq', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },

    /** Streams the sealed chain in chain order in batches; memory stays flat however long the log is. */
    async *scan(db: Db, batch = 2000): AsyncGenerator<AuditRow & { chain_pos: number }> {
      let after = 0;
      for (;;) {
        const rows = await db.selectFrom('audit_log').selectAll().where('chain_pos', '>', after).orderBy('chain_pos').limit(batch).execute();
        if (rows.length === 0) return;
        yield* rows as (AuditRow & { chain_pos: number })[];
        after = rows[rows.length - 1]!.chain_pos!;
      }
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
