import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { ManualClock } from '../../src/server/clock.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createDeps } from '../../src/server/context.ts';
import { createServices } from '../../src/server/services.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { restoreEngine, restoreSnapshot, type Snapshot } from '../../src/server/triage/snapshot.ts';
import { modelCachePath, startTriageWorker, type TriageModelSource } from '../../src/server/triage/worker.ts';
import { openTestDatabase } from '../support/harness.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A model source whose cache answer waits for the test: the model is "still loading" until release(). */
function gatedSource() {
  let release!: (s: Snapshot | null) => void;
  const answer = new Promise<Snapshot | null>((r) => (release = r));
  let asked!: (key: string) => void;
  const askedFor = new Promise<string>((r) => (asked = r));
  let closed!: () => void;
  const whenClosed = new Promise<void>((r) => (closed = r));
  const remembered: Array<{ key: string; bytes: Uint8Array }> = [];
  const source: TriageModelSource = {
    cached(key) {
      asked(key);
      return answer;
    },
    train: () => Promise.reject(new Error('the template has the model: nothing to train')),
    remember: (key, bytes) => void remembered.push({ key, bytes }),
    close: async () => closed(),
  };
  return { source, release, askedFor, whenClosed, remembered };
}

describe('start-up warming with the triage model off the main thread', () => {
  it('/healthz and /readyz say 503 server.warming while the model is loading and 200 once it is in', async () => {
    const database = await openTestDatabase();
    const config = loadConfig({}, { LOG_LEVEL: 'silent' });
    const deps = createDeps(database, { clock: new ManualClock(new Date('2026-03-02T09:00:00+08:00')), config });
    const taxonomy = loadTaxonomy();
    const gate = gatedSource();
    const app = await buildApp({ deps, taxonomy, services: createServices(deps, taxonomy), warmTriage: true, triageSource: gate.source });
    try {
      await app.ready();
      const key = await gate.askedFor; // warming has begun and waits for the model
      expect(key).toMatch(/^[0-9a-f]{64}$/);
      const early = await app.inject({ method: 'GET', url: '/healthz' });
      expect(early.statusCode).toBe(503);
      expect(early.json()).toMatchObject({ code: 'server.warming' });
      const readyEarly = await app.inject({ method: 'GET', url: '/readyz' });
      expect(readyEarly.statusCode).toBe(503);
      expect(readyEarly.json()).toMatchObject({ status: 'warming', ready: false, warming: ['triage'] });

      gate.release(null); // no cached copy: the service reads the stored model from the database
      await gate.whenClosed; // warming is over, the worker is let go
      const late = await app.inject({ method: 'GET', url: '/healthz' });
      expect(late.statusCode).toBe(200);
      expect(late.json()).toEqual({ status: 'ok' });
      expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', ready: true, warming: [] });
      // the model read from the database is handed to the worker for the cache file of the next start
      expect(gate.remembered.map((r) => r.key)).toEqual([key]);

      // the real worker: writes the cache file, and a later worker (the next start) hands it back decoded
      const { bytes } = gate.remembered[0]!;
      const dataDir = mkdtempSync(join(tmpdir(), 'civicgrid-triage-worker-'));
      dirs.push(dataDir);
      const writer = startTriageWorker(dataDir);
      writer.remember(key, bytes);
      await writer.close(); // waits for the write
      const reader = startTriageWorker(dataDir);
      const snapshot = await reader.cached(key);
      await reader.close();
      expect(snapshot).not.toBeNull();
      const fromCache = restoreSnapshot(taxonomy, snapshot!);
      const fromDb = restoreEngine(taxonomy, bytes);
      for (const text of ['小区门口路灯不亮了', '楼道里堆满了纸箱，消防通道被堵', '噪音扰民，晚上施工'])
        expect(fromCache.classify(text)).toEqual(fromDb.classify(text));
      // a key that does not match (other inputs since) is never used
      const other = startTriageWorker(dataDir);
      expect(await other.cached('0'.repeat(64))).toBeNull();
      await other.close();
      expect(modelCachePath(dataDir)).toContain(dataDir);
    } finally {
      await app.close();
      await database.close();
    }
  }, 120_000);
});
