import type { Deps } from '../../context.ts';
import type { AlarmHit, AlarmRow, AlarmStore } from '../alarms/store.ts';
import { ruleFromRow } from '../alarms/store.ts';
import type { DeviceMeta, DeviceStore, LatestUpdate } from '../devices/store.ts';
import { alarmEvent, type BrainEvents } from '../events.ts';
import { monthOf, type ReadingColumns, type ReadingStore } from './store.ts';
import type { Outcome, RuleEngine } from '../rules/engine.ts';
import { checkRanges, isRejection, type RawReading, type RejectReason, type Rejection } from './validate.ts';

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

interface Pending {
  deviceId: string;
  /** set when the device was known (and ranges checked) on arrival; else resolved at flush */
  device: DeviceMeta | null;
  ts: number;
  values: Record<string, number>;
}

type AlarmOp = { kind: 'hit'; hit: AlarmHit } | { kind: 'clear'; deviceId: string; type: string; at: Date; value: number | null };

export interface PipelineHooks {
  /** after commit: a new alarm that wants a case */
  onRaised(alarm: AlarmRow): void;
  /** after commit: an alarm cleared by its rule */
  onCleared(alarm: AlarmRow): void;
}

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
  lost: number;
  alarmsRaised: number;
  alarmsCleared: number;
}

const BRAIN_ACTOR = 'brain';

/**
 * The ingestion pipeline (接入): readings from MQTT and HTTP are checked on arrival, queued, and written in
 * batches — one multi-row insert of readings, one update of the devices' latest state, and the alarm upserts
 * the rules decided, all in one transaction. One batch is written at a time, so alarm operations for a device
 * are applied in the order their readings arrived; under load batches simply grow (group commit).
 */
export function createPipeline(
  deps: Deps,
  parts: { devices: DeviceStore; readings: ReadingStore; alarms: AlarmStore; engine: RuleEngine; events: BrainEvents; hooks: PipelineHooks },
  options: Partial<PipelineOptions> = {},
) {
  const opts = { ...defaultPipelineOptions, ...options };
  const { db, clock, audit, logger } = deps;
  const { engine, events } = parts;

  const cache = new Map<string, DeviceMeta>();
  const missing = new Map<string, number>();
  const latest = new Map<string, { ts: number; values: Record<string, number> }>();
  const knownMonths = new Set<string>();
  let queue: Pending[] = [];
  let waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let sweepOps: Outcome[] = [];
  let dirtyLatest = new Map<string, LatestUpdate>();
  let rejectedPending = new Map<string, number>();
  let lastLatestWrite = 0;
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const stats: PipelineStats = { received: 0, accepted: 0, rejected: 0, byReason: {}, flushes: 0, written: 0, lastBatch: 0, lastFlushMs: 0, writeErrors: 0, lost: 0, alarmsRaised: 0, alarmsCleared: 0 };
  const perDevice = new Map<string, { accepted: number; rejected: number; lastReason: RejectReason | null }>();

  function countReject(deviceId: string, r: Rejection) {
    stats.rejected++;
    stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + 1;
    const d = perDevice.get(deviceId) ?? { accepted: 0, rejected: 0, lastReason: null };
    d.rejected++;
    d.lastReason = r.reason;
    perDevice.set(deviceId, d);
    if (cache.has(deviceId)) rejectedPending.set(deviceId, (rejectedPending.get(deviceId) ?? 0) + 1);
  }

  /** Range and state checks that need the device; null when the reading may go in. */
  function deviceCheck(meta: DeviceMeta, values: Record<string, number>): Rejection | null {
    if (!meta.enabled) return { reason: 'device_disabled', message: `device ${meta.id} is disabled` };
    return checkRanges(meta.type, values);
  }

  /** Takes one reading (already shape-checked, or the rejection that check produced). Returns why it was refused. */
  function submit(deviceId: string, reading: RawReading | Rejection): Rejection | null {
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
      const bad = deviceCheck(meta, reading.values);
      if (bad) {
        countReject(deviceId, bad);
        return bad;
      }
    }
    queue.push({ deviceId, device: meta, ts: reading.ts ?? clock.now().getTime(), values: reading.values });
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

  /** Turns rule outcomes into alarm operations, folding a run of raise/repeat for one alarm into one upsert. */
  function addOutcomes(ops: AlarmOp[], lastHit: Map<string, AlarmHit>, outcomes: Outcome[], meta: DeviceMeta) {
    for (const o of outcomes) {
      const key = `${o.deviceId}|${o.rule.alarmType}`;
      const at = new Date(o.ts);
      if (o.kind === 'clear') {
        lastHit.delete(key);
        ops.push({ kind: 'clear', deviceId: o.deviceId, type: o.rule.alarmType, at, value: o.value });
        continue;
      }
      const prev = lastHit.get(key);
      if (prev) {
        prev.n++;
        prev.lastValue = o.value;
        continue;
      }
      const hit: AlarmHit = {
        deviceId: o.deviceId, type: o.rule.alarmType, ruleId: o.rule.id, severity: o.rule.severity, metric: o.metric, firstValue: o.value,
        lastValue: o.value, n: 1, at, areaPath: meta.area_path, gridCode: meta.grid_code, h3: meta.h3, lon: meta.lon, lat: meta.lat,
        wantsCase: o.rule.caseCategory !== null,
      };
      lastHit.set(key, hit);
      ops.push({ kind: 'hit', hit });
    }
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
        const cols: ReadingColumns = { device: [], metric: [], ts: [], value: [] };
        const months = new Set<string>();
        const ops: AlarmOp[] = [];
        const lastHit = new Map<string, AlarmHit>();
        let accepted = 0;
        for (const p of batch) {
          const meta = p.device ?? cache.get(p.deviceId);
          if (!meta) {
            countReject(p.deviceId, { reason: 'unknown_device', message: `no device ${p.deviceId}` });
            continue;
          }
          if (!p.device) {
            const bad = deviceCheck(meta, p.values);
            if (bad) {
              countReject(p.deviceId, bad);
              continue;
            }
          }
          accepted++;
          const iso = new Date(p.ts).toISOString();
          for (const [metric, value] of Object.entries(p.values)) {
            cols.device.push(meta.id);
            cols.metric.push(metric);
            cols.ts.push(iso);
            cols.value.push(value);
          }
          const month = monthOf(p.ts);
          if (!knownMonths.has(month)) months.add(month);
          rememberLatest(meta, p);
          addOutcomes(ops, lastHit, engine.onReading(meta, p.ts, p.values), meta);
        }
        for (const o of swept) {
          const meta = cache.get(o.deviceId);
          if (meta) addOutcomes(ops, lastHit, [o], meta);
        }
        stats.accepted += accepted;
        await write(cols, months, ops);
        stats.flushes++;
        stats.written += accepted;
        stats.lastBatch = batch.length;
        stats.lastFlushMs = Math.round(performance.now() - started);
        for (const w of batchWaiters) w.resolve();
      } catch (err) {
        stats.lost += batch.length;
        logger.error({ err, readings: batch.length }, 'telemetry batch could not be written');
        for (const w of batchWaiters) w.reject(err);
      }
    }
  }

  function rememberLatest(meta: DeviceMeta, p: Pending) {
    const mem = latest.get(meta.id);
    if (!mem || p.ts >= mem.ts) latest.set(meta.id, { ts: p.ts, values: { ...(mem?.values ?? {}), ...p.values } });
    if (!meta.last_seen || p.ts > meta.last_seen.getTime()) meta.last_seen = new Date(p.ts);
    const d = dirtyLatest.get(meta.id);
    if (!d) dirtyLatest.set(meta.id, { id: meta.id, ts: new Date(p.ts), values: { ...p.values }, accepted: 1 });
    else {
      d.accepted++;
      if (p.ts >= d.ts.getTime()) {
        d.ts = new Date(p.ts);
        Object.assign(d.values, p.values);
      }
    }
    const pd = perDevice.get(meta.id) ?? { accepted: 0, rejected: 0, lastReason: null };
    pd.accepted++;
    perDevice.set(meta.id, pd);
  }

  /** One transaction per batch, retried a few times: a database blip must not lose what devices sent. */
  async function write(cols: ReadingColumns, months: Set<string>, ops: AlarmOp[]) {
    const writeLatest = performance.now() - lastLatestWrite >= opts.latestWriteMs;
    const latestRows = writeLatest ? [...dirtyLatest.values()] : [];
    const rejectedRows = writeLatest ? rejectedPending : new Map<string, number>();
    for (let attempt = 1; ; attempt++) {
      const raised: AlarmRow[] = [];
      const cleared: AlarmRow[] = [];
      try {
        for (const m of months) {
          await parts.readings.ensurePartition(db, m);
          knownMonths.add(m);
        }
        await db.transaction().execute(async (tx) => {
          await parts.readings.insert(tx, cols);
          if (writeLatest) await parts.devices.applyLatest(tx, latestRows, rejectedRows);
          for (const op of ops) {
            if (op.kind === 'hit') {
              const { row, inserted } = await parts.alarms.upsert(tx, op.hit);
              if (!inserted) continue;
              raised.push(row);
              await audit.record(tx, op.hit.at, { id: null, username: BRAIN_ACTOR }, 'alarm.raise', { type: 'alarm', id: row.id }, { device: row.device_id, type: row.type, severity: row.severity, value: row.first_value });
            } else {
              const row = await parts.alarms.clearActive(tx, op.deviceId, op.type, op.at, BRAIN_ACTOR, 'rule_cleared', op.value);
              if (!row) continue;
              cleared.push(row);
              await audit.record(tx, op.at, { id: null, username: BRAIN_ACTOR }, 'alarm.clear', { type: 'alarm', id: row.id }, { device: row.device_id, type: row.type, reason: 'rule_cleared', value: op.value });
            }
          }
        });
        if (writeLatest) {
          for (const r of latestRows) if (dirtyLatest.get(r.id) === r) dirtyLatest.delete(r.id);
          if (rejectedRows === rejectedPending) rejectedPending = new Map();
          lastLatestWrite = performance.now();
        }
        stats.alarmsRaised += raised.length;
        stats.alarmsCleared += cleared.length;
        const now = clock.now();
        for (const a of raised) {
          events.publish(alarmEvent(a, 'raised', now));
          if (a.case_link === 'pending') parts.hooks.onRaised(a);
        }
        for (const a of cleared) {
          events.publish(alarmEvent(a, 'cleared', now));
          parts.hooks.onCleared(a);
        }
        return;
      } catch (err) {
        stats.writeErrors++;
        if (attempt >= 3 || closed) throw err;
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
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
        const bad = isRejection(r) ? r : meta ? deviceCheck(meta, r.values) : { reason: 'unknown_device' as const, message: `no device ${deviceId}` };
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
      lastLatestWrite = -Infinity;
      while (flushing || queue.length || sweepOps.length) {
        kick();
        await flushing;
      }
      if (dirtyLatest.size || rejectedPending.size) {
        const rows = [...dirtyLatest.values()];
        const rejected = rejectedPending;
        dirtyLatest = new Map();
        rejectedPending = new Map();
        await parts.devices.applyLatest(db, rows, rejected);
      }
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
