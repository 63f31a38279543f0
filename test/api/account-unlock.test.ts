import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
let clerk: string;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_LOCKOUT_THRESHOLD: 3 });
  admin = await t.login('admin');
  clerk = await t.login('clerk');
});
afterAll(() => t.close());

const attempt = (password: string) => t.call('POST', '/api/v1/auth/login', { body: { username: 'leader', password } });

describe('an admin lifts the login backoff (解锁)', () => {
  it('a locked account signs in again right after an admin unlocks it; a clerk may not unlock', async () => {
    for (let i = 0; i < 3; i++) expect((await attempt('wrong-pass-1')).statusCode).toBe(401);
    expect((await attempt('demo-pass-2026')).statusCode).toBe(423);
    const list = await t.call('GET', '/api/v1/users?q=leader', { token: admin });
    const leader = list.json().items.find((u: { username: string }) => u.username === 'leader');
    expect(leader.lockedUntil).not.toBeNull();

    const denied = await t.call('PATCH', `/api/v1/users/${leader.id}`, { token: clerk, body: { unlock: true } });
    expect(denied.statusCode).toBe(403);
    expect((await attempt('demo-pass-2026')).statusCode).toBe(423);

    const bad = await t.call('PATCH', `/api/v1/users/${leader.id}`, { token: admin, body: { unlock: false } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);

    const res = await t.call('PATCH', `/api/v1/users/${leader.id}`, { token: admin, body: { unlock: true } });
    expect(res.statusCode).toBe(200);
    expect(res.json().lockedUntil).toBeNull();
    expect((await attempt('demo-pass-2026')).statusCode).toBe(200);
  });
});
