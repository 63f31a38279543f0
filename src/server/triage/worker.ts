/**
 * 分类模型线程 — the triage model's CPU work off the main thread at boot (issue #19: restart < 3 s).
 *
 * `civicgrid start` starts this worker before it opens the database, so on a 2-core machine the worker loads
 * the triage code, reads the model cache file of the data directory and decodes it while the main thread
 * opens PGlite, checks migrations and builds the app. The main thread then only computes the model key from
 * the database (history + corrections), receives the decoded snapshot (weights transferred, not copied) and
 * re-interns the features into its own index. On a first boot (or when the inputs changed) the worker trains
 * the model, so /healthz keeps answering 503 `server.warming` instead of the event loop stalling for seconds.
 *
 * The cache file holds the last model with its key (snapshot.ts modelKey): a key that does not match is never
 * used, so the database (triage_models) stays the source of truth and the file only saves reading ~26 MB
 * through the driver at every start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { failure, newWorker, workerRpc, type Reply } from '../threads.ts';
import { loadTaxonomy, type Taxonomy } from '../taxonomy/taxonomy.ts';
import { trainCityEngine, type CityExample } from './engine.ts';
import { decodeSnapshot, snapshotBuffers, snapshotEngine, type Snapshot } from './snapshot.ts';

const MAGIC = 'CGTM1\n';
const KEY_LENGTH = 64;

/** The model cache file of a data directory. */
export const modelCachePath = (dataDir: string): string => join(resolve(dataDir), 'triage', 'model.bin');

/** What the triage service asks the worker (service.ts warm). */
export interface TriageModelSource {
  /** the decoded snapshot of the cached model when its key matches, else null */
  cached(key: string): Promise<Snapshot | null>;
  /** trains the city's model in the worker; resolves with its snapshot bytes (also written to the cache) */
  train(key: string, known: readonly CityExample[], corrections: readonly CityExample[]): Promise<Uint8Array>;
  /** writes a model loaded from the database to the cache file, for the next start */
  remember(key: string, bytes: Uint8Array): void;
  /** ends the worker once what was asked is done (the model is in; nothing more to ask) */
  close(): Promise<void>;
}

interface Request {
  id: number;
  op: 'cached' | 'train' | 'remember';
  key: string;
  known?: CityExample[];
  corrections?: CityExample[];
  bytes?: Uint8Array;
}

interface Data {
  civicgridTriageWorker: true;
  dataDir: string;
}

/** Starts the worker now (the boot's first step); it reads and decodes the cache file at once. */
export function startTriageWorker(dataDir: string): TriageModelSource {
  const worker = newWorker('triage-worker.mjs', new URL('./worker.ts', import.meta.url), { civicgridTriageWorker: true, dataDir } satisfies Data);
  worker.unref(); // never what keeps the process alive
  const rpc = workerRpc(worker);
  const ask = <T>(req: Omit<Request, 'id'>, transfer: ArrayBuffer[] = []) => rpc.ask<T>({ ...req }, transfer);
  return {
    cached: (key) => ask<Snapshot | null>({ op: 'cached', key }),
    train: (key, known, corrections) => ask<Uint8Array>({ op: 'train', key, known: [...known], corrections: [...corrections] }),
    remember(key, bytes) {
      const copy = new Uint8Array(bytes); // the caller keeps its bytes
      ask({ op: 'remember', key, bytes: copy }, [copy.buffer as ArrayBuffer]).catch(() => {});
    },
    async close() {
      await Promise.allSettled([...rpc.pending]); // a cache write still going finishes first
      rpc.fail(new Error('triage worker closed'));
      await worker.terminate();
    },
  };
}

/** Writes the cache file atomically (a kill -9 mid-write leaves the old file or none, never half of one). */
function writeCache(dataDir: string, key: string, bytes: Uint8Array): void {
  const path = modelCachePath(dataDir);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, Buffer.concat([Buffer.from(MAGIC + key), bytes]));
  renameSync(tmp, path);
}

function readCache(dataDir: string): { key: string; snapshot: Snapshot } | null {
  const path = modelCachePath(dataDir);
  if (!existsSync(path)) return null;
  try {
    const file = readFileSync(path);
    if (file.subarray(0, MAGIC.length).toString() !== MAGIC) return null;
    const key = file.subarray(MAGIC.length, MAGIC.length + KEY_LENGTH).toString();
    return { key, snapshot: decodeSnapshot(file.subarray(MAGIC.length + KEY_LENGTH)) };
  } catch {
    return null; // unreadable or an older format: the database has the model
  }
}

function runWorker(port: NonNullable<typeof parentPort>, data: Data): void {
  // at once, while the main thread opens the database
  let cache = readCache(data.dataDir);
  let taxonomy: Taxonomy | undefined;
  port.on('message', (req: Request) => {
    try {
      if (req.op === 'cached') {
        const hit = cache && cache.key === req.key ? cache.snapshot : null;
        cache = null; // handed over (its buffers are transferred)
        let transfer: ArrayBuffer[] = hit ? snapshotBuffers(hit) : [];
        try {
          port.postMessage({ id: req.id, ok: true, value: hit } satisfies Reply, transfer);
        } catch {
          transfer = [];
          port.postMessage({ id: req.id, ok: true, value: hit } satisfies Reply);
        }
      } else if (req.op === 'train') {
        taxonomy ??= loadTaxonomy();
        const bytes = snapshotEngine(trainCityEngine(taxonomy, req.known ?? [], req.corrections ?? []));
        try {
          writeCache(data.dataDir, req.key, bytes);
        } catch {
          // a read-only data dir: the next start reads the model from the database
        }
        const out = new Uint8Array(bytes);
        port.postMessage({ id: req.id, ok: true, value: out } satisfies Reply, [out.buffer]);
      } else if (req.op === 'remember') {
        writeCache(data.dataDir, req.key, req.bytes!);
        port.postMessage({ id: req.id, ok: true } satisfies Reply);
      }
    } catch (err) {
      port.postMessage(failure(req.id, err));
    }
  });
}

if (!isMainThread && parentPort && (workerData as Data | undefined)?.civicgridTriageWorker) runWorker(parentPort, workerData as Data);
