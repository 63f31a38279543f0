import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('ops endpoints and the API description', () => {
  it('answers health and readiness without a token', async () => {
    expect((await t.call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.call('GET', '/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', ready: true, warming: [], database: t.database.kind });
  });

  it('the OpenAPI document lists every route the server has', async () => {
    const doc = (await t.call('GET', '/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    // Every API route registered on the server, in OpenAPI's {param} notation.
    const registered = collectRoutes(t);
    expect(registered.length).toBeGreaterThan(10);
    const missing = registered.filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    expect(documented.has('POST /api/v1/auth/login')).toBe(true);
    expect((await t.call('GET', '/api/docs/')).statusCode).toBe(200);
  });
});

/** Routes under /api/, /open311/ and the probes, as "METHOD /path/{param}". */
function collectRoutes(app: TestApp): string[] {
  return (app.app as unknown as { routeList: { method: string; url: string }[] }).routeList
    .filter((r) => /^\/(api\/v1|open311|healthz|readyz)/.test(r.url) && r.method !== 'HEAD')
    .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
}
