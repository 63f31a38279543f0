/**
 * 预警规则引擎: evaluates alarm rules per reading, in memory, with no clock and no database. The pipeline feeds
 * it readings and the sweeper feeds it "now"; it answers raise / repeat / clear, and the pipeline turns those
 * into alarm upserts. Leaves are three-valued (true = alarm side, false = normal side, null = unknown or inside
 * a hysteresis band), and a leaf keeps its last known value, so a reading carrying only one metric still
 * combines with the last value of the others.
 */

export type Severity = 'warning' | 'minor' | 'major' | 'critical';
export const severities: readonly Severity[] = ['warning', 'minor', 'major', 'critical'];

export type Condition =
  /** raise when `value op threshold`; clear only once back past `clearValue` (hysteresis; default: threshold) */
  | { kind: 'threshold'; metric: string; op: '>' | '>=' | '<' | '<='; value: number; clearValue?: number }
  /** change per minute between consecutive readings of the metric */
  | { kind: 'rate'; metric: string; perMinute: number; direction: 'up' | 'down' | 'any' }
  /** no reading at all for N minutes (evaluated by the sweeper) */
  | { kind: 'nodata'; minutes: number }
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] };

/** Active window in city-local time; `from` > `to` wraps midnight (22:00–06:00). days: 1 = Monday … 7 = Sunday. */
export interface Schedule {
  days?: number[];
  from: string;
  to: string;
}

export interface NewRule {
  name: string;
  deviceType?: string | null;
  deviceId?: string | null;
  alarmType: string;
  severity: Severity;
  condition: Condition;
  /** the condition must hold this long before the alarm is raised ("above X for 10 minutes") */
  durationS?: number;
  schedule?: Schedule | null;
  caseCategory?: string | null;
  escalateAfterMin?: number | null;
  enabled?: boolean;
}

export interface Rule extends Required<Omit<NewRule, 'deviceType' | 'deviceId' | 'schedule' | 'caseCategory' | 'escalateAfterMin'>> {
  id: string;
  deviceType: string | null;
  deviceId: string | null;
  schedule: Schedule | null;
  caseCategory: string | null;
  escalateAfterMin: number | null;
}

export interface DeviceRef {
  id: string;
  type: string;
}

export type OutcomeKind = 'raise' | 'repeat' | 'clear';

export interface Outcome {
  rule: Rule;
  deviceId: string;
  kind: OutcomeKind;
  ts: number;
  metric: string | null;
  value: number | null;
}

type Tri = boolean | null;

interface RuleState {
  leaves: Tri[];
  /** when the condition last became true (for durations) */
  since: number | null;
  raised: boolean;
  /** the metric and value that last drove the condition, reported on the alarm */
  metric: string | null;
  value: number | null;
}

interface DeviceMemory {
  lastTs: number;
  /** per metric, the reading rates are measured from: moved on only once RATE_WINDOW_MS have passed */
  prev: Map<string, { ts: number; value: number }>;
}

/**
 * The shortest span a rate of change is measured over. Between readings milliseconds apart (a device that sends
 * fast, or a backlog delivered at once) sensor noise divided by a tiny span looks like a steep ramp: at 60,000
 * readings/s bench:ingest saw 4,300 tilt-rate alarms raised and cleared again in ten seconds.
 */
export const RATE_WINDOW_MS = 30_000;

function leavesOf(c: Condition, out: Condition[] = []): Condition[] {
  if (c.kind === 'all' || c.kind === 'any') for (const s of c.conditions) leavesOf(s, out);
  else out.push(c);
  return out;
}

const compare = (v: number, op: '>' | '>=' | '<' | '<=', x: number) => (op === '>' ? v > x : op === '>=' ? v >= x : op === '<' ? v < x : v <= x);

/** What a decision reports: the rule's state at that reading (built only when there is something to report). */
function outcome(rule: Rule, s: RuleState, deviceId: string, ts: number, kind: OutcomeKind): Outcome {
  return { rule, deviceId, kind, ts, metric: s.metric, value: s.value };
}

/** Kleene AND/OR over the leaf values, walking the tree in the same order leavesOf flattened it. */
function combine(c: Condition, leaves: Tri[], cursor: { i: number }): Tri {
  if (c.kind !== 'all' && c.kind !== 'any') return leaves[cursor.i++] ?? null;
  const parts = c.conditions.map((s) => combine(s, leaves, cursor));
  if (c.kind === 'all') return parts.some((p) => p === false) ? false : parts.every((p) => p === true) ? true : null;
  return parts.some((p) => p === true) ? true : parts.every((p) => p === false) ? false : null;
}

/** Minutes since local midnight and ISO weekday of an instant, in a fixed UTC offset (China has no DST). */
function localClock(ts: number, offsetMin: number): { minute: number; day: number } {
  const d = new Date(ts + offsetMin * 60_000);
  return { minute: d.getUTCHours() * 60 + d.getUTCMinutes(), day: d.getUTCDay() === 0 ? 7 : d.getUTCDay() };
}

const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));

export function inSchedule(schedule: Schedule | null, ts: number, offsetMin: number): boolean {
  if (!schedule) return true;
  const { minute, day } = localClock(ts, offsetMin);
  const from = hm(schedule.from);
  const to = hm(schedule.to);
  const wraps = from > to;
  const inside = wraps ? minute >= from || minute < to : minute >= from && minute < to;
  // A window that wraps midnight belongs to the day it started on.
  const startDay = wraps && minute < to ? (day === 1 ? 7 : day - 1) : day;
  return inside && (!schedule.days?.length || schedule.days.includes(startDay));
}

export class RuleEngine {
  private byType = new Map<string, Rule[]>();
  private byDevice = new Map<string, Rule[]>();
  private leafCache = new Map<string, Condition[]>();
  private states = new Map<string, RuleState>();
  private devices = new Map<string, DeviceMemory>();

  constructor(private readonly offsetMin = 480) {}

  /** Replaces the rule set; state of rules that still exist is kept, so editing one rule does not reset all. */
  setRules(rules: readonly Rule[]): void {
    this.byType.clear();
    this.byDevice.clear();
    this.leafCache.clear();
    for (const r of rules) {
      if (!r.enabled) continue;
      const map = r.deviceId ? this.byDevice : this.byType;
      const key = (r.deviceId ?? r.deviceType)!;
      map.set(key, [...(map.get(key) ?? []), r]);
      this.leafCache.set(r.id, leavesOf(r.condition));
    }
    const live = new Set(rules.map((r) => r.id));
    for (const key of this.states.keys()) if (!live.has(key.slice(0, key.indexOf('|')))) this.states.delete(key);
  }

  /** A device's own rules, plus its type's rules for alarm types the device does not override. */
  rulesFor(device: DeviceRef): Rule[] {
    const own = this.byDevice.get(device.id) ?? [];
    const typeRules = this.byType.get(device.type) ?? [];
    if (!own.length) return typeRules;
    const overridden = new Set(own.map((r) => r.alarmType));
    return [...own, ...typeRules.filter((r) => !overridden.has(r.alarmType))];
  }

  private state(rule: Rule, deviceId: string): RuleState {
    const key = `${rule.id}|${deviceId}`;
    let s = this.states.get(key);
    if (!s) {
      s = { leaves: this.leafCache.get(rule.id)!.map(() => null), since: null, raised: false, metric: null, value: null };
      this.states.set(key, s);
    }
    return s;
  }

  /** Marks an alarm as already raised (after a restart, from the alarms table), so hysteresis continues. */
  markRaised(device: DeviceRef, alarmType: string): void {
    for (const r of this.rulesFor(device)) if (r.alarmType === alarmType) this.state(r, device.id).raised = true;
  }

  /** Forgets that an alarm is up (an operator cleared it by hand): the next alarm-side reading raises anew. */
  reset(device: DeviceRef, alarmType: string): void {
    for (const r of this.rulesFor(device)) {
      if (r.alarmType !== alarmType) continue;
      const s = this.state(r, device.id);
      s.raised = false;
      s.since = null;
    }
  }

  private decide(rule: Rule, s: RuleState, deviceId: string, ts: number, result: Tri): Outcome | null {
    if (result === true) {
      s.since ??= ts;
      if (s.raised) return outcome(rule, s, deviceId, ts, 'repeat');
      if (ts - s.since >= rule.durationS * 1000) {
        s.raised = true;
        return outcome(rule, s, deviceId, ts, 'raise');
      }
      return null;
    }
    if (result === false) {
      s.since = null;
      if (s.raised) {
        s.raised = false;
        return outcome(rule, s, deviceId, ts, 'clear');
      }
    }
    return null;
  }

  /**
   * One reading of one device. Readings older than the last one evaluated for the device are stored by the
   * caller but not evaluated: out-of-order data would fake rates and reopen cleared alarms.
   */
  onReading(device: DeviceRef, ts: number, values: Record<string, number>): Outcome[] {
    let mem = this.devices.get(device.id);
    if (!mem) this.devices.set(device.id, (mem = { lastTs: -Infinity, prev: new Map() }));
    if (ts < mem.lastTs) return [];
    const outcomes: Outcome[] = [];
    for (const rule of this.rulesFor(device)) {
      const s = this.state(rule, device.id);
      const leaves = this.leafCache.get(rule.id)!;
      for (let i = 0; i < leaves.length; i++) {
        const leaf = leaves[i]!;
        if (leaf.kind === 'nodata') {
          s.leaves[i] = false;
          continue;
        }
        if (leaf.kind !== 'threshold' && leaf.kind !== 'rate') continue;
        const v = values[leaf.metric];
        if (v === undefined) continue;
        let next: Tri = null;
        if (leaf.kind === 'threshold') {
          if (compare(v, leaf.op, leaf.value)) next = true;
          else if (!compare(v, leaf.op, leaf.clearValue ?? leaf.value)) next = false;
        } else {
          const prev = mem.prev.get(leaf.metric);
          if (prev && ts - prev.ts >= RATE_WINDOW_MS) {
            const rate = (v - prev.value) / ((ts - prev.ts) / 60_000);
            next = leaf.direction === 'up' ? rate > leaf.perMinute : leaf.direction === 'down' ? rate < -leaf.perMinute : Math.abs(rate) > leaf.perMinute;
          }
        }
        if (next !== null) s.leaves[i] = next;
        s.metric = leaf.metric;
        s.value = v;
      }
      const result = inSchedule(rule.schedule, ts, this.offsetMin) ? combine(rule.condition, s.leaves, { i: 0 }) : false;
      const o = this.decide(rule, s, device.id, ts, result);
      if (o) outcomes.push(o);
    }
    mem.lastTs = ts;
    for (const metric in values) {
      const prev = mem.prev.get(metric);
      if (!prev) mem.prev.set(metric, { ts, value: values[metric]! });
      else if (ts - prev.ts >= RATE_WINDOW_MS) {
        prev.ts = ts;
        prev.value = values[metric]!;
      }
    }
    return outcomes;
  }

  /**
   * The sweeper's tick: no-data leaves for silent devices, and conditions that have now held for their duration
   * without a new reading arriving to notice it.
   */
  sweep(now: number, devices: Iterable<DeviceRef & { lastSeen: number }>): Outcome[] {
    const outcomes: Outcome[] = [];
    for (const device of devices) {
      for (const rule of this.rulesFor(device)) {
        const leaves = this.leafCache.get(rule.id)!;
        const hasNoData = leaves.some((l) => l.kind === 'nodata');
        const known = this.states.get(`${rule.id}|${device.id}`);
        if (!hasNoData && (known?.since == null || known.raised)) continue;
        const s = this.state(rule, device.id);
        leaves.forEach((leaf, i) => {
          if (leaf.kind === 'nodata') s.leaves[i] = now - device.lastSeen >= leaf.minutes * 60_000;
        });
        if (hasNoData) {
          s.metric = null;
          s.value = null;
        }
        const result = inSchedule(rule.schedule, now, this.offsetMin) ? combine(rule.condition, s.leaves, { i: 0 }) : false;
        // A repeat from the sweeper would only inflate the count: repeats come from readings.
        const o = this.decide(rule, s, device.id, now, result);
        if (o && o.kind !== 'repeat') outcomes.push(o);
      }
    }
    return outcomes;
  }
}
