/**
 * The one way the SPA talks to the API: JSON in and out, bearer token attached, problem+json turned into an
 * ApiError whose `code` is the i18n key the screens translate. A 401 on a signed-in call means the session
 * ended (expired, revoked, or the server restarted with a fresh database): listeners send the user to login.
 */

export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code: string;
  errors?: { path: string; message: string }[];
  [key: string]: unknown;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: ProblemBody | null = null,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

const TOKEN_KEY = 'civicgrid.token';
type SessionListener = (reason: 'expired') => void;
const listeners = new Set<SessionListener>();

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  // sessionStorage: a shared front-desk PC forgets the session when the browser closes.
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function onSessionEnded(fn: SessionListener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];

/** `?a=1&b=x` from an object; empty values are left out so filters can be passed as they are. */
export function queryString(params: Record<string, QueryValue> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Turns any failed response body into an ApiError, also when a proxy answered with HTML. */
export function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && typeof (body as ProblemBody).code === 'string') {
    const p = body as ProblemBody;
    return new ApiError(status, p.code, p.detail ?? p.title ?? '', p);
  }
  return new ApiError(status, status >= 500 ? 'server.error' : 'request.error', typeof body === 'string' ? body.slice(0, 200) : '');
}

interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** public calls (citizen portal) never send the console's token */
  anonymous?: boolean;
  signal?: AbortSignal;
}

async function request<T>(method: string, url: string, opts: RequestOptions = {}): Promise<T> {
  const token = opts.anonymous ? null : getToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(url + queryString(opts.query), { method, headers, body, signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'network.offline', (err as Error).message);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text for the error */
  }
  if (!res.ok) {
    const error = toApiError(res.status, parsed);
    if (res.status === 401 && token) {
      setToken(null);
      for (const fn of listeners) fn('expired');
    }
    throw error;
  }
  return parsed as T;
}

export const api = {
  get: <T>(url: string, query?: Record<string, QueryValue>, opts: Omit<RequestOptions, 'query'> = {}) => request<T>('GET', url, { ...opts, query }),
  post: <T>(url: string, body?: unknown, opts: RequestOptions = {}) => request<T>('POST', url, { ...opts, body }),
  patch: <T>(url: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PATCH', url, { ...opts, body }),
  put: <T>(url: string, body?: unknown, opts: RequestOptions = {}) => request<T>('PUT', url, { ...opts, body }),
  del: <T>(url: string, opts: RequestOptions = {}) => request<T>('DELETE', url, opts),
};

/**
 * A list export (`?format=csv|xlsx`) saved as a file: fetched with the session's bearer header (never a token
 * in the URL), headers in the console's language, then handed to the browser as a download.
 */
export async function download(url: string, query: Record<string, QueryValue>, fileName: string, locale: string): Promise<void> {
  const token = getToken();
  const headers: Record<string, string> = { 'accept-language': locale.startsWith('en') ? 'en' : 'zh-CN' };
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(url + queryString(query), { headers });
  } catch (err) {
    throw new ApiError(0, 'network.offline', (err as Error).message);
  }
  if (!res.ok) {
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    throw toApiError(res.status, parsed);
  }
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // revoke after the click has been handled, or some browsers cancel the download
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** Multipart upload with progress (fetch cannot report upload progress; XHR can). */
export function upload<T>(url: string, form: FormData, onProgress?: (fraction: number) => void, opts: { anonymous?: boolean } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    const token = opts.anonymous ? null : getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'network.offline', 'upload failed'));
    xhr.onload = () => {
      let parsed: unknown = xhr.responseText;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        /* keep text */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
      else reject(toApiError(xhr.status, parsed));
    };
    xhr.send(form);
  });
}

// one definition of a page for the server and the console (type-only: nothing of zod reaches the bundle)
export type { CursorPage, Page } from '../../../shared/paging.ts';
