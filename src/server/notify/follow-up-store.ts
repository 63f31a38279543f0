import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

interface CitizenOtpTable {
  id: number;
  phone_idx: string;
  phone: string;
  code_hash: string;
  code_enc: string | null;
  attempts: number;
  expires_at: Date;
  used_at: Date | null;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    citizen_otps: CitizenOtpTable;
  }
}

/** One-time codes of 我的诉求 (citizen_otps), their SMS in the outbox, and the reports filed with a phone. */
export function createFollowUpStore() {
  return {
    async countSince(db: Db, phoneIdx: string, since: Date): Promise<number> {
      const r = await db.selectFrom('citizen_otps').select((eb) => eb.fn.countAll<number>().as('n')).where('phone_idx', '=', phoneIdx).where('created_at', '>', since).executeTakeFirstOrThrow();
      return Number(r.n);
    },
    insertCode: (db: Db, row: { phone_idx: string; phone: string; code_hash: string; code_enc: string; expires_at: Date; created_at: Date }) =>
      db
        .insertInto('citizen_otps')
        .values({ ...row, attempts: 0, used_at: null } as never)
        .returning('id')
        .executeTakeFirstOrThrow(),
    /** The code's SMS, queued in the outbox in the same transaction (the worker reads the code back by the OTP id). */
    queueCodeSms: (db: Db, otpId: number, now: Date) =>
      db.insertInto('notify_outbox').values({ recipient_type: 'citizen', recipient: String(otpId), channel: 'sms', event: 'citizen.otp', case_id: null, notification_id: null, next_attempt_at: now, locked_until: null, delivered_via: null, subject: null, body: null, last_error: null, created_at: now, sent_at: null }).execute(),
    /** The newest unused, unexpired code of a phone. */
    liveCode: (db: Db, phoneIdx: string, now: Date) =>
      db.selectFrom('citizen_otps').selectAll().where('phone_idx', '=', phoneIdx).where('used_at', 'is', null).where('expires_at', '>', now).orderBy('id', 'desc').executeTakeFirst(),
    countWrongTry: (db: Db, id: number) => db.updateTable('citizen_otps').set({ attempts: sql`attempts + 1` }).where('id', '=', id).execute(),
    markUsed: (db: Db, id: number, now: Date) => db.updateTable('citizen_otps').set({ used_at: now }).where('id', '=', id).execute(),
    reportsOfPhone: (db: Db, phoneIdx: string, limit: number) =>
      db.selectFrom('cases').select(['code', 'state', 'category', 'created_at', 'closed_at']).where('reporter_phone_idx', '=', phoneIdx).orderBy('created_at', 'desc').limit(limit).execute(),
    forDelivery: (db: Db, id: number) => db.selectFrom('citizen_otps').select(['phone', 'code_enc']).where('id', '=', id).executeTakeFirst(),
    clearCode: (db: Db, id: number) => db.updateTable('citizen_otps').set({ code_enc: null }).where('id', '=', id).execute(),
  };
}

export type FollowUpStore = ReturnType<typeof createFollowUpStore>;
