import type { PgliteLike } from './pglite-thread.ts';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from './tables.ts';

/**
 * Signals between API nodes over the database itself (PostgreSQL LISTEN/NOTIFY; PGlite's own, in-process).
 * A signal sent inside a transaction is delivered when it commits and never if it rolls back, so a listener
 * never acts on a change that did not happen. Used where every node must hear at once: a revoked session
 * (nodes cache live sessions) and case changes (every node's live feeds).
 */
export interface Signals {
  /** Sends `payload` (≤ 7,900 bytes) to every node listening on `channel`, this one included, at commit. */
  notify(db: Db, channel: string, payload: string): Promise<void>;
  /**
   * Calls `handler` for each payload on `channel`. `onGap` runs when signals may have been missed (the
   * listening connection dropped and is back): whoever caches must then forget what it holds.
   */
  listen(channel: string, handler: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  /** false while signals cannot arrive (connection down): a cache must not trust itself meanwhile */
  connected(): boolean;
  /** whether other processes can share the database and listen (PostgreSQL); PGlite is one process */
  readonly shared: boolean;
  close(): Promise<void>;
}

/** NOTIFY refuses payloads of 8,000 bytes or more; callers split below this. */
export const MAX_SIGNAL_BYTES = 7_900;

const notify: Signals['notify'] = async (db, channel, payload) => {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
};

interface Listener {
  handler: (payload: string) => void;
  onGap?: () => void;
}

/** Who listens on which channel, for either transport. */
function listenerRegistry() {
  const byChannel = new Map<string, Set<Listener>>();
  return {
    channels: () => [...byChannel.keys()],
    /** Adds a listener; `isNew` says the transport must start listening on the channel. */
    add(channel: string, listener: Listener): { isNew: boolean; remove: () => Promise<void> } {
      let set = byChannel.get(channel);
      const isNew = !set;
      if (!set) byChannel.set(channel, (set = new Set()));
      set.add(listener);
      return { isNew, remove: async () => void set.delete(listener) };
    },
    /** Hands a payload to every listener of the channel; one broken listener does not stop the others. */
    deliver(channel: string, payload: string) {
      for (const l of byChannel.get(channel) ?? []) {
        try {
          l.handler(payload);
        } catch {
          // a listener's bug must not break delivery to the rest
        }
      }
    },
    gap() {
      for (const set of byChannel.values()) for (const l of set) l.onGap?.();
    },
    clear: () => byChannel.clear(),
  };
}

/** PGlite is one process: its LISTEN never loses a connection, so there is never a gap. */
export function pgliteSignals(pglite: PgliteLike): Signals {
  const listeners = listenerRegistry();
  const unlisten = new Map<string, () => Promise<void>>();
  return {
    notify,
    shared: false,
    async listen(channel, handler, onGap) {
      const { isNew, remove } = listeners.add(channel, { handler, onGap });
      if (isNew) unlisten.set(channel, await pglite.listen(channel, (payload) => listeners.deliver(channel, payload)));
      return remove;
    },
    connected: () => !pglite.closed,
    async close() {
      for (const off of unlisten.values()) await off().catch(() => {});
      unlisten.clear();
      listeners.clear();
    },
  };
}

/**
 * One dedicated connection per node LISTENs on every channel in use (not a pooled one: a pool would hand it
 * back and lose the subscription). When it drops it reconnects with backoff, listens again and reports a gap.
 */
export function postgresSignals(url: string, opts: { reconnectMs?: number } = {}): Signals {
  const listeners = listenerRegistry();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let live = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let backoff = opts.reconnectMs ?? 500;

  // channels LISTENed on the current connection; a channel added while connecting is caught up by `listen`
  let listened = new Set<string>();
  async function listenAll(c: pg.Client, on: Set<string>) {
    for (const channel of listeners.channels()) {
      if (on.has(channel)) continue;
      await c.query(`listen ${pg.escapeIdentifier(channel)}`);
      on.add(channel);
    }
  }

  function connect(): Promise<void> {
    connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'civicgrid-signals' });
      c.on('notification', (m) => m.payload !== undefined && listeners.deliver(m.channel, m.payload));
      c.on('error', () => lost(c));
      c.on('end', () => lost(c));
      await c.connect();
      const on = new Set<string>();
      await listenAll(c, on);
      const wasDown = client !== null;
      client = c;
      listened = on;
      live = true;
      backoff = opts.reconnectMs ?? 500;
      // Everything sent while we were away is gone: every cache forgets.
      if (wasDown) listeners.gap();
    })().finally(() => (connecting = null));
    return connecting;
  }

  function lost(c: pg.Client) {
    if (client !== c || !live) return;
    live = false;
    c.removeAllListeners('notification');
    void c.end().catch(() => {});
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch(() => {
        backoff = Math.min(backoff * 2, 10_000);
        scheduleReconnect();
      });
    }, backoff);
    retryTimer.unref();
  }

  return {
    notify,
    shared: true,
    async listen(channel, handler, onGap) {
      const { remove } = listeners.add(channel, { handler, onGap });
      // Not reachable now: keep trying in the background; until then `connected()` says no and caches stay off.
      if (!client) await connect().catch(() => scheduleReconnect());
      if (client && live) await listenAll(client, listened);
      return remove;
    },
    connected: () => live,
    async close() {
      closed = true;
      live = false;
      if (retryTimer) clearTimeout(retryTimer);
      await connecting?.catch(() => {});
      const c = client;
      client = null;
      listeners.clear();
      await c?.end().catch(() => {});
    },
  };
}
