import { createHash } from 'node:crypto';
import { sql, type Generated, type Selectable } from 'kysely';
import { canonical, GENESIS } from '../audit/store.ts';
import type { Db } from '../db/database.ts';

export interface AccessLogTable {
  seq: Generated<number>;
  at: Date;
  key_id: string | null;
  request_id: string | null;
  consumer: string;
  resource_code: string;
  owner_department: string;
  fields: string[];
  row_count: number;
  purpose: string;
  prev_hash: string;
  hash: string;
}

export interface ChainHeadTable {
  day: string;
  last_seq: number;
  head_hash: string;
  entries: number;
  published_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    datahall_access_log: AccessLogTable;
    datahall_chain_heads: ChainHeadTable;
  }
}

export type AccessLogRow = Selectable<AccessLogTable>;
export type AccessEntryInput = Omit<AccessLogRow, 'seq' | 'prev_hash' | 'hash'>;

/** sha256(prev ‖ canonical entry): the same construction as the audit chain, over the access entry's own fields. */
export function accessHash(prev: string, e: AccessEntryInput): string {
  const body = canonical({
    at: new Date(e.at).toISOString(),
    keyId: e.key_id,
    requestId: e.request_id,
    consumer: e.consumer,
    resource: e.resource_code,
    owner: e.owner_department,
    fields: e.fields,
    rowCount: e.row_count,
    purpose: e.purpose,
  });
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

// Writers of the access log take this lock for the few microseconds of reading the tail and appending, so
// two API nodes never chain onto the same predecessor.
const ACCESS_CHAIN_LOCK = 74210014;

export interface AccessVerifyResult {
  ok: boolean;
  checked: number;
  heads: number;
  broken?: { seq: number; reason: 'edited' | 'chain_broken' | 'head_missing' };
}

/** 共享访问日志: appended in the reader's transaction, chained at write; verified by walking it. */
export function createAccessLogStore() {
  return {
    async append(tx: Db, e: AccessEntryInput): Promise<AccessLogRow> {
      await sql`select pg_advisory_xact_lock(${ACCESS_CHAIN_LOCK})`.execute(tx);
      const tail = await tx.selectFrom('datahall_access_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
      const prev = tail?.hash ?? GENESIS;
      return tx
        .insertInto('datahall_access_log')
        .values({ ...e, prev_hash: prev, hash: accessHash(prev, e) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async page(db: Db, f: { owner?: string; resource?: string; requestIds?: string[] }, page: number, pageSize: number): Promise<[AccessLogRow[], number]> {
      let q = db.selectFrom('datahall_access_log');
      if (f.resource) q = q.where('resource_code', '=', f.resource);
      // owner and requests together mean "either": the reads of my data and the reads through my keys
      const { owner, requestIds } = f;
      if (owner !== undefined || requestIds !== undefined) {
        q = q.where((eb) => eb.or([...(owner !== undefined ? [eb('owner_department', '=', owner)] : []), ...(requestIds?.length ? [eb('request_id', 'in', requestIds)] : [])]));
      }
      const [rows, n] = await Promise.all([
        q.selectAll().orderBy('seq', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return [rows, Number(n.n)];
    },

    /**
     * Walks the chain in seq order (an edited row no longer matches its hash, a deleted or inserted one breaks
     * the next row's link), then checks every published daily head is still in the chain: deleting the newest
     * rows leaves a chain that is consistent by itself but no longer contains the head published for that day.
     */
    async verify(db: Db, batch = 2000): Promise<AccessVerifyResult> {
      let prev = GENESIS;
      let checked = 0;
      let after = 0;
      const hashes = new Map<number, string>();
      for (;;) {
        const rows = await db.selectFrom('datahall_access_log').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute();
        if (rows.length === 0) break;
        for (const row of rows) {
          if (row.prev_hash !== prev) return { ok: false, checked, heads: 0, broken: { seq: row.seq, reason: 'chain_broken' } };
          if (accessHash(row.prev_hash, row) !== row.hash) return { ok: false, checked, heads: 0, broken: { seq: row.seq, reason: 'edited' } };
          prev = row.hash;
          checked++;
        }
        after = rows[rows.length - 1]!.seq;
        for (const r of rows) hashes.set(Number(r.seq), r.hash);
      }
      const heads = await db.selectFrom('datahall_chain_heads').selectAll().orderBy('day').execute();
      for (const h of heads) {
        if (hashes.get(Number(h.last_seq)) !== h.head_hash) return { ok: false, checked, heads: heads.length, broken: { seq: Number(h.last_seq), reason: 'head_missing' } };
      }
      return { ok: true, checked, heads: heads.length };
    },

    /**
     * Publishes the chain head of every finished day (city time) that has entries and no head yet. `dayStart`
     * maps an instant to the start of its city-local day. Idempotent: a day already published keeps its head.
     */
    async publishHeads(db: Db, now: Date, dayOf: (d: Date) => { day: string; end: Date }): Promise<number> {
      return db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${ACCESS_CHAIN_LOCK})`.execute(tx);
        const last = await tx.selectFrom('datahall_chain_heads').select(['last_seq']).orderBy('day', 'desc').limit(1).executeTakeFirst();
        const today = dayOf(now).day;
        let published = 0;
        let from = Number(last?.last_seq ?? 0);
        for (;;) {
          const first = await tx.selectFrom('datahall_access_log').select(['at']).where('seq', '>', from).orderBy('seq').limit(1).executeTakeFirst();
          if (!first) break;
          const { day, end } = dayOf(first.at);
          if (day >= today) break;
          const head = await tx.selectFrom('datahall_access_log').select(['seq', 'hash']).where('at', '<', end).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
          const n = await tx.selectFrom('datahall_access_log').select((eb) => eb.fn.countAll<number>().as('n')).where('seq', '<=', head.seq).executeTakeFirstOrThrow();
          await tx.insertInto('datahall_chain_heads').values({ day, last_seq: head.seq, head_hash: head.hash, entries: Number(n.n), published_at: now }).onConflict((oc) => oc.column('day').doNothing()).execute();
          published++;
          from = Number(head.seq);
        }
        return published;
      });
    },

    async heads(db: Db, limit: number): Promise<Selectable<ChainHeadTable>[]> {
      return db.selectFrom('datahall_chain_heads').selectAll().orderBy('day', 'desc').limit(limit).execute();
    },
  };
}

export type AccessLogStore = ReturnType<typeof createAccessLogStore>;

/** The city-local day of an instant and the instant that day ends, for an offset like "+08:00". */
export function cityDay(offsetMinutes: number) {
  return (d: Date) => {
    const local = new Date(d.getTime() + offsetMinutes * 60_000);
    const day = local.toISOString().slice(0, 10);
    const end = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000 - offsetMinutes * 60_000);
    return { day, end };
  };
}
