/**
 * Parsing of Open311 parameters. GeoReport v2 clients send form-encoded bodies and query strings where an
 * empty value means "absent"; these helpers turn them into typed values or an Open311 error.
 */

export class Open311Error extends Error {
  override name = 'Open311Error';
  constructor(
    readonly status: 400 | 403 | 404 | 500,
    description: string,
  ) {
    super(description);
  }
}

export const bad = (description: string) => new Open311Error(400, description);

export type Params = Record<string, string | string[]>;

/**
 * Form body → params. Repeated keys become arrays (multivaluelist attributes arrive as `attribute[x][]=a&
 * attribute[x][]=b`); a trailing `[]` is dropped from the key.
 */
export function parseForm(body: string): Params {
  const out: Params = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const prior = out[key];
    if (prior === undefined) out[key] = rawKey.endsWith('[]') ? [value] : value;
    else out[key] = [prior, value].flat();
  }
  return out;
}

/** Normalises a JSON body or a parsed query into params (numbers and booleans become strings). */
export function toParams(input: unknown): Params {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return {};
  const out: Params = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (typeof v === 'object' && k === 'attribute') {
      // a JSON client may send {"attribute": {"severity": "2"}}
      for (const [ak, av] of Object.entries(v as Record<string, unknown>)) out[`attribute[${ak}]`] = Array.isArray(av) ? av.map(String) : String(av);
    } else out[k] = String(v);
  }
  return out;
}

/** A single string parameter; empty means absent. A repeated single-valued parameter is an error. */
export function one(params: Params, name: string, maxLength = 500): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length > 1) throw bad(`${name} was given more than once`);
    return one({ [name]: v[0] ?? '' }, name, maxLength);
  }
  const s = v.trim();
  if (s === '') return undefined;
  if (s.length > maxLength) throw bad(`${name} is longer than ${maxLength} characters`);
  return s;
}

export function required(params: Params, name: string, maxLength?: number): string {
  const v = one(params, name, maxLength);
  if (v === undefined) throw bad(`${name} is required`);
  return v;
}

export function number(params: Params, name: string, min: number, max: number): number | undefined {
  const v = one(params, name, 40);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw bad(`${name} must be a number between ${min} and ${max}`);
  return n;
}

export function integer(params: Params, name: string, min: number, max: number, fallback: number): number {
  const n = number(params, name, min, max);
  if (n === undefined) return fallback;
  if (!Number.isInteger(n)) throw bad(`${name} must be a whole number`);
  return n;
}

/** `attribute[CODE]` entries. */
export function attributes(params: Params): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(params)) {
    const m = /^attribute\[([A-Za-z0-9_.-]{1,64})\]$/.exec(k);
    if (m) out[m[1]!] = v;
    else if (k.startsWith('attribute')) throw bad(`${k} is not a valid attribute parameter; use attribute[CODE]`);
  }
  return out;
}

const HOUR = 3_600_000;

/**
 * ISO 8601 instant. A value without a zone (`2026-11-23` or `2026-11-23T09:00`) is read in the city's time zone,
 * as a citizen-facing client would mean it.
 */
export function dateParam(params: Params, name: string, offset: string): Date | undefined {
  const v = one(params, name, 40);
  if (v === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/.exec(v);
  if (!m) throw bad(`${name} must be an ISO 8601 date, e.g. 2026-11-23T09:00:00+08:00`);
  const zone = m[3] ? (m[3] === 'Z' ? 'Z' : m[3].includes(':') ? m[3] : `${m[3].slice(0, 3)}:${m[3].slice(3)}`) : offset;
  const at = new Date(`${m[1]}T${m[2] ?? '00:00:00'}${m[2] && m[2].length === 5 ? ':00' : ''}${zone}`);
  if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 4) !== m[1]!.slice(0, 4)) throw bad(`${name} is not a valid date`);
  return at;
}

export const MAX_WINDOW_DAYS = 90;

/**
 * The requested_datetime window of `GET requests`: both ends given → at most 90 days apart; one end → 90 days
 * from it; none → the last 90 days (GeoReport v2 defaults).
 */
export function dateWindow(params: Params, now: Date, offset: string): { from: Date; to: Date } {
  const start = dateParam(params, 'start_date', offset);
  const end = dateParam(params, 'end_date', offset);
  const span = MAX_WINDOW_DAYS * 24 * HOUR;
  const from = start ?? new Date((end ?? now).getTime() - span);
  const to = end ?? (start ? new Date(start.getTime() + span) : now);
  if (to.getTime() < from.getTime()) throw bad('start_date must be before end_date');
  if (to.getTime() - from.getTime() > span) throw bad(`start_date and end_date may not span more than ${MAX_WINDOW_DAYS} days`);
  return { from, to };
}

/** An instant as ISO 8601 in the city's offset: `2026-11-23T09:00:00+08:00`. */
export function formatInstant(at: Date, offsetMinutes: number): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** An http(s) URL, as media_url must be fetchable by the city's staff. */
export function urlParam(params: Params, name: string): string | undefined {
  const v = one(params, name, 2000);
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw bad(`${name} must be an absolute http(s) URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw bad(`${name} must be an absolute http(s) URL`);
  return u.toString();
}
