import { toApiError, queryString, type QueryValue } from '../api/client.ts';
import type { ResidentSession } from '../../../shared/participation.ts';

/**
 * The residents' side of participation: public calls plus the resident session (X-Resident-Token), which is
 * independent of the staff sign-in. Kept in localStorage so a resident on a phone stays verified.
 */
const KEY = 'civicgrid.resident';
export const P = '/api/v1/public/participation';

export function residentSession(): ResidentSession | null {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) ?? 'null') as ResidentSession | null;
    return s && new Date(s.expiresAt) > new Date() ? s : null;
  } catch {
    return null;
  }
}
export function setResidentSession(s: ResidentSession | null) {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

export async function pcall<T>(method: string, url: string, opts: { body?: unknown; query?: Record<string, QueryValue> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const s = residentSession();
  if (s) headers['x-resident-token'] = s.token;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + queryString(opts.query), { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    if (res.status === 401 && s) setResidentSession(null);
    throw toApiError(res.status, parsed);
  }
  return parsed as T;
}
