import type { AlarmHit } from '../alarms/store.ts';
import type { DeviceMeta } from '../devices/store.ts';
import type { MetricLookup } from '../devices/type-catalog.ts';
import type { Outcome, RuleEngine } from '../rules/engine.ts';
import { monthBoundsOf, type ReadingColumns } from './store.ts';
import { checkRanges, type Rejection } from './validate.ts';

/** A reading waiting in the queue. */
export interface Pending {
  deviceId: string;
  /** set when the device was known (and ranges checked) on arrival; else resolved at flush */
  device: DeviceMeta | null;
  ts: number;
  values: Record<string, number>;
  /** the broker message it came in (JetStream): acked once its batch is committed, redelivered if not */
  source?: Source;
}

/** A reading's message in a durable stream. */
export interface Source {
  stream: string;
  seq: number;
  /** true: the batch holding it is committed (ack); false: it was not written (redeliver) */
  settle(written: boolean): void;
}

/** What the write does to the alarms table for one rule outcome (or a folded run of them). */
export type AlarmOp = { kind: 'hit'; hit: AlarmHit } | { kind: 'clear'; deviceId: string; type: string; at: Date; value: number | null };

/** One batch made ready for its transaction: the readings as columns, months first seen, alarm operations. */
export interface EvaluatedBatch {
  cols: ReadingColumns;
  /** months with no partition known yet */
  months: Set<string>;
  ops: AlarmOp[];
  accepted: number;
  /** stream sequences of the batch's broker messages, by stream (recorded in the same transaction) */
  seen: Map<string, number[]>;
}

export interface EvaluateContext {
  engine: RuleEngine;
  /** the device types' metric ranges (this node's catalog of the device_types table) */
  metricSpec: MetricLookup;
  meta(deviceId: string): DeviceMeta | undefined;
  knownMonth(month: string): boolean;
  reject(deviceId: string, r: Rejection): void;
  /** a reading goes in: the device's latest state follows it */
  accepted(meta: DeviceMeta, p: Pending): void;
}

/** Range and state checks that need the device; null when the reading may go in. */
export function deviceCheck(metricSpec: MetricLookup, meta: DeviceMeta, values: Record<string, number>): Rejection | null {
  if (!meta.enabled) return { reason: 'device_disabled', message: `device ${meta.id} is disabled` };
  return checkRanges(metricSpec, meta.type, values);
}

/**
 * 规则评估: checks each queued reading against its device (when it was unknown on arrival), lays the accepted
 * ones out as columns and runs the rules on them in arrival order; the sweeper's outcomes (no data, …) come
 * after the batch's own. Nothing here touches the database, so the write gets exactly what the rules said.
 */
export function evaluateBatch(batch: Pending[], swept: Outcome[], ctx: EvaluateContext): EvaluatedBatch {
  const cols: ReadingColumns = { device: [], metric: [], ts: [], value: [] };
  const months = new Set<string>();
  const ops: AlarmOp[] = [];
  const lastHit = new Map<string, AlarmHit>();
  const seen = new Map<string, number[]>();
  let accepted = 0;
  let monthFrom = Infinity;
  let monthTo = -Infinity;
  for (const p of batch) {
    if (p.source) {
      const list = seen.get(p.source.stream);
      if (list) list.push(p.source.seq);
      else seen.set(p.source.stream, [p.source.seq]);
    }
    const meta = p.device ?? ctx.meta(p.deviceId);
    if (!meta) {
      ctx.reject(p.deviceId, { reason: 'unknown_device', message: `no device ${p.deviceId}` });
      continue;
    }
    if (!p.device) {
      const bad = deviceCheck(ctx.metricSpec, meta, p.values);
      if (bad) {
        ctx.reject(p.deviceId, bad);
        continue;
      }
    }
    accepted++;
    for (const metric in p.values) {
      cols.device.push(meta.id);
      cols.metric.push(metric);
      cols.ts.push(p.ts);
      cols.value.push(p.values[metric]!);
    }
    // the month's bounds are kept: readings of a batch nearly always share one month
    if (p.ts < monthFrom || p.ts >= monthTo) {
      const b = monthBoundsOf(p.ts);
      monthFrom = b.from;
      monthTo = b.to;
      if (!ctx.knownMonth(b.month)) months.add(b.month);
    }
    ctx.accepted(meta, p);
    addOutcomes(ops, lastHit, ctx.engine.onReading(meta, p.ts, p.values), meta);
  }
  for (const o of swept) {
    const meta = ctx.meta(o.deviceId);
    if (meta) addOutcomes(ops, lastHit, [o], meta);
  }
  return { cols, months, ops, accepted, seen };
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
