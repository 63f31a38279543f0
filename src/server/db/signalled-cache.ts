import type { Db } from './tables.ts';
import type { Signals } from './signals.ts';

/** The channel of migration 0050's triggers: the payload names what changed (`areas`, `taxonomy`). */
export const CONFIG_CHANNEL = 'civicgrid_config';

/**
 * A value read from the database that each node keeps until a table trigger's signal says it changed (0050;
 * the signal arrives at commit, D9's pattern). Nothing is kept before the node listens, nor while signals cannot
 * arrive, nor for longer than `ttlMs`; a read that overlapped a change is used once but not kept. The node that
 * makes a change also calls `forget` after its commit, so it never waits for its own signal.
 */
export function signalledCache<T>(signals: Signals, what: string, load: (db: Db) => Promise<T>, opts: { ttlMs?: number } = {}) {
  const ttlMs = opts.ttlMs ?? 60_000;
  let kept: { value: T; at: number } | null = null;
  let listening = false;
  // bumped by every change heard: a read that began before it must not be kept
  let epoch = 0;
  const forget = () => {
    epoch++;
    kept = null;
  };

  return {
    /** Starts hearing changes; returns what stops it. Until then every `get` reads the database. */
    async start(): Promise<() => Promise<void>> {
      const stop = await signals.listen(CONFIG_CHANNEL, (payload) => payload === what && forget(), forget);
      listening = true;
      return async () => {
        listening = false;
        forget();
        await stop();
      };
    },

    async get(db: Db): Promise<T> {
      const now = performance.now();
      if (kept && listening && signals.connected() && now - kept.at <= ttlMs) return kept.value;
      const readAt = epoch;
      const value = await load(db);
      if (listening && readAt === epoch && signals.connected()) kept = { value, at: now };
      return value;
    },

    forget,
  };
}
