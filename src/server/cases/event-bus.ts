import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { MAX_SIGNAL_BYTES, type Signals } from '../db/signals.ts';

/** What a live feed sees of a change: no reporter, no text, only what a map or a queue view needs. */
export interface CaseChange {
  code: string;
  action: string;
  from: string | null;
  state: string;
  at: string;
  category: string | null;
  gridCode: string | null;
  /** ltree path used to filter by the viewer's scope; not sent to clients */
  areaPath: string;
  department: string | null;
  coDepartments: string[];
  supervision: string;
  urgent: boolean;
}

/** Fan-out of case changes to live feeds: this node's subscribers, and every other node's (`createClusterBus`). */
export interface CaseEventBus {
  publish(change: CaseChange): void;
  subscribe(listener: (change: CaseChange) => void): () => void;
}

export function createInProcessBus(): CaseEventBus {
  const listeners = new Set<(change: CaseChange) => void>();
  return {
    publish(change) {
      for (const l of listeners) {
        try {
          l(change);
        } catch {
          // one broken subscriber must not stop the others or the write that published
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The channel on which nodes pass case changes to each other's live feeds. */
export const CASES_CHANNEL = 'civicgrid_cases';
/** Changes wait this long to travel together: one signal per burst of intakes, not one per case. */
const REMOTE_FLUSH_MS = 20;

/**
 * A bus for several API nodes on one PostgreSQL: a change reaches this node's feeds at once and, within
 * REMOTE_FLUSH_MS, every other node's, by LISTEN/NOTIFY (changes are published after their commit, so a
 * signal never announces a rolled-back change). Live feeds are best effort: a burst lost to a dropped
 * connection is not replayed; lists and maps reload from the database when opened.
 */
export function createClusterBus(db: Db, signals: Signals, logger: Logger): CaseEventBus {
  const local = createInProcessBus();
  const node = randomUUID();
  let pending: string[] = [];
  let timer: NodeJS.Timeout | null = null;

  const head = `{"node":${JSON.stringify(node)},"changes":[`;
  signals
    .listen(CASES_CHANNEL, (payload) => {
      if (payload.startsWith(head)) return; // our own, already delivered here: not worth parsing
      for (const change of (JSON.parse(payload) as { changes: CaseChange[] }).changes) local.publish(change);
    })
    .catch((err: unknown) => logger.error({ err }, 'case feed: cannot listen to other nodes'));

  /** Sends what is pending in as few signals as fit under NOTIFY's payload limit. */
  async function flush() {
    timer = null;
    const changes = pending;
    pending = [];
    let body: string[] = [];
    let size = head.length + 2;
    const send = async () => {
      if (body.length) await signals.notify(db, CASES_CHANNEL, `${head}${body.join(',')}]}`);
      body = [];
      size = head.length + 2;
    };
    try {
      for (const c of changes) {
        if (size + Buffer.byteLength(c) + 1 > MAX_SIGNAL_BYTES) await send();
        body.push(c);
        size += Buffer.byteLength(c) + 1;
      }
      await send();
    } catch (err) {
      logger.warn({ err, lost: changes.length }, 'case feed: changes not passed to other nodes');
    }
  }

  return {
    publish(change) {
      local.publish(change);
      pending.push(JSON.stringify(change));
      if (!timer) {
        timer = setTimeout(() => void flush(), REMOTE_FLUSH_MS);
        timer.unref();
      }
    },
    subscribe: local.subscribe,
  };
}

/**
 * The case bus of this process, created once in services.ts (the HTTP app's feeds and the background
 * sweeper share it): across nodes when the database can be shared (PostgreSQL), else in-process.
 */
export function createCaseBus(deps: Pick<Deps, 'db' | 'signals' | 'logger'>): CaseEventBus {
  return deps.signals.shared ? createClusterBus(deps.db, deps.signals, deps.logger) : createInProcessBus();
}

/** `a.b.c` lies within scope `a.b` (ltree `<@` semantics on dotted labels). */
export const pathWithin = (path: string, scope: string) => path === scope || path.startsWith(`${scope}.`);
