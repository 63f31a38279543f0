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
  prev_hash: string;
  hash: string;
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

export function entryHash(prevHash: string, e: Omit<AuditRow, 'seq' | 'hash' | 'prev_hash'>): string {
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

// One chain means one writer at a time at the tail. Callers append as the last statement of their
// transaction, so the lock is held only for the insert and the commit.
const CHAIN_LOCK = 74210002;

export function createAuditStore() {
  return {
    /** Appends to the chain inside the caller's transaction: the audit row commits or rolls back with the write. */
    async append(tx: Db, e: AuditEntry): Promise<void> {
      await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx);
      const last = await tx.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const row: Omit<Insertable<AuditTable>, 'seq'> = {
        at: e.at,
        actor_id: e.actorId,
        actor: e.actor,
        action: e.action,
        target_type: e.targetType,
        target_id: e.targetId,
        request_id: e.requestId ?? null,
        detail: JSON.stringify(e.detail ?? {}),
        prev_hash: last?.hash ?? GENESIS,
        hash: '',
      };
      row.hash = entryHash(row.prev_hash, { ...row, detail: e.detail ?? {} } as AuditRow);
      await tx.insertInto('audit_log').values(row).execute();
    },

    async page(db: Db, filter: { targetType?: string; targetId?: string; actor?: string; action?: string }, page: number, pageSize: number) {
      let q = db.selectFrom('audit_log');
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

    /** Streams the chain in seq order in batches; memory stays flat however long the log is. */
    async *scan(db: Db, batch = 2000): AsyncGenerator<AuditRow> {
      let after = 0;
      for (;;) {
        const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute();
        if (rows.length === 0) return;
        yield* rows;
        after = rows[rows.length - 1]!.seq;
      }
    },
  };
}

export type AuditStore = ReturnType<typeof createAuditStore>;
