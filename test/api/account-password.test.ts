import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
});
afterAll(() => t.close());

const login = (username: string, password: string) => t.call('POST', '/api/v1/auth/login', { body: { username, password } });
const change = (token: string, currentPassword: string, newPassword: string) => t.call('POST', '/api/v1/auth/password', { token, body: { currentPassword, newPassword } });

describe('one-time passwords (管理员重置密码，首次登录须修改)', () => {
  it('an account created with a one-time password opens only the password change until its owner picks one', async () => {
    const created = await t.call('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'handler.xh', displayName: '西湖区处置员', password: 'first-pass-2026', roles: ['handler'], scopeArea: '990105', departmentCode: 'SZ', mustChangePassword: true },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ scope: '990100.990105', mustChangePassword: true });

    const first = await login('handler.xh', 'first-pass-2026');
    expect(first.json().mustChangePassword).toBe(true);
    const token = first.json().token as string;
    const blocked = await t.call('GET', '/api/v1/cases', { token });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('auth.password_change_required');
    expect((await t.call('GET', '/api/v1/auth/me', { token })).json().mustChangePassword).toBe(true);

    // wrong current password, weak or unchanged new one: 400 with a code, nothing changes
    for (const [current, next, code] of [
      ['not-the-pass-1', 'my-own-pass-2027', 'auth.wrong_password'],
      ['first-pass-2026', 'short1', 'user.weak_password'],
      ['first-pass-2026', 'first-pass-2026', 'auth.same_password'],
    ] as const) {
      const res = await change(token, current, next);
      expect(res.statusCode, code).toBe(400);
      expect(res.json().code).toBe(code);
    }
    expect((await t.call('GET', '/api/v1/cases', { token })).statusCode).toBe(403);

    expect((await change(token, 'first-pass-2026', 'my-own-pass-2027')).statusCode).toBe(204);
    // the same session goes on, now with everything the role allows
    expect((await t.call('GET', '/api/v1/cases', { token })).statusCode).toBe(200);
    expect((await t.call('GET', '/api/v1/auth/me', { token })).json().mustChangePassword).toBe(false);
    expect((await login('handler.xh', 'first-pass-2026')).statusCode).toBe(401);
    expect((await login('handler.xh', 'my-own-pass-2027')).json().mustChangePassword).toBe(false);

    const audit = (await t.call('GET', `/api/v1/audit?targetType=user&targetId=${created.json().id}`, { token: admin })).json().items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['user.create', 'auth.password_change']));
  });

  it('an admin reset ends the open sessions and makes the new password one-time; non-admins cannot reset', async () => {
    const users = (await t.call('GET', '/api/v1/users?q=leader', { token: admin })).json().items;
    const leader = users.find((u: { username: string }) => u.username === 'leader');
    const leaderToken = await t.login('leader');
    const clerk = await t.login('clerk');
    expect((await t.call('PATCH', `/api/v1/users/${leader.id}`, { token: clerk, body: { password: 'reset-pass-2026', mustChangePassword: true } })).statusCode).toBe(403);
    expect((await t.call('PATCH', `/api/v1/users/${leader.id}`, { token: admin, body: { password: 'weak', mustChangePassword: true } })).json().code).toBe('user.weak_password');
    expect((await t.call('GET', '/api/v1/auth/me', { token: leaderToken })).statusCode).toBe(200);

    const reset = await t.call('PATCH', `/api/v1/users/${leader.id}`, { token: admin, body: { password: 'reset-pass-2026', mustChangePassword: true, unlock: true } });
    expect(reset.statusCode).toBe(200);
    expect(reset.json().mustChangePassword).toBe(true);
    expect((await t.call('GET', '/api/v1/auth/me', { token: leaderToken })).statusCode).toBe(401);
    const again = await login('leader', 'reset-pass-2026');
    expect(again.json().mustChangePassword).toBe(true);
    expect((await t.call('GET', '/api/v1/cases', { token: again.json().token })).json().code).toBe('auth.password_change_required');
  });
});
