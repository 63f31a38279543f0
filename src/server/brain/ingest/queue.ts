import type { Deps } from '../../context.ts';
import type { AlarmStore } from '../alarms/store.ts';
import { ruleFromRow } from '../alarms/store.ts';
import type { DeviceMeta, DeviceStore } from '../devices/store.ts';
import type { MetricLookup } from '../devices/type-catalog.ts';
import type { BrainEvents } from '../events.ts';
import type { Outcome, RuleEngine } from '../rules/engine.ts';
import { deviceCheck, evaluateBatch, type Pending, type Source } from './evaluate.ts';
import type { SeenStore } from './seen-store.ts';
import type { ReadingStore } from './store.ts';
import { isRejection, type RawReading, type RejectReason, type Rejection } from './validate.ts';
import { createBatchWriter, type PipelineHooks } from './write.ts';

export type { PipelineHooks } from './write.ts';

export interface PipelineOptions {
  /** a batch is written at the latest this long after its first reading arrived */
  flushMs: number;
  /** write as soon as this many readings wait */
  batchSize: number;
  /** beyond this many waiting readings new ones are refused (counted as overloaded), so memory stays bounded */
  maxQueue: number;
  /** devices' latest state goes to the database at most this often (the API reads it from memory meanwhile) */
  latestWriteMs: number;
}

export const defaultPipelineOptions: PipelineOptions = { flushMs: 50, batchSize: 5000, maxQueue: 250_000, latestWriteMs: 1000 };

export interface PipelineStats {
  received: number;
  accepted: number;
  rejected: number;
  byReason: Record<string, number>;
  flushes: number;
  written: number;
  lastBatch: number;
  lastFlushMs: number;
  writeErrors: number;
  /** readings of a failed batch that nothing will send again (a broker message is redelivered instead) */
  lost: number;
  /** broker messages of a failed batch handed back for redelivery */
  returned: number;
  alarmsRaised: number;
  alarmsCleared: number;
}

/**
 * The ingestion pipeline (接入): readings from MQTT and HTTP are checked on arrival and queued here; a batch is
 * then evaluated by the rules (evaluate.ts) and written in one transaction (write.ts). One batch is written at
 * a time, so alarm operations for a device are applied in the order their readings arrived; under load
 * batches simply grow (group commit).
 */
export function createPipeline(
  deps: Deps,
  parts: { devices: DeviceStore; readings: ReadingStore; alarms: AlarmStore; engine: RuleEngine; events: BrainEvents; hooks: PipelineHooks; metricSpec: MetricLookup; seen?: SeenStore },
  options: Partial<PipelineOptions> = {},
) {
  const opts = { ...defaultPipelineOptions, ...options };
  const { db, clock, logger } = deps;
  const { engine } = parts;

  const cache = new Map<string, DeviceMeta>();
  const missing = new Map<string, number>();
  const latest = new Map<string, { ts: number; values: Record<string, number> }>();
  let queue: Pending[] = [];
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let sweepOps: Outcome[] = [];
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const stats: PipelineStats = { received: 0, accepted: 0, rejected: 0, byReason: {}, flushes: 0, written: 0, lastBatch: 0, lastFlushMs: 0, writeErrors: 0, lost: 0, returned: 0, alarmsRaised: 0, alarmsCleared: 0 };
  const perDevice = new Map<string, { accepted: number; rejected: number; lastReason: RejectReason | null }>();
  const writer = createBatchWriter(deps, parts, stats, { latestWriteMs: opts.latestWriteMs, closed: () => closed });
  const knownMonths = writer.knownMonths;

  function countReject(deviceId: string, r: Rejection) {
    stats.rejected++;
    stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + 1;
    const d = perDevice.get(deviceId) ?? { accepted: 0, rejected: 0, lastReason: null };
    d.rejected++;
    d.lastReason = r.reason;
    perDevice.set(deviceId, d);
    if (cache.has(deviceId)) writer.noteRejected(deviceId);
  }

  /**
   * Takes one reading (already shape-checked, or the rejection that check produced). Returns why it was refused.
   * A reading from a durable stream brings its `source`: settled once its batch is committed or has failed, and
   * its `ts` then defaults to `defaultTs` (when the broker stored it), so a redelivery carries the same time.
   */
  function submit(deviceId: string, reading: RawReading | Rejection, source?: Source, defaultTs?: number): Rejection | null {
    stats.received++;
    if (isRejection(reading)) {
      countReject(deviceId, reading);
      return reading;
    }
    if (closed || queue.length >= opts.maxQueue) {
      const r: Rejection = { reason: 'overloaded', message: 'ingestion queue is full; retry later' };
      countReject(deviceId, r);
      return r;
    }
    const meta = cache.get(deviceId) ?? null;
    if (meta) {
      const bad = deviceCheck(parts.metricSpec, meta, reading.values);
      if (bad) {
        countReject(deviceId, bad);
        return bad;
      }
    }
    queue.push({ deviceId, device: meta, ts: reading.ts ?? defaultTs ?? clock.now().getTime(), values: reading.values, source });
    if (queue.length >= opts.batchSize) kick();
    return null;
  }

  function kick() {
    if (!flushing) flushing = runFlush().finally(() => (flushing = null));
  }

  async function resolveUnknown(batch: Pending[]) {
    const now = Date.now();
    const ids = [...new Set(batch.filter((p) => !p.device && !cache.has(p.deviceId)).map((p) => p.deviceId))].filter((id) => !(now - (missing.get(id) ?? -Infinity) < 30_000));
    if (!ids.length) return;
    const rows = await parts.devices.meta(db, ids);
    for (const r of rows) cache.set(r.id, r);
    for (const id of ids) if (!cache.has(id)) missing.set(id, now);
  }

  async function runFlush(): Promise<void> {
    while (queue.length || sweepOps.length) {
      const started = performance.now();
      const batch = queue;
      const batchWaiters = waiters;
      const swept = sweepOps;
      queue = [];
      waiters = [];
      sweepOps = [];
      try {
        await resolveUnknown(batch);
        const evaluated = evaluateBatch(batch, swept, {
          engine,
          meta: (id) => cache.get(id),
          metricSpec: parts.metricSpec,
          knownMonth: (m) => knownMonths.has(m),
          reject: countReject,
          accepted: rememberLatest,
        });
        stats.accepted += evaluated.accepted;
        await writer.write(evaluated);
        stats.flushes++;
        stats.written += evaluated.accepted;
        stats.lastBatch = batch.length;
        stats.lastFlushMs = Math.round(performance.now() - started);
        for (const w of batchWaiters) w.resolve();
        settle(batch, true);
      } catch (err) {
        const returned = settle(batch, false);
        stats.returned += returned;
        stats.lost += batch.length - returned;
        logger.error({ err, readings: batch.length, returned }, 'telemetry batch could not be written');
        for (const w of batchWaiters) w.reject(err);
      }
    }
  }

  /** acks (or hands back) the broker messages of a batch; returns how many it had */
  function settle(batch: Pending[], written: boolean): number {
    let n = 0;
    for (const p of batch) {
      if (!p.source) continue;
      n++;
      p.source.settle(written);
    }
    return n;
  }

  function rememberLatest(meta: DeviceMeta, p: Pending) {
    // updated in place (this runs for every reading; a new object each time was a tenth of the pipeline's GC)
    const mem = latest.get(meta.id);
    if (!mem) latest.set(meta.id, { ts: p.ts, values: { ...p.values } });
    else if (p.ts >= mem.ts) {
      mem.ts = p.ts;
      Object.assign(mem.values, p.values);
    }
    if (!meta.last_seen || p.ts > meta.last_seen.getTime()) meta.last_seen = new Date(p.ts);
    writer.noteLatest(meta, p);
    const pd = perDevice.get(meta.id) ?? { accepted: 0, rejected: 0, lastReason: null };
    pd.accepted++;
    perDevice.set(meta.id, pd);
  }

  return {
    stats,
    perDevice,
    submit,

    /**
     * Several readings of one device, all or nothing (the HTTP batch): every reading is checked first; if one
     * is bad, none is queued. Resolves once the batch holding them is committed.
     */
    async submitAll(deviceId: string, readings: (RawReading | Rejection)[]): Promise<{ index: number; reason: RejectReason; message: string }[]> {
      const meta = cache.get(deviceId) ?? (await parts.devices.meta(db, [deviceId]))[0];
      if (meta) cache.set(meta.id, meta);
      const problems = readings.flatMap((r, index) => {
        const bad = isRejection(r) ? r : meta ? deviceCheck(parts.metricSpec, meta, r.values) : { reason: 'unknown_device' as const, message: `no device ${deviceId}` };
        return bad ? [{ index, ...bad }] : [];
      });
      if (problems.length || closed || queue.length + readings.length > opts.maxQueue) {
        const all = problems.length ? problems : [{ index: 0, reason: 'overloaded' as const, message: 'ingestion queue is full; retry later' }];
        for (const p of all) {
          stats.received++;
          countReject(deviceId, p);
        }
        stats.received += readings.length - all.length;
        return all;
      }
      const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
      for (const r of readings as RawReading[]) {
        stats.received++;
        queue.push({ deviceId, device: meta!, ts: r.ts ?? clock.now().getTime(), values: r.values });
      }
      kick();
      await done;
      return [];
    },

    /** Rule outcomes found by the sweeper, written by the next batch so alarm operations stay in order. */
    async applySweep(outcomes: Outcome[]) {
      if (!outcomes.length) return;
      sweepOps.push(...outcomes);
      await this.flush();
    },

    /** Writes everything queued so far (and the latest state); resolves when it is committed. */
    async flush() {
      writer.latestDue();
      while (flushing || queue.length || sweepOps.length) {
        kick();
        await flushing;
      }
      await writer.writeLatestNow();
    },

    async load() {
      for (const m of await parts.devices.allMeta(db)) cache.set(m.id, m);
      engine.setRules((await parts.alarms.rules(db)).map(ruleFromRow));
      for (const a of await parts.alarms.active(db)) {
        const meta = cache.get(a.device_id);
        if (meta) engine.markRaised(meta, a.type);
      }
      for (const p of await parts.readings.partitions(db)) {
        const m = /^readings_p(\d{4})(\d{2})$/.exec(p);
        if (m) knownMonths.add(`${m[1]}-${m[2]}-01`);
      }
    },

    start() {
      timer ??= setInterval(() => {
        if (queue.length || sweepOps.length) kick();
      }, opts.flushMs);
      timer.unref();
    },

    async close() {
      if (timer) clearInterval(timer);
      timer = null;
      await this.flush();
      closed = true;
    },

    devices: cache,
    device: (id: string) => cache.get(id),
    latestOf: (id: string) => latest.get(id),
    upsertMeta(meta: DeviceMeta) {
      cache.set(meta.id, meta);
      missing.delete(meta.id);
    },
    forget(id: string) {
      cache.delete(id);
      latest.delete(id);
    },
    queued: () => queue.length,
    knownMonths,
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;
