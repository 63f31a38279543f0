import type { MetricLookup } from '../devices/type-catalog.ts';

/** Why a reading was refused; the keys of the rejection counters in /api/v1/brain/stats. */
export type RejectReason =
  | 'malformed'
  | 'bad_value'
  | 'unknown_metric'
  | 'out_of_range'
  | 'bad_timestamp'
  | 'unknown_device'
  | 'device_disabled'
  | 'overloaded';

export interface Rejection {
  reason: RejectReason;
  message: string;
}

/** A reading that passed the shape check; the range check needs the device type and comes after. */
export interface RawReading {
  ts: number | null;
  values: Record<string, number>;
}

const metricName = /^[a-z][a-z0-9_]{0,31}$/;

/** How far a device clock may run ahead, and how old a reading may be, before we call its timestamp wrong. */
export const MAX_FUTURE_MS = 5 * 60_000;
export const MAX_AGE_MS = 30 * 86_400_000;

const reject = (reason: RejectReason, message: string): Rejection => ({ reason, message });

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Shape check of one reading object (already parsed JSON), the telemetry contract of PRODUCT.md, `{ts?, values:{name:number}}`, checked by hand: it
 * runs for every reading, and zod's generality costs more than the rest of the hot path. Never throws: bad
 * input is data, not an error.
 */
export function checkShape(input: unknown, now: number): RawReading | Rejection {
  const shape = reject('malformed', 'expected {"ts"?: ISO 8601 | epoch ms, "values": {"name": number}}');
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return shape;
  const { ts: rawTs, values: rawValues } = input as { ts?: unknown; values?: unknown };
  if (typeof rawValues !== 'object' || rawValues === null || Array.isArray(rawValues)) return shape;
  const values: Record<string, number> = {};
  let count = 0;
  for (const name in rawValues) {
    if (!Object.hasOwn(rawValues, name)) continue;
    if (++count > 32) return reject('malformed', 'values must hold 1 to 32 metrics');
    if (!metricName.test(name)) return reject('malformed', `metric name "${name.slice(0, 40)}" must match ${metricName.source}`);
    const v = (rawValues as Record<string, unknown>)[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) return reject('bad_value', `metric ${name} must be a finite number`);
    values[name] = v;
  }
  if (count === 0) return reject('malformed', 'values must hold 1 to 32 metrics');
  let ts: number | null = null;
  if (rawTs !== undefined) {
    if (typeof rawTs === 'number' && Number.isInteger(rawTs) && rawTs > 0) ts = rawTs;
    else if (typeof rawTs === 'string' && isoDateTime.test(rawTs)) ts = Date.parse(rawTs);
    else return shape;
    if (!Number.isFinite(ts) || ts > now + MAX_FUTURE_MS || ts < now - MAX_AGE_MS) {
      return reject('bad_timestamp', 'ts is more than 5 minutes ahead or more than 30 days old');
    }
  }
  return { ts, values };
}

/** Parses an MQTT payload (bytes) and checks its shape. */
export function parsePayload(payload: Buffer | string, now: number): RawReading | Rejection {
  if (payload.length === 0 || payload.length > 16_384) return reject('malformed', 'payload must be 1 byte to 16 KiB of JSON');
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return reject('malformed', 'payload is not JSON');
  }
  return checkShape(json, now);
}

/** The range check: every metric must be known for the device type and physically possible. */
export function checkRanges(metricSpec: MetricLookup, type: string, values: Record<string, number>): Rejection | null {
  for (const name in values) {
    const v = values[name]!;
    const spec = metricSpec(type, name);
    if (!spec) return reject('unknown_metric', `a ${type} device does not report ${name}`);
    if (v < spec.min || v > spec.max) return reject('out_of_range', `${name} = ${v} is outside ${spec.min}..${spec.max} ${spec.unit}`);
  }
  return null;
}

export const isRejection = (r: RawReading | Rejection): r is Rejection => 'reason' in r;
