/**
 * The server's worker threads (the triage model, PGlite): how one is started and asked.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * A worker from the bundle's sibling entry (scripts/build-server.mjs builds one per worker and marks the
 * server bundle with its URL), or from the TypeScript source with tsx's hooks registered inside the worker
 * first (a worker does not inherit hooks registered with module.register, and ignores `--import` in its
 * execArgv). tsx's ESM api is the .mjs file.
 */
export function newWorker(bundleFile: string, source: URL, workerData: unknown): Worker {
  const bundle = (globalThis as { __civicgridBundleUrl?: string }).__civicgridBundleUrl;
  if (bundle) return new Worker(new URL(`./${bundleFile}`, bundle), { workerData });
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(code, { eval: true, workerData });
}

/** A worker's answer to request `id`; a failure carries the error's message and its own fields (a SQLSTATE…). */
export interface Reply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
  fields?: Record<string, unknown>;
}

/** An error as a reply carries it: structured clone keeps an Error's message but drops the fields callers read. */
export function failure(id: number, err: unknown): Reply {
  const e = err as Error & Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e ?? {})) if (typeof v === 'string' || typeof v === 'number') fields[k] = v;
  return { id, ok: false, error: e?.message ?? String(err), fields };
}

/**
 * Request/reply over a worker: each request gets an id, a reply settles its promise, and when the worker
 * dies every request still waiting fails with the reason. Messages without an id (`id` absent) go to `other`.
 */
export function workerRpc(worker: Worker, other: (message: unknown) => void = () => {}) {
  let next = 0;
  let dead: Error | undefined;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const pending = new Set<Promise<unknown>>();
  const fail = (err: Error) => {
    dead ??= err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (r: Reply) => {
    if (typeof r?.id !== 'number') return other(r);
    const w = waiting.get(r.id);
    waiting.delete(r.id);
    if (r.ok) w?.resolve(r.value);
    else w?.reject(Object.assign(new Error(r.error), r.fields ?? {}));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited (${code})`)));
  return {
    ask<T>(req: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
      if (dead) return Promise.reject(dead);
      const id = ++next;
      const p = new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ ...req, id }, transfer);
      });
      pending.add(p);
      const done = () => pending.delete(p);
      p.then(done, done);
      return p;
    },
    /** what was asked and is not answered yet */
    pending,
    fail,
    get dead() {
      return dead;
    },
  };
}
