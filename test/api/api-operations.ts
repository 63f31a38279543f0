import { expect } from 'vitest';
import type { TestApp } from '../support/harness.ts';

/** JSON Schema as the OpenAPI document carries it (only what the generators read). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
}

export interface Operation {
  method: string;
  /** OpenAPI notation: /api/v1/cases/{code} */
  path: string;
  /** whether the document marks it public (`security: []`) */
  public: boolean;
  /** it names only credentials other than a staff bearer token (a data hall key, a resident session) */
  otherCredential: boolean;
  pathParams: string[];
  query: Record<string, JsonSchema>;
  body: JsonSchema | null;
  /** Open311 wire routes answer errors as [{code, description}] */
  open311: boolean;
}

/**
 * Every API operation, from the OpenAPI document of the test app, checked against the routes the server
 * really registered (app.routeList), so a route missing from the document cannot escape the suites.
 */
export async function apiOperations(t: TestApp): Promise<Operation[]> {
  const doc = (await t.call('GET', '/api/openapi.json')).json() as {
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: { in: string; name: string; schema?: JsonSchema }[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!/^\/(api\/v1|open311|healthz|readyz)/.test(path)) continue;
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        path,
        public: Array.isArray(op.security) && op.security.length === 0,
        // a staff bearer token is no credential for an operation that names only other schemes
        otherCredential: Array.isArray(op.security) && op.security.length > 0 && !op.security.some((s) => Object.hasOwn(s as object, 'bearer')),
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        query: Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, p.schema ?? {}])),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
        open311: path.startsWith('/open311/'),
      });
    }
  }
  const registered = (t.app as unknown as { routeList: { method: string; url: string }[] }).routeList
    .filter((r) => /^\/(api\/v1|open311|healthz|readyz)/.test(r.url) && r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
  const documented = new Set(ops.map((o) => `${o.method} ${o.path}`));
  expect(registered.filter((r) => !documented.has(r))).toEqual([]);
  return ops;
}

/** Fills the path parameters of an operation (`{code}` → values[code] ?? fallback). */
export const fillPath = (op: Operation, values: Record<string, string>, fallback = 'x') =>
  op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? fallback));

/** What every error must look like: problem+json, or Open311's [{code, description}] on its wire routes. */
export function expectErrorShape(op: Operation, res: { statusCode: number; headers: Record<string, unknown>; body: string }, what: string) {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  const type = String(res.headers['content-type'] ?? '');
  if (op.open311 && !type.includes('problem+json')) {
    if (type.includes('xml')) {
      expect(res.body, what).toMatch(/<errors><error><code>\d{3}<\/code><description>/);
      return;
    }
    const body = JSON.parse(res.body) as { code: number; description: string }[];
    expect(body, what).toEqual([{ code: res.statusCode, description: expect.any(String) }]);
    return;
  }
  expect(op.open311 ? 'problem+json on an Open311 wire route' : type, what).toContain('application/problem+json');
  const p = JSON.parse(res.body) as Record<string, unknown>;
  expect(p, what).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.statusCode, detail: expect.any(String), code: expect.any(String) });
}
