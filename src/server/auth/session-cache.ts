import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { Signals } from '../db/signals.ts';

/** What a live session resolves to; cached per node for a short while (D9). */
export interface SessionEntry<A> {
  actor: A;
  userId: string | null;
  expiresAt: Date;
}

/** The channel on which a node says "these sessions are over" to every node. */
export const SESSIONS_CHANNEL = 'civicgrid_sessions';

/** What travels on the channel: one token's digest (logout) or all of one user's sessions (role change, disable). */
export type SessionSignal = { token: string } | { user: string };

/**
 * Live sessions by token digest, so a request costs no database round trip (D9). An entry is trusted for
 * `ttlMs` at most and never past the session's expiry; a logout or revocation anywhere reaches every node's
 * cache by a signal sent in the revoking transaction; while signals cannot arrive, nothing is trusted.
 */
export function createSessionCache<A>(clock: Clock, signals: Signals, opts: { ttlMs: number; maxEntries?: number }) {
  const max = opts.maxEntries ?? 20_000;
  const entries = new Map<string, SessionEntry<A> & { checkedAt: number }>();
  // Bumped by every revocation heard: a lookup that read the database before it must not cache what it read.
  let epoch = 0;

  function forget(signal: SessionSignal) {
    epoch++;
    if ('token' in signal) entries.delete(signal.token);
    else for (const [k, e] of entries) if (e.userId === signal.user) entries.delete(k);
  }

  function clear() {
    epoch++;
    entries.clear();
  }

  return {
    /**
     * Starts hearing other nodes' revocations. On PostgreSQL every lookup misses until the signal connection is
     * up, and again whenever it is down; PGlite is one process, where this node's own forgetting is enough.
     */
    async start(): Promise<() => Promise<void>> {
      if (opts.ttlMs <= 0) return async () => {};
      return signals.listen(
        SESSIONS_CHANNEL,
        (payload) => {
          try {
            forget(JSON.parse(payload) as SessionSignal);
          } catch {
            clear(); // a signal we cannot read: forget everything rather than guess
          }
        },
        clear,
      );
    },

    /** Take before reading a session from the database; hand to `set`. */
    epoch: () => epoch,

    get(digest: string): SessionEntry<A> | undefined {
      const e = entries.get(digest);
      if (!e) return undefined;
      const now = clock.now().getTime();
      if (!signals.connected() || now - e.checkedAt > opts.ttlMs || now < e.checkedAt || e.expiresAt.getTime() <= now) {
        entries.delete(digest);
        return undefined;
      }
      return e;
    },

    /** Caches what a lookup read, unless a revocation was heard since it began (`readAt` from `epoch()`). */
    set(digest: string, entry: SessionEntry<A>, readAt: number) {
      if (opts.ttlMs <= 0 || readAt !== epoch || !signals.connected()) return;
      if (entries.size >= max) entries.delete(entries.keys().next().value!);
      entries.set(digest, { ...entry, checkedAt: clock.now().getTime() });
    },

    /**
     * Ends sessions in every node's cache: here at once, elsewhere when `tx` commits. The revoking service
     * calls it inside its transaction (a rollback costs only a cache miss) and once more after the commit.
     */
    async revoke(tx: Db, signal: SessionSignal) {
      forget(signal);
      if (opts.ttlMs > 0) await signals.notify(tx, SESSIONS_CHANNEL, JSON.stringify(signal));
    },

    forget,
  };
}
