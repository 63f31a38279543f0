import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type Role } from '../../src/server/access/permissions.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
const tokens = {} as Record<Role, string>;
let someUserId = '';

beforeAll(async () => {
  t = await createTestApp();
  const admin = await t.login('admin');
  for (const role of roles) {
    const res = await t.call('POST', '/api/v1/users', {
      token: admin,
      body: { username: `matrix.${role}`, displayName: role, password: 'Matrix-pass-1', roles: [role], scopeArea: '990100', departmentCode: role === 'handler' ? 'SZ' : null },
    });
    expect(res.statusCode).toBe(201);
    someUserId = res.json().id;
    tokens[role] = await t.login(`matrix.${role}`, 'Matrix-pass-1');
  }
});
afterAll(() => t.close());

const staff: Role[] = ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker', 'dataadmin'];
let seq = 0;

/** Each endpoint built so far and the roles allowed to use it; every other role must get 403. */
const matrix: { name: string; method: string; url: () => string; body?: () => unknown; allowed: Role[] }[] = [
  { name: 'list areas', method: 'GET', url: () => '/api/v1/areas', allowed: staff },
  { name: 'read an area', method: 'GET', url: () => '/api/v1/areas/990102', allowed: staff },
  { name: 'create an area', method: 'POST', url: () => '/api/v1/areas', body: () => ({ code: String(990102500 + seq++), name: '新街道', parentCode: '990102' }), allowed: ['admin'] },
  { name: 'list departments', method: 'GET', url: () => '/api/v1/departments', allowed: staff },
  { name: 'save a department', method: 'PUT', url: () => '/api/v1/departments/TESTDEPT', body: () => ({ name: '测试部门', kind: 'functional' }), allowed: ['admin'] },
  { name: 'list users', method: 'GET', url: () => '/api/v1/users', allowed: ['admin'] },
  { name: 'read a user', method: 'GET', url: () => `/api/v1/users/${someUserId}`, allowed: ['admin'] },
  { name: 'create a user', method: 'POST', url: () => '/api/v1/users', body: () => ({ username: `made.${seq++}`, displayName: 'x', password: 'Another-pass-1', roles: ['clerk'], scopeArea: '990100' }), allowed: ['admin'] },
  { name: 'update a user', method: 'PATCH', url: () => `/api/v1/users/${someUserId}`, body: () => ({ displayName: `renamed ${seq++}` }), allowed: ['admin'] },
  { name: 'read the audit log', method: 'GET', url: () => '/api/v1/audit', allowed: ['admin', 'leader'] },
  { name: 'verify the audit chain', method: 'GET', url: () => '/api/v1/audit/verify', allowed: ['admin'] },
  { name: 'read the taxonomy', method: 'GET', url: () => '/api/v1/taxonomy', allowed: staff },
  { name: 'grid map layer', method: 'GET', url: () => '/api/v1/geo/areas.geojson?level=district', allowed: staff },
  { name: 'specialist layers', method: 'GET', url: () => '/api/v1/geo/layers', allowed: staff },
  { name: 'list cases', method: 'GET', url: () => '/api/v1/cases', allowed: ['admin', 'leader', 'dispatcher', 'clerk', 'handler', 'gridworker'] },
  { name: 'list people', method: 'GET', url: () => '/api/v1/people', allowed: ['admin', 'leader', 'dispatcher', 'clerk', 'gridworker', 'dataadmin'] },
  { name: 'list components', method: 'GET', url: () => '/api/v1/components', allowed: ['admin', 'leader', 'dispatcher', 'clerk', 'gridworker', 'dataadmin'] },
  { name: 'list devices', method: 'GET', url: () => '/api/v1/devices', allowed: ['admin', 'leader', 'dispatcher', 'dataadmin'] },
  { name: 'list alarms', method: 'GET', url: () => '/api/v1/alarms', allowed: ['admin', 'leader', 'dispatcher'] },
  { name: 'operations dashboard', method: 'GET', url: () => '/api/v1/brain/dashboard', allowed: ['admin', 'leader', 'dispatcher'] },
  { name: 'add a dispatch rule', method: 'POST', url: () => '/api/v1/dispatch/rules', body: () => ({ category: '0501', areaCode: '990105', departmentCode: 'SZ' }), allowed: ['admin'] },
  { name: 'import grids', method: 'POST', url: () => '/api/v1/geo/grids/import', body: () => ({ type: 'FeatureCollection', features: [] }), allowed: ['admin', 'dataadmin'] },
];

describe('permission matrix: role × endpoint', () => {
  for (const row of matrix) {
    it(`${row.name}: allowed for ${row.allowed.join(', ')}, 403 for the rest`, async () => {
      for (const role of roles) {
        const res = await t.call(row.method, row.url(), { token: tokens[role], body: row.body?.() });
        if (row.allowed.includes(role)) {
          // allowed = authorised: a validation 400/409 still proves the role got past the permission check
          const ok = res.statusCode < 500 && res.statusCode !== 401 && res.statusCode !== 403;
          expect([role, ok ? 'ok' : res.body]).toEqual([role, 'ok']);
        } else {
          expect([role, res.statusCode, res.json().code]).toEqual([role, 403, 'auth.forbidden']);
        }
      }
      // and without a token nothing is served
      expect((await t.call(row.method, row.url(), { body: row.body?.() })).statusCode).toBe(401);
    });
  }
});

describe('data scope', () => {
  it('a district dispatcher sees only their district, and other districts do not exist for them', async () => {
    const east = await t.login('dispatcher.east');
    const list = await t.call('GET', '/api/v1/areas?pageSize=200', { token: east });
    expect(list.statusCode).toBe(200);
    const codes = list.json().items.map((a: { code: string }) => a.code);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c: string) => c.startsWith('990102'))).toBe(true);
    expect((await t.call('GET', '/api/v1/areas/990105', { token: east })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/v1/areas/990100', { token: east })).statusCode).toBe(404);
    expect((await t.call('GET', '/api/v1/areas?level=district', { token: east })).json().items.map((a: { code: string }) => a.code)).toEqual(['990102']);
  });

  it('a district admin manages only accounts and areas inside their district', async () => {
    const admin = await t.login('admin');
    const created = await t.call('POST', '/api/v1/users', { token: admin, body: { username: 'admin.east', displayName: '东城管理员', password: 'District-pass-1', roles: ['admin'], scopeArea: '990102' } });
    expect(created.statusCode).toBe(201);
    const eastAdmin = await t.login('admin.east', 'District-pass-1');
    const users = (await t.call('GET', '/api/v1/users?pageSize=200', { token: eastAdmin })).json().items as { scope: string; username: string }[];
    expect(users.every((u) => u.scope.startsWith('990100.990102'))).toBe(true);
    expect(users.map((u) => u.username)).toContain('dispatcher.east');
    expect(users.map((u) => u.username)).not.toContain('admin');
    // cannot hand out a scope outside their own, nor create areas elsewhere
    expect((await t.call('POST', '/api/v1/users', { token: eastAdmin, body: { username: 'sneaky', displayName: 'x', password: 'Sneaky-pass-1', roles: ['dispatcher'], scopeArea: '990105' } })).statusCode).toBe(404);
    expect((await t.call('POST', '/api/v1/areas', { token: eastAdmin, body: { code: '990105777', name: '越权', parentCode: '990105' } })).statusCode).toBe(404);
    const cityAdminId = (await t.call('GET', '/api/v1/auth/me', { token: admin })).json().id;
    expect((await t.call('PATCH', `/api/v1/users/${cityAdminId}`, { token: eastAdmin, body: { disabled: true } })).statusCode).toBe(404);
  });
});
