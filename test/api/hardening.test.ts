import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/server/services.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { createDeps } from '../../src/server/context.ts';
import { createLogger } from '../../src/server/logger.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { ManualClock } from '../../src/server/clock.ts';
import { createTestApp, openTestDatabase, type TestApp } from '../support/harness.ts';
import { intake, loginAll, pointIn, type Tokens } from './cases-support.ts';
import { DEMO_KEY, O311, postForm } from './open311-support.ts';

// The reproducers of the outside test (issue 12), each answering a clear 4xx now.
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
});
afterAll(() => t.close());

const isProblem = (res: { statusCode: number; headers: Record<string, unknown>; json: () => { code?: string; detail?: string } }, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  return res.json();
};

describe('one string rule at the edge', () => {
  it('refuses NUL and lone surrogates anywhere in a request with a 400 naming the field, and writes nothing', async () => {
    const before = (await t.call('GET', '/api/v1/cases?pageSize=1', { token: tok.admin })).json().total;
    const nul = await t.call('POST', '/api/v1/cases', { token: tok.clerk, body: { channel: 'hotline', text: '路灯坏了', address: '幸福路\u00001号' } });
    expect(isProblem(nul, 400)).toMatchObject({ code: 'request.bad_text', detail: expect.stringContaining('body.address') });
    for (const raw of ['"\\ud800"', '"\\udfff\\ud800"', '"a\\u0000b"']) {
      const res = await t.call('POST', '/api/v1/cases', { token: tok.clerk, payload: `{"channel":"hotline","text":"路灯坏了","reporter":{"name":${raw}}}`, headers: { 'content-type': 'application/json' } });
      expect(isProblem(res, 400).detail).toContain('body.reporter.name');
    }
    expect(isProblem(await t.call('GET', '/api/v1/organisations?q=%00', { token: tok.admin }), 400).detail).toContain('query.q');
    expect(isProblem(await t.call('GET', '/api/v1/alarms?type=%00', { token: tok.admin }), 400).detail).toContain('query.type');
    expect(isProblem(await t.call('GET', '/api/v1/cases/x%00y', { token: tok.admin }), 400).detail).toContain('params.code');
    expect((await t.call('GET', '/api/v1/cases?pageSize=1', { token: tok.admin })).json().total).toBe(before);
  });

  it('Open311 answers the same refusal in its own shape, for form and JSON bodies', async () => {
    const form = await postForm(t, `${O311}/requests.json`, { api_key: DEMO_KEY, service_code: '0503', address_string: '幸福路1号', description: 'a\u0000b' });
    expect(form.statusCode).toBe(400);
    expect(form.json()).toEqual([{ code: 400, description: expect.stringContaining('body.description') }]);
    const json = await t.call('POST', `${O311}/servicerequestupdates.json`, { payload: '{"api_key":"x","update_id":"\\ud800"}', headers: { 'content-type': 'application/json' } });
    expect(json.json()).toEqual([{ code: 400, description: expect.stringContaining('body.update_id') }]);
  });

  it('multipart without a boundary is a 400 problem, not a 500', async () => {
    const res = await t.call('POST', '/api/v1/imports', { token: tok.admin, payload: 'x', headers: { 'content-type': 'multipart/form-data' } });
    expect(isProblem(res, 400).code).toBe('request.multipart_boundary');
  });

  it('an over-long path parameter is 414 problem+json, and under /open311 an Open311 error', async () => {
    const long = 'x'.repeat(150);
    expect(isProblem(await t.call('POST', `/api/v1/cases/${long}/actions`, { token: tok.admin, body: {} }), 414).code).toBe('request.param_too_long');
    expect(isProblem(await t.call('DELETE', `/api/v1/open311/keys/${long}`, { token: tok.admin }), 414).code).toBe('request.param_too_long');
    const o = await t.call('POST', `${O311}/requests.${long}`, { body: { api_key: DEMO_KEY } });
    expect(o.statusCode).toBe(414);
    expect(o.json()).toEqual([{ code: 414, description: expect.any(String) }]);
    // a GET falls through to the catch-all route: still Open311's shape
    const g = await t.call('GET', `${O311}/requests/${long}.json`);
    expect(g.json()).toEqual([{ code: g.statusCode, description: expect.any(String) }]);
  });
});

describe('duplicates and intake stay inside the caller’s scope', () => {
  it('dispatcher.east is never shown another district’s case as a duplicate, and may not file a case there', async () => {
    const west = await pointIn(t, '990105');
    const text = '西湖区某路口的垃圾桶满了好几天没人清理，臭气熏天';
    const first = await intake(t, tok.clerk, { text, category: '0101', ...west });
    const q = `/api/v1/cases/duplicates?text=${encodeURIComponent(text)}&lon=${west.lon}&lat=${west.lat}`;
    expect((await t.call('GET', q, { token: tok.dispatcher })).json().map((d: { caseCode: string }) => d.caseCode)).toContain(first.code);
    expect((await t.call('GET', q, { token: tok.east })).json()).toEqual([]);
    expect((await t.call('GET', q, { token: tok.gridworker })).json()).toEqual([]);
    // triage's duplicates come from the same scoped search
    const tri = await t.call('POST', '/api/v1/triage', { token: tok.east, body: { text, lon: west.lon, lat: west.lat } });
    if (tri.statusCode === 200) expect(tri.json().duplicates).toEqual([]);
    const refused = await t.call('POST', '/api/v1/cases', { token: tok.east, body: { channel: 'hotline', text, category: '0101', ...west } });
    expect(isProblem(refused, 403)).toMatchObject({ code: 'case.outside_scope', owner: { code: '990105', name: '西湖区' } });
    expect(refused.json().detail).toContain('西湖区');
    // inside its own district it files as before, and sees only its own district's candidates
    const east = await pointIn(t, '990102');
    const own = await intake(t, tok.east, { text: '东城区路灯不亮了好几天', category: '0101', ...east });
    expect(own.code).toMatch(/^\d{13}$/);
  });
});

describe('no secret or citizen text in the request log', () => {
  it('logs the path and safe parameters only; SSE streams take a short-lived ticket, not the session token', async () => {
    const lines: string[] = [];
    const database = await openTestDatabase();
    const clock = new ManualClock(new Date('2026-11-23T01:00:00Z'));
    const config = loadConfig({}, { LOG_LEVEL: 'info', LOGIN_RATE_LIMIT_PER_MINUTE: 10_000 });
    const deps = createDeps(database, { clock, config, logger: createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })) });
    const taxonomy = loadTaxonomy();
    const app = await buildApp({ deps, taxonomy, services: createServices(deps, taxonomy) });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dispatcher', password: 'demo-pass-2026' } });
      const token = login.json().token as string;
      const text = `我是张三，身份证%20110105194912310025，电话13912345678`;
      await app.inject({ method: 'GET', url: `/api/v1/cases/duplicates?text=${encodeURIComponent(text)}%20110105194912310025&lon=120&lat=30&page=1`, headers: { authorization: `Bearer ${token}` } });
      // the old way of opening a stream no longer signs anyone in
      expect((await app.inject({ method: 'GET', url: `/api/v1/brain/stream?access_token=${token}` })).statusCode).toBe(401);
      const ticket = (await app.inject({ method: 'POST', url: '/api/v1/auth/stream-ticket', headers: { authorization: `Bearer ${token}` } })).json();
      expect(ticket).toEqual({ ticket: expect.any(String), expiresIn: 60 });
      expect(ticket.ticket).not.toContain(token);

      await app.listen({ port: 0, host: '127.0.0.1' });
      const port = (app.server.address() as AddressInfo).port;
      const open = (path: string) =>
        new Promise<number>((resolve) => {
          const req = request({ host: '127.0.0.1', port, path }, (res) => (resolve(res.statusCode!), req.destroy()));
          req.end();
        });
      expect(await open(`/api/v1/cases/stream?ticket=${encodeURIComponent(ticket.ticket)}`)).toBe(200);
      expect(await open(`/api/v1/cases/stream?ticket=garbage`)).toBe(401);
      clock.advance(61_000);
      expect(await open(`/api/v1/brain/stream?ticket=${encodeURIComponent(ticket.ticket)}`)).toBe(401);

      const log = lines.join('');
      expect(log).toContain('/api/v1/cases/duplicates?text=[omitted]');
      for (const secret of [token, ticket.ticket, encodeURIComponent(ticket.ticket), '110105194912310025', '13912345678', encodeURIComponent('张三')]) expect(log).not.toContain(secret);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
