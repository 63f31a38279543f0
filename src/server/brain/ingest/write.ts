import type { Deps } from '../../context.ts';
import type { AlarmRow, AlarmStore } from '../alarms/store.ts';
import type { DeviceMeta, DeviceStore, LatestUpdate } from '../devices/store.ts';
import { alarmEvent, type BrainEvents } from '../events.ts';
import type { AlarmOp, EvaluatedBatch, Pending } from './evaluate.ts';
import type { SeenStore } from './seen-store.ts';
import type { ReadingStore } from './store.ts';

export interface PipelineHooks {
  /** after commit: a new alarm that wants a case */
  onRaised(alarm: AlarmRow): void;
  /** after commit: an alarm cleared by its rule */
  onCleared(alarm: AlarmRow): void;
}

/** The counters the write keeps (the rest of PipelineStats belongs to the queue). */
export interface WriteStats {
  writeErrors: number;
  alarmsRaised: number;
  alarmsCleared: number;
}

const BRAIN_ACTOR = 'brain';

/**
 * 写入: one transaction per batch — one multi-row insert of readings, the devices' latest state (at most every
 * `latestWriteMs`), the alarm upserts and clears with their audit entries — retried a few times, then the
 * alarm events and case hooks after commit.
 */
export function createBatchWriter(
  deps: Deps,
  parts: { devices: DeviceStore; readings: ReadingStore; alarms: AlarmStore; events: BrainEvents; hooks: PipelineHooks; seen?: SeenStore },
  stats: WriteStats,
  opts: { latestWriteMs: number; closed: () => boolean },
) {
  const { db, clock, audit } = deps;
  const knownMonths = new Set<string>();
  let dirtyLatest = new Map<string, LatestUpdate>();
  let rejectedPending = new Map<string, number>();
  let lastLatestWrite = 0;

  function noteLatest(meta: DeviceMeta, p: Pending) {
    const d = dirtyLatest.get(meta.id);
    if (!d) dirtyLatest.set(meta.id, { id: meta.id, ts: new Date(p.ts), values: { ...p.values }, accepted: 1 });
    else {
      d.accepted++;
      if (p.ts >= d.ts.getTime()) {
        // in place: nothing else holds the row until the write that takes it (one batch at a time)
        d.ts.setTime(p.ts);
        Object.assign(d.values, p.values);
      }
    }
  }

  async function applyOps(tx: typeof db, ops: AlarmOp[], raised: AlarmRow[], cleared: AlarmRow[]) {
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
  }

  function published(raised: AlarmRow[], cleared: AlarmRow[]) {
    stats.alarmsRaised += raised.length;
    stats.alarmsCleared += cleared.length;
    const now = clock.now();
    for (const a of raised) {
      parts.events.publish(alarmEvent(a, 'raised', now));
      if (a.case_link === 'pending') parts.hooks.onRaised(a);
    }
    for (const a of cleared) {
      parts.events.publish(alarmEvent(a, 'cleared', now));
      parts.hooks.onCleared(a);
    }
  }

  return {
    knownMonths,
    noteLatest,
    noteRejected(deviceId: string) {
      rejectedPending.set(deviceId, (rejectedPending.get(deviceId) ?? 0) + 1);
    },

    /** One transaction per batch, retried a few times: a database blip must not lose what devices sent. */
    async write({ cols, months, ops, seen }: EvaluatedBatch) {
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
            await applyOps(tx, ops, raised, cleared);
            // in the same transaction: a message redelivered after this commit is known to be written
            if (parts.seen) for (const [stream, seqs] of seen) await parts.seen.record(tx, stream, seqs);
          });
          if (writeLatest) {
            for (const r of latestRows) if (dirtyLatest.get(r.id) === r) dirtyLatest.delete(r.id);
            if (rejectedRows === rejectedPending) rejectedPending = new Map();
            lastLatestWrite = performance.now();
          }
          published(raised, cleared);
          return;
        } catch (err) {
          stats.writeErrors++;
          if (attempt >= 3 || opts.closed()) throw err;
          await new Promise((r) => setTimeout(r, 200 * attempt));
        }
      }
    },

    /** The next batch writes the latest state whatever the interval (an explicit flush). */
    latestDue() {
      lastLatestWrite = -Infinity;
    },

    /** Writes the latest state still held after the last batch (flush with nothing queued). */
    async writeLatestNow() {
      if (!dirtyLatest.size && !rejectedPending.size) return;
      const rows = [...dirtyLatest.values()];
      const rejected = rejectedPending;
      dirtyLatest = new Map();
      rejectedPending = new Map();
      await parts.devices.applyLatest(db, rows, rejected);
    },
  };
}
