import { sql, type Generated, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface OutboxTable {
  id: Generated<number>;
  recipient_type: 'reporter' | 'user' | 'robot' | 'citizen' | 'resident';
  recipient: string;
  channel: 'email' | 'sms' | 'robot';
  event: string;
  case_id: string | null;
  notification_id: number | null;
  params: Generated<Record<string, unknown>>;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: Date;
  locked_until: Date | null;
  delivered_via: string | null;
  subject: string | null;
  body: string | null;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'skipped';

export interface NotifyPreferenceTable {
  user_id: string;
  channel: 'inapp' | 'email' | 'sms';
  email: string | null;
  phone: string | null;
  updated_at: Date;
}

export interface RatingCodeAttemptTable {
  case_id: string;
  failures: number;
  locked_at: Date | null;
  last_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    notify_outbox: OutboxTable;
    notify_preferences: NotifyPreferenceTable;
    rating_code_attempts: RatingCodeAttemptTable;
  }
}

export type OutboxRow = Selectable<OutboxTable>;

/** How long a claimed row stays with its claimer before another node may take it over. */
const LEASE_MS = 5 * 60_000;

/** The outbox, staff notification preferences and the rating code's wrong tries. */
export function createOutboxStore() {
  return {
    /**
     * Claims due rows for this node: pending ones whose time has come, and sending ones whose claimer's lease ran
     * out. One statement with FOR UPDATE SKIP LOCKED, so two nodes never claim the same row.
     */
    async claimDue(db: Db, now: Date, limit: number): Promise<OutboxRow[]> {
      const lease = new Date(now.getTime() + LEASE_MS);
      const r = await sql<OutboxRow>`
        update notify_outbox set status = 'sending', locked_until = ${lease}, attempts = attempts + 1
        where id in (
          select id from notify_outbox
          where (status = 'pending' and next_attempt_at <= ${now}) or (status = 'sending' and locked_until < ${now})
          order by next_attempt_at, id limit ${limit} for update skip locked)
        returning *`.execute(db);
      return r.rows;
    },
    markSent: (db: Db, id: number, now: Date, via: string, rendered?: { subject: string; body: string }) =>
      db.updateTable('notify_outbox').set({ status: 'sent', sent_at: now, delivered_via: via, locked_until: null, last_error: null, ...(rendered ?? {}) }).where('id', '=', id).execute(),
    markSkipped: (db: Db, id: number, reason: string) => db.updateTable('notify_outbox').set({ status: 'skipped', locked_until: null, last_error: reason }).where('id', '=', id).execute(),
    markFailed: (db: Db, id: number, error: string, next: Date | null) =>
      db
        .updateTable('notify_outbox')
        .set(next ? { status: 'pending', next_attempt_at: next, locked_until: null, last_error: error } : { status: 'dead', locked_until: null, last_error: error })
        .where('id', '=', id)
        .execute(),
    async list(db: Db, filter: { status?: OutboxStatus; caseId?: string }, page: number, pageSize: number): Promise<[OutboxRow[], number]> {
      let q = db.selectFrom('notify_outbox');
      if (filter.status) q = q.where('status', '=', filter.status);
      if (filter.caseId) q = q.where('case_id', '=', filter.caseId);
      return Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    find: (db: Db, id: number) => db.selectFrom('notify_outbox').selectAll().where('id', '=', id).executeTakeFirst(),
    requeue: (db: Db, id: number, now: Date) =>
      db.updateTable('notify_outbox').set({ status: 'pending', attempts: 0, next_attempt_at: now, locked_until: null }).where('id', '=', id).where('status', 'in', ['dead', 'skipped']).returningAll().executeTakeFirst(),

    caseContacts: (db: Db, caseId: string) =>
      db.selectFrom('cases').select(['id', 'code', 'state', 'answer', 'reporter_email', 'reporter_phone', 'reporter_name']).where('id', '=', caseId).executeTakeFirst(),
    caseCode: (db: Db, caseId: string) => db.selectFrom('cases').select('code').where('id', '=', caseId).executeTakeFirst(),
    notification: (db: Db, id: number) => db.selectFrom('notifications').select(['title', 'case_id']).where('id', '=', id).executeTakeFirst(),
    preference: (db: Db, userId: string) => db.selectFrom('notify_preferences').selectAll().where('user_id', '=', userId).executeTakeFirst(),
    putPreference: (db: Db, row: NotifyPreferenceTable) =>
      db
        .insertInto('notify_preferences')
        .values(row)
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ channel: row.channel, email: row.email, phone: row.phone, updated_at: row.updated_at }))
        .execute(),

    /** The wrong tries of a case's rating code (read as is, no row lock). */
    ratingAttempts: (db: Db, caseId: string) => db.selectFrom('rating_code_attempts').selectAll().where('case_id', '=', caseId).executeTakeFirst(),
    attempts: (db: Db, caseId: string) => db.selectFrom('rating_code_attempts').selectAll().where('case_id', '=', caseId).forUpdate().executeTakeFirst(),
    async recordFailure(db: Db, caseId: string, now: Date, lockAfter: number): Promise<number> {
      const row = await db
        .insertInto('rating_code_attempts')
        .values({ case_id: caseId, failures: 1, last_at: now, locked_at: lockAfter <= 1 ? now : null })
        .onConflict((oc) =>
          oc.column('case_id').doUpdateSet({
            failures: sql`rating_code_attempts.failures + 1`,
            last_at: now,
            locked_at: sql`case when rating_code_attempts.failures + 1 >= ${lockAfter} then ${now}::timestamptz else null end`,
          }),
        )
        .returning('failures')
        .executeTakeFirstOrThrow();
      return row.failures;
    },
  };
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
