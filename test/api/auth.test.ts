import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_LOCKOUT_THRESHOLD: 3, TOKEN_TTL_HOURS: 2 });
});
afterAll(() => t.close());

describe('sign-in', () => {
  it('every demo account in the contract signs in and sees its roles', async () => {
    for (const [username, role] of [
      ['admin', 'admin'],
      ['dispatcher', 'dispatcher'],
      ['clerk', 'clerk'],
      ['handler.sz', 'handler'],
      ['gridworker', 'gridworker'],
    ] as const) {
      const token = await t.login(username);
      const me = await t.call('GET', '/api/v1/auth/me', { token });
      expect(me.statusCode).toBe(200);
      expect(me.json().roles).toEqual([role]);
    }
  });

  it('a wrong password is 401 problem+json and does not say whether the user exists', async () => {
    const wrong = await t.call('POST', '/api/v1/auth/login', { body: { username: 'clerk', password: 'nope-nope-1' } });
    const ghost = await t.call('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'nope-nope-1' } });
    for (const res of [wrong, ghost]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 401, code: 'auth.invalid_credentials', title: 'Unauthorized' });
    }
    expect(wrong.json().detail).toBe(ghost.json().detail);
  });

  it('locks an account after repeated failures, even for the right password, until the backoff passes', async () => {
    const attempt = (password: string) => t.call('POST', '/api/v1/auth/login', { body: { username: 'leader', password } });
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-pass-1')).statusCode).toBe(401);
    const locked = await attempt('demo-pass-2026');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('auth.locked');
    expect(locked.json().retryAfter).toBeGreaterThan(0);
    t.clock.advance(61_000);
    expect((await attempt('demo-pass-2026')).statusCode).toBe(200);
    // the counter was reset by the success: one more failure does not lock again
    expect((await attempt('wrong-pass-1')).statusCode).toBe(401);
    expect((await attempt('demo-pass-2026')).statusCode).toBe(200);
  });

  it('a token expires with time and is refused after logout', async () => {
    const res = await t.call('POST', '/api/v1/auth/login', { body: { username: 'dataadmin', password: 'demo-pass-2026' } });
    const token = res.json().token as string;
    expect((await t.call('GET', '/api/v1/auth/me', { token })).statusCode).toBe(200);
    t.clock.advanceHours(2.01);
    const expired = await t.call('GET', '/api/v1/auth/me', { token });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('auth.token_expired');

    const fresh = (await t.call('POST', '/api/v1/auth/login', { body: { username: 'dataadmin', password: 'demo-pass-2026' } })).json().token as string;
    expect((await t.call('POST', '/api/v1/auth/logout', { token: fresh })).statusCode).toBe(204);
    expect((await t.call('GET', '/api/v1/auth/me', { token: fresh })).statusCode).toBe(401);
  });

  it('stores only a hash of the token', async () => {
    const token = (await t.call('POST', '/api/v1/auth/login', { body: { username: 'clerk', password: 'demo-pass-2026' } })).json().token as string;
    const rows = await t.deps.db.selectFrom('sessions').select('token_hash').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
  });

  it('no token, a malformed header or a made-up token is 401', async () => {
    expect((await t.call('GET', '/api/v1/auth/me')).json().code).toBe('auth.required');
    expect((await t.call('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } })).json().code).toBe('auth.bad_token');
    expect((await t.call('GET', '/api/v1/auth/me', { token: 'x'.repeat(43) })).statusCode).toBe(401);
  });

  it('disabling an account ends its sessions', async () => {
    const admin = await t.login('admin');
    const victim = (await t.call('POST', '/api/v1/auth/login', { body: { username: 'dispatcher.east', password: 'demo-pass-2026' } })).json().token as string;
    const me = (await t.call('GET', '/api/v1/auth/me', { token: victim })).json();
    const patch = await t.call('PATCH', `/api/v1/users/${me.id}`, { token: admin, body: { disabled: true } });
    expect(patch.statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/auth/me', { token: victim })).statusCode).toBe(401);
    expect((await t.call('POST', '/api/v1/auth/login', { body: { username: 'dispatcher.east', password: 'demo-pass-2026' } })).statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  it('answers 429 problem+json past the per-minute limit', async () => {
    const limited = await createTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.call('POST', '/api/v1/auth/login', { body: { username: 'x', password: 'y' } })).statusCode);
      expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
      const last = await limited.call('POST', '/api/v1/auth/login', { body: { username: 'x', password: 'y' } });
      expect(last.statusCode).toBe(429);
      expect(last.json().code).toBe('request.rate_limited');
    } finally {
      await limited.close();
    }
  });
});
