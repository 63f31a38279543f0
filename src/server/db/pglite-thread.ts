/**
 * 数据库线程 — the server's PGlite in a worker thread (issue #19, restart time).
 *
 * PGlite is Postgres compiled to WebAssembly: it runs on whichever thread opened it, and opening a data dir
 * (the wasm start, crash recovery after a kill -9, the extensions, the first catalog reads) is ~2 s of CPU.
 * On the main thread that time adds to loading the code, building the app and restoring the triage model;
 * in its own thread it runs on the other core while they do, and later every query's execution stays off
 * the thread that answers HTTP. Only the wire of it crosses: SQL and parameters in, rows out (structured
 * clone keeps Dates, bytes and parsed JSON), errors with their SQLSTATE fields, and NOTIFY payloads.
 * The same pool (pglite-pool.ts) hands the one connection to one holder at a time, so transactions behave
 * exactly as with an in-thread PGlite; tests and tools keep the in-thread one (`openPglite`). This file is
 * the main thread's side (no PGlite in it, so `civicgrid start` can start the thread before loading anything
 * else: `startEarlyDatabase` below); pglite-worker.ts is the thread.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { newWorker, workerRpc } from '../threads.ts';
import { describeDataDirHolder, openLocked } from './data-dir-lock.ts';

/** What pglite-pool.ts and signals.ts use of a PGlite: an in-thread instance or this thread's proxy. */
export interface PgliteLike {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<Array<{ rows: unknown[]; affectedRows?: number }>>;
  listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
  readonly closed: boolean;
  close(): Promise<void>;
}

/** What the database thread is started with (pglite-worker.ts). */
export interface DatabaseThreadData {
  civicgridPgliteThread: true;
  dataDir: string;
}

export type DatabaseThreadRequest =
  | { id: number; op: 'open' | 'close' }
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'listen' | 'unlisten'; channel: string };

/** A NOTIFY the database thread passes on (a message without a request id). */
export interface DatabaseThreadNotification {
  notify: string;
  payload: string;
}

/** Opens `dataDir` in a new database thread; resolves once PGlite is up (a failure to open rejects here). */
export async function openPgliteThread(dataDir: string): Promise<PgliteLike> {
  const worker = newWorker('pglite-worker.mjs', new URL('./pglite-worker.ts', import.meta.url), { civicgridPgliteThread: true, dataDir } satisfies DatabaseThreadData);
  const callbacks = new Map<string, (payload: string) => void>();
  const rpc = workerRpc(worker, (m) => {
    const n = m as Partial<DatabaseThreadNotification>;
    if (n.notify !== undefined) callbacks.get(n.notify)?.(n.payload ?? '');
  });
  let closed = false;
  try {
    await rpc.ask({ op: 'open' });
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    query: <R>(sql: string, params: unknown[] = []) => rpc.ask<{ rows: R[]; affectedRows?: number }>({ op: 'query', sql, params }),
    exec: (sql: string) => rpc.ask<Array<{ rows: unknown[]; affectedRows?: number }>>({ op: 'exec', sql }),
    async listen(channel, callback) {
      callbacks.set(channel, callback);
      await rpc.ask({ op: 'listen', channel });
      return async () => {
        callbacks.delete(channel);
        if (!closed) await rpc.ask({ op: 'unlisten', channel });
      };
    },
    get closed() {
      return closed || Boolean(rpc.dead);
    },
    async close() {
      if (closed) return;
      closed = true;
      // what is still queued runs first: the worker answers in order, and close is the last request
      await rpc.ask({ op: 'close' }).catch(() => {});
      await worker.terminate();
    },
  };
}

/**
 * 提前启动 — `civicgrid start` runs this before the server's code is even loaded (bin/civicgrid.js imports the
 * small pglite-boot.mjs bundle of this file first): with PGlite, it takes the data dir's lock and starts the
 * database thread, so PGlite opens on the other core while the main thread compiles and builds the app
 * (issue #19: restart < 3 s). The server adopts it (database.ts `openPglite`) when it opens the same
 * directory; with DATABASE_URL set nothing is started. A failure (the directory locked by another process)
 * is kept and thrown where the server opens its database, with the same message as without this step.
 */
export function startEarlyDatabase(env: NodeJS.ProcessEnv = process.env): void {
  if (env.DATABASE_URL) return;
  const dataDir = resolve(env.CIVICGRID_DATA_DIR ?? './data'); // config.ts's default
  const port = Number(env.PORT ?? 8080);
  describeDataDirHolder({ what: 'civicgrid start', port: Number.isInteger(port) ? port : undefined });
  let opened: EarlyDatabase['opened'];
  try {
    mkdirSync(dataDir, { recursive: true });
    opened = openLocked(dataDir, () => openPgliteThread(dataDir)); // the lock is taken before this returns
  } catch (err) {
    opened = Promise.reject(err);
  }
  opened.catch(() => {}); // reported where the server opens the database
  (globalThis as { [EARLY]?: EarlyDatabase })[EARLY] = { dataDir, opened };
}

/** The database started early for `dataDir`, handed over once; undefined when none was started for it. */
export function takeEarlyDatabase(dataDir: string): EarlyDatabase['opened'] | undefined {
  const g = globalThis as { [EARLY]?: EarlyDatabase };
  const early = g[EARLY];
  if (!early || early.dataDir !== resolve(dataDir)) return undefined;
  delete g[EARLY];
  return early.opened;
}

const EARLY = '__civicgridEarlyDatabase';
interface EarlyDatabase {
  dataDir: string;
  opened: Promise<{ value: PgliteLike; unlock: () => void }>;
}
