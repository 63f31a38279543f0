import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOf, permissionTable, type Permission } from '../../src/server/access/permissions.ts';
import { demoAccounts } from '../../src/server/seed/demo.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { apiOperations, expectErrorShape, fillPath, type Operation } from './api-operations.ts';
import { intake, loginAll, pointIn } from './cases-support.ts';

// Every demo role × every operation of the OpenAPI document (checked against app.routeList), judged by the
// permission table: nobody gets in without a token, a refusal names a permission the table really withholds,
// nothing answers 5xx. Then the data scope of a district dispatcher and a grid worker on every list, lookup,
// search and duplicate endpoint.
let t: TestApp;
let ops: Operation[];
const tokens = new Map<string, string>();
let westCode: string;
let westGrid: string;
let westText: string;
let samples: Record<string, string>;

// signing out would end the session the rest of the matrix uses; it has its own tests (auth.test.ts)
const skipped = new Set(['POST /api/v1/auth/logout']);

beforeAll(async () => {
  t = await createTestApp();
  ops = (await apiOperations(t)).filter((o) => !skipped.has(`${o.method} ${o.path}`));
  for (const a of demoAccounts) tokens.set(a.username, await t.login(a.username));
  const tok = await loginAll(t);
  const west = await pointIn(t, '990105');
  westGrid = west.grid;
  westText = '西湖区湖滨路口井盖松动，车辆经过哐哐响';
  westCode = (await intake(t, tok.clerk, { text: westText, category: '0502', ...west })).code;
  samples = { code: westCode, caseCode: westCode, gridCode: westGrid, grid: westGrid, areaCode: '990105', id: '00000000-0000-0000-0000-000000000000', file: `${westCode}.json` };
}, 120_000);
afterAll(() => t.close());

const send = (op: Operation, token?: string, path = fillPath(op, samples)) =>
  t.call(op.method, path, { ...(token ? { token } : {}), ...(op.method !== 'GET' && op.method !== 'DELETE' ? { body: {} } : {}) });

describe('access matrix', () => {
  it('without a token: every non-public operation is refused (401, or 400 when the request shape is checked first)', async () => {
    let refused = 0;
    for (const op of ops) {
      const res = await send(op);
      const what = `${op.method} ${op.path} (no token)`;
      expectErrorShape(op, res, what);
      if (op.public) continue;
      expect(res.statusCode, `${what}: ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      if (res.statusCode === 401) refused++;
      else expect([400, 404, 415], `${what}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
    }
    expect(refused).toBeGreaterThan(ops.filter((o) => !o.public).length / 2);
  }, 120_000);

  it('every demo role × every operation: never 5xx, never 401 with a live token, and a 403 only for a permission the table withholds', async () => {
    const refusedFor = new Set<Permission>();
    for (const account of demoAccounts) {
      const held = permissionsOf(account.roles);
      // a live feed never ends; opening one with a ticket is tested in hardening.test.ts
      for (const op of ops.filter((o) => !o.path.endsWith('/stream'))) {
        const res = await send(op, tokens.get(account.username));
        const what = `${op.method} ${op.path} as ${account.username}`;
        expectErrorShape(op, res, what);
        if (!op.otherCredential) expect(res.statusCode, what).not.toBe(401);
        if (res.statusCode === 403 && res.json().code === 'auth.forbidden') {
          const p = res.json().permission as Permission;
          expect(Object.keys(permissionTable), what).toContain(p);
          expect(held.has(p), `${what} refused ${p}, which the table grants`).toBe(false);
          refusedFor.add(p);
        }
      }
    }
    // the matrix reaches the refusal of every read permission some demo role lacks
    const readable = (Object.keys(permissionTable) as Permission[]).filter((p) => p.endsWith('.read') && demoAccounts.some((a) => !permissionsOf(a.roles).has(p)));
    expect(readable.filter((p) => !refusedFor.has(p))).toEqual([]);
  }, 300_000);

  it('dispatcher.east and the grid worker see nothing of another district on any list, lookup, search or duplicate endpoint', async () => {
    const scoped = ['dispatcher.east', 'gridworker'];
    const gets = ops.filter((o) => o.method === 'GET' && o.path.startsWith('/api/v1/') && !o.path.startsWith('/api/v1/public/') && !o.path.endsWith('/stream'));
    let looked = 0;
    for (const username of scoped) {
      for (const op of gets) {
        // searches get the other district's text and place; lookups get its case, grid and district
        const q = new URLSearchParams();
        for (const name of Object.keys(op.query)) {
          if (['q', 'text', 'search'].includes(name)) q.set(name, westText.slice(0, 6));
          if (name === 'grid' || name === 'gridCode') q.set(name, westGrid);
        }
        if ('lon' in op.query && 'lat' in op.query) {
          const p = await pointIn(t, '990105');
          q.set('lon', String(p.lon));
          q.set('lat', String(p.lat));
          if ('text' in op.query) q.set('text', westText);
        }
        const url = `${fillPath(op, samples)}${q.size ? `?${q}` : ''}`;
        const res = await t.call('GET', url, { token: tokens.get(username) });
        const what = `GET ${url} as ${username}`;
        expectErrorShape(op, res, what);
        if (res.statusCode !== 200) continue;
        looked++;
        expect(res.body, `${what} shows the other district's case`).not.toContain(westCode);
        if (op.pathParams.length) expect(op.pathParams.some((p) => samples[p] === westCode || samples[p] === westGrid), `${what} opened another district's record`).toBe(false);
      }
    }
    expect(looked).toBeGreaterThan(10);
    // the city dispatcher, by contrast, finds it (so the probe above could have failed)
    expect((await t.call('GET', `/api/v1/cases/${westCode}`, { token: tokens.get('dispatcher') })).statusCode).toBe(200);
    const dup = await t.call('GET', `/api/v1/cases/duplicates?text=${encodeURIComponent(westText)}&lon=${(await pointIn(t, '990105')).lon}&lat=${(await pointIn(t, '990105')).lat}`, { token: tokens.get('dispatcher') });
    expect(dup.body).toContain(westCode);
  }, 300_000);
});
