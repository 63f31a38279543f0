import type { Generated, Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface UserTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  scope_path: string;
  department_code: string | null;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  /** the password was set by an admin: only the own-password change is allowed until the user picks one */
  must_change_password: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionTable {
  token_hash: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  ip: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    users: UserTable;
    sessions: SessionTable;
  }
}

export type UserRow = Selectable<UserTable>;

export function createAuthStore() {
  return {
    findUserByUsername: (db: Db, username: string) =>
      db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst(),

    async recordFailure(db: Db, userId: string, lockedUntil: Date | null) {
      await db
        .updateTable('users')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), locked_until: lockedUntil }))
        .where('id', '=', userId)
        .execute();
    },

    async resetFailures(db: Db, userId: string) {
      await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', userId).execute();
    },

    async createSession(db: Db, s: SessionTable) {
      await db.insertInto('sessions').values(s).execute();
    },

    /** The live session and its user, or nothing if expired, revoked or the user is disabled. */
    findLiveSession: (db: Db, tokenHash: string, now: Date) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'users.id',
          'users.username',
          'users.display_name',
          'users.roles',
          'users.scope_path',
          'users.department_code',
          'users.must_change_password',
          'sessions.expires_at',
        ])
        .where('sessions.token_hash', '=', tokenHash)
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .where('users.disabled', '=', false)
        .executeTakeFirst(),

    async revokeSession(db: Db, tokenHash: string, now: Date) {
      const r = await db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('token_hash', '=', tokenHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    setOwnPassword: (db: Db, userId: string, passwordHash: string, now: Date) =>
      db.updateTable('users').set({ password_hash: passwordHash, must_change_password: false, updated_at: now }).where('id', '=', userId).execute(),

    /** every other session of the user (a password change keeps the one it was made in) */
    async revokeOtherSessions(db: Db, userId: string, keepTokenHash: string, now: Date) {
      await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('token_hash', '!=', keepTokenHash).where('revoked_at', 'is', null).execute();
    },

    async revokeUserSessions(db: Db, userId: string, now: Date) {
      await db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    },
  };
}
