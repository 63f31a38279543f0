import type { Db } from '../db/database.ts';

/** Sealed payload of a `resident.otp` outbox row: the phone, the text and the code, each pii.encrypt-ed. */
export interface SealedResidentCode {
  to: string;
  text: string;
  code: string;
}

/** The outbox rows of participation's resident codes (recipient_type 'resident', migration 0031). */
export function createResidentCodeStore() {
  return {
    queue: (db: Db, sealed: SealedResidentCode, now: Date) =>
      db
        .insertInto('notify_outbox')
        .values({ recipient_type: 'resident', recipient: 'resident', channel: 'sms', event: 'resident.otp', params: JSON.stringify(sealed) as never, case_id: null, notification_id: null, next_attempt_at: now, locked_until: null, delivered_via: null, subject: null, body: null, last_error: null, created_at: now, sent_at: null })
        .execute(),
    /** Once sent, even the sealed copy goes: a delivered code has no business staying in the table. */
    clear: (db: Db, id: number) => db.updateTable('notify_outbox').set({ params: JSON.stringify({}) as never }).where('id', '=', id).execute(),
  };
}
