import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { rowCounts } from '../support/snapshot.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: 4096 });
  admin = await t.login('admin');
});
afterAll(() => t.close());

const expectProblem = (res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code: string) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code });
  for (const field of ['type', 'title', 'detail', 'code']) expect(typeof body[field]).toBe('string');
  return body;
};

describe('bad input is a clear problem+json and changes nothing', () => {
  it('covers malformed JSON, wrong types, oversized bodies, wrong content types and unknown routes', async () => {
    const before = await rowCounts(t.deps.db);
    const json = { 'content-type': 'application/json' };

    expectProblem(await t.call('POST', '/api/v1/users', { token: admin, payload: '{"username": "x",', headers: json }), 400, 'request.malformed_json');
    expectProblem(await t.call('POST', '/api/v1/users', { token: admin, payload: '', headers: json }), 400, 'request.empty_body');
    const wrongTypes = expectProblem(
      await t.call('POST', '/api/v1/users', { token: admin, body: { username: 42, displayName: [], password: true, roles: 'admin', scopeArea: 990100 } }),
      400,
      'request.invalid',
    );
    expect(wrongTypes.errors.length).toBeGreaterThan(0);
    expect(wrongTypes.errors[0].path).toMatch(/^body\./);
    expectProblem(await t.call('POST', '/api/v1/areas', { token: admin, payload: JSON.stringify({ code: '990102009', name: 'x'.repeat(10_000), parentCode: '990102' }), headers: json }), 413, 'request.too_large');
    expectProblem(await t.call('POST', '/api/v1/areas', { token: admin, payload: 'code=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'request.unsupported_media_type');
    expectProblem(await t.call('GET', '/api/v1/nothing-here', { token: admin }), 404, 'route.not_found');
    expectProblem(await t.call('GET', '/api/v1/areas?page=0', { token: admin }), 400, 'request.invalid');
    expectProblem(await t.call('GET', '/api/v1/areas?pageSize=100000', { token: admin }), 400, 'request.invalid');
    expectProblem(await t.call('GET', '/api/v1/users/not-a-uuid', { token: admin }), 400, 'request.invalid');

    expect(await rowCounts(t.deps.db)).toEqual(before);
  });

  it('treats SQL-looking strings as data, never as SQL', async () => {
    const before = await rowCounts(t.deps.db);
    const injection = "'; drop table users; --";
    expectProblem(await t.call('POST', '/api/v1/auth/login', { body: { username: injection, password: injection } }), 401, 'auth.invalid_credentials');
    const search = await t.call('GET', `/api/v1/areas?q=${encodeURIComponent("' or 1=1 --")}`, { token: admin });
    expect(search.statusCode).toBe(200);
    expect(search.json().total).toBe(0);
    // LIKE wildcards are escaped: "%" matches a literal percent sign, not every row
    expect((await t.call('GET', '/api/v1/areas?q=%25', { token: admin })).json().total).toBe(0);
    expectProblem(await t.call('POST', '/api/v1/users', { token: admin, body: { username: "a'; --", displayName: 'x', password: 'Passw0rd-long', roles: ['clerk'], scopeArea: '990100' } }), 400, 'request.invalid');
    expect(await rowCounts(t.deps.db)).toEqual(before);
    expect((await t.call('GET', '/api/v1/users?pageSize=1', { token: admin })).statusCode).toBe(200);
  });

  it('keeps unicode intact and refuses what is not valid', async () => {
    const names = ['东城区第九街道', '𠀀𪚥 surrogate pairs', 'emoji 🏙️ street', 'rtl \u202e text'];
    let code = 990102100;
    for (const name of names) {
      const res = await t.call('POST', '/api/v1/areas', { token: admin, body: { code: String(code++), name, parentCode: '990102' } });
      expect(res.statusCode).toBe(201);
      expect(res.json().name).toBe(name);
    }
    const before = await rowCounts(t.deps.db);
    expectProblem(await t.call('POST', '/api/v1/areas', { token: admin, body: { code: '990102200', name: '   ', parentCode: '990102' } }), 400, 'request.invalid');
    expectProblem(await t.call('POST', '/api/v1/areas', { token: admin, body: { code: '９９０１０２２０１', name: '全角', parentCode: '990102' } }), 400, 'request.invalid');
    expectProblem(await t.call('POST', '/api/v1/areas', { token: admin, body: { code: '990105201', name: '错位', parentCode: '990102' } }), 400, 'area.bad_code');
    expectProblem(await t.call('POST', '/api/v1/areas', { token: admin, body: { code: '990102100', name: '重复', parentCode: '990102' } }), 409, 'area.exists');
    expect(await rowCounts(t.deps.db)).toEqual(before);
  });
});
