import { randomBytes } from 'node:crypto';
import { secretDigest } from '../privacy/pii.ts';
import { permissionsOf, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { AppError } from '../errors.ts';
import { checkPasswordPolicy, decoyHash, hashPassword, verifyPassword } from './passwords.ts';
import { createSessionCache } from './session-cache.ts';
import { createAuthStore } from './store.ts';


const invalidCredentials = () => new AppError(401, 'auth.invalid_credentials', 'username or password is wrong');

/** The signed-in user behind a bearer token. */
export type SessionActor = Actor & { displayName: string; expiresAt: Date; mustChangePassword: boolean };

export function createAuthService(deps: Deps) {
  const store = createAuthStore();
  const { db, clock, config, audit } = deps;
  const sessions = createSessionCache<SessionActor>(clock, deps.signals, { ttlMs: config.SESSION_CACHE_SECONDS * 1000 });

  /** Lock for 1 min after the threshold, doubling with each further failure, capped at an hour. */
  function lockFor(failures: number): number {
    const over = failures - config.LOGIN_LOCKOUT_THRESHOLD;
    return over < 0 ? 0 : Math.min(60 * 60_000, 60_000 * 2 ** over);
  }

  return {
    async login(username: string, password: string, meta: { ip?: string; requestId?: string }) {
      const now = clock.now();
      const user = await store.findUserByUsername(db, username.trim().toLowerCase());
      if (!user) {
        await verifyPassword(await decoyHash(), password);
        throw invalidCredentials();
      }
      if (user.locked_until && user.locked_until > now) {
        const retryAfter = Math.ceil((user.locked_until.getTime() - now.getTime()) / 1000);
        throw new AppError(423, 'auth.locked', `too many failed logins; try again in ${retryAfter} s`, { retryAfter });
      }
      const ok = await verifyPassword(user.password_hash, password);
      if (!ok || user.disabled) {
        if (!ok) {
          const ms = lockFor(user.failed_logins + 1);
          await store.recordFailure(db, user.id, ms > 0 ? new Date(now.getTime() + ms) : null);
          deps.logger.warn({ username: user.username, failures: user.failed_logins + 1 }, 'login failed');
        }
        throw invalidCredentials();
      }
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + config.TOKEN_TTL_HOURS * 3_600_000);
      await db.transaction().execute(async (tx) => {
        if (user.failed_logins > 0 || user.locked_until) await store.resetFailures(tx, user.id);
        await store.createSession(tx, { token_hash: secretDigest(token), user_id: user.id, created_at: now, expires_at: expiresAt, revoked_at: null, ip: meta.ip ?? null });
        await audit.record(tx, now, { id: user.id, username: user.username, requestId: meta.requestId }, 'auth.login', { type: 'user', id: user.id }, { ip: meta.ip ?? null });
      });
      return { token, expiresAt: expiresAt.toISOString(), mustChangePassword: user.must_change_password };
    },

    /** Resolves a bearer token to the acting user, or null when it is unknown, expired or revoked. */
    async authenticate(token: string): Promise<SessionActor | null> {
      const digest = secretDigest(token);
      const cached = sessions.get(digest);
      if (cached) return cached.actor;
      const readAt = sessions.epoch();
      const row = await store.findLiveSession(db, digest, clock.now());
      if (!row) return null;
      const actor: SessionActor = {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        roles: row.roles,
        scopePath: row.scope_path,
        departmentCode: row.department_code,
        permissions: permissionsOf(row.roles),
        expiresAt: row.expires_at,
        mustChangePassword: row.must_change_password,
      };
      sessions.set(digest, { actor, userId: row.id, expiresAt: row.expires_at }, readAt);
      return actor;
    },

    /**
     * 修改密码: the signed-in user replaces their password (required after an admin set it). The current password
     * proves it is them; other sessions end, this one continues.
     */
    async changeOwnPassword(actor: Actor, token: string, currentPassword: string, newPassword: string) {
      if (!actor.id) throw new AppError(403, 'auth.forbidden', 'this actor has no password');
      const now = clock.now();
      const user = await store.findUserByUsername(db, actor.username);
      if (!user || !(await verifyPassword(user.password_hash, currentPassword))) throw new AppError(400, 'auth.wrong_password', 'the current password is wrong');
      const weak = checkPasswordPolicy(newPassword);
      if (weak) throw new AppError(400, 'user.weak_password', `password ${weak}`);
      if (newPassword === currentPassword) throw new AppError(400, 'auth.same_password', 'choose a password different from the current one');
      const hash = await hashPassword(newPassword);
      const digest = secretDigest(token);
      await db.transaction().execute(async (tx) => {
        await store.setOwnPassword(tx, user.id, hash, now);
        await store.revokeOtherSessions(tx, user.id, digest, now);
        // every node drops its cached copies; this session is read afresh (without the must-change flag)
        await sessions.revoke(tx, { user: user.id });
        await audit.record(tx, now, actor, 'auth.password_change', { type: 'user', id: user.id });
      });
      sessions.forget({ user: user.id });
    },

    async logout(actor: Actor, token: string) {
      const now = clock.now();
      const signal = { token: secretDigest(token) };
      await db.transaction().execute(async (tx) => {
        await store.revokeSession(tx, signal.token, now);
        await sessions.revoke(tx, signal);
        await audit.record(tx, now, actor, 'auth.logout', { type: 'user', id: actor.id ?? '' });
      });
      sessions.forget(signal);
    },

    /** Ends every session of a user, inside the caller's transaction; call `forgetUser` after it commits. */
    async endUserSessions(tx: typeof db, userId: string) {
      await store.revokeUserSessions(tx, userId, clock.now());
      await sessions.revoke(tx, { user: userId });
    },

    /** Drops a user's cached sessions on this node (other nodes hear it from the committed signal). */
    forgetUser: (userId: string) => sessions.forget({ user: userId }),

    /** Starts hearing other nodes' revocations; until then every request reads its session from the database. */
    startSessionCache: () => sessions.start(),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
