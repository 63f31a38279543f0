import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { intake, pointIn } from './cases-support.ts';

/** #18 admin guards: 停用区划 (a disabled area takes no new work, leaves the pickers, keeps its old cases) and 停用单位 named by the 权责清单. */
let t: TestApp;
let admin: string;
let clerk: string;
beforeAll(async () => {
  t = await createTestApp();
  [admin, clerk] = await Promise.all([t.login('admin'), t.login('clerk')]);
});
afterAll(() => t.close());

type AreaDto = { code: string; name: string; level: string; path: string; parentCode: string | null; active: boolean };
const areas = async (query: string) => (await t.call('GET', `/api/v1/areas?pageSize=200&${query}`, { token: admin })).json().items as AreaDto[];
const audit = async (targetType: string, targetId: string) =>
  ((await t.call('GET', `/api/v1/audit?targetType=${targetType}&targetId=${encodeURIComponent(targetId)}`, { token: admin })).json().items as { action: string }[]).map((a) => a.action).sort();

describe('disabling an area (停用区划)', () => {
  it('refuses intake and catalogue entries inside a disabled street, hides it and what lies under it from pickers, keeps old cases; re-enabling opens it again', async () => {
    const [street] = await areas('level=street');
    expect(street).toBeDefined();
    expect(street!.active).toBe(true);
    const p = await pointIn(t, street!.code);
    const old = await intake(t, clerk, { category: '0502', lon: p.lon, lat: p.lat });

    expect((await t.call('PATCH', `/api/v1/areas/${street!.code}`, { token: clerk, body: { active: false } })).statusCode).toBe(403);
    const off = await t.call('PATCH', `/api/v1/areas/${street!.code}`, { token: admin, body: { active: false } });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ code: street!.code, active: false });

    // pickers ask for active areas: neither the street nor its communities and grids are offered
    const underStreet = (a: AreaDto) => a.path === street!.path || a.path.startsWith(`${street!.path}.`);
    expect((await areas('level=street&active=true')).some(underStreet)).toBe(false);
    expect((await areas(`parent=${street!.code}&active=true`))).toEqual([]);
    const disabledList = await areas('active=false');
    expect(disabledList.map((a) => a.code)).toContain(street!.code);
    expect(disabledList.every(underStreet)).toBe(true);
    // the admin's tree (no filter) still lists it, marked
    expect((await areas('level=street')).find((a) => a.code === street!.code)?.active).toBe(false);

    const refused = await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: '路灯坏了，晚上一片漆黑', category: '0502', lon: p.lon, lat: p.lat } });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'area.disabled', area: { code: street!.code, name: street!.name } });

    const rule = await t.call('POST', '/api/v1/dispatch/rules', { token: admin, body: { category: '0502', areaCode: p.grid, departmentCode: (await resolve('0502')).department } });
    expect(rule.statusCode, rule.body).toBe(409);
    expect(rule.json().code).toBe('area.disabled');

    // the case filed before keeps its place
    const kept = await t.call('GET', `/api/v1/cases/${old.code}`, { token: admin });
    expect(kept.statusCode).toBe(200);
    expect(kept.json().location.gridCode).toBe(p.grid);

    const on = await t.call('PATCH', `/api/v1/areas/${street!.code}`, { token: admin, body: { active: true } });
    expect(on.json().active).toBe(true);
    expect((await areas('level=street&active=true')).some((a) => a.code === street!.code)).toBe(true);
    await intake(t, clerk, { category: '0502', lon: p.lon, lat: p.lat });
    expect(await audit('area', street!.code)).toEqual(['area.disable', 'area.enable']);
  });

  it('never disables the city itself', async () => {
    const [city] = await areas('level=city');
    const res = await t.call('PATCH', `/api/v1/areas/${city!.code}`, { token: admin, body: { active: false } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('area.city_not_disabled');
    expect((await areas('level=city&active=true')).map((a) => a.code)).toEqual([city!.code]);
  });
});

const resolve = async (category: string) => (await t.call('GET', `/api/v1/dispatch/resolve?category=${category}`, { token: admin })).json() as { department: string; ruleId: string | null };

describe('disabling a unit the dispatch catalogue names (停用单位)', () => {
  it('is refused with 409 and every catalogue entry naming it (main or 协办); once re-pointed it can be disabled', async () => {
    const { department, ruleId } = await resolve('0502');
    expect(ruleId).not.toBeNull();
    const named = (await t.call('GET', `/api/v1/dispatch/rules?department=${department}&pageSize=200`, { token: admin })).json().items as { id: string; category: string; areaCode: string | null }[];
    expect(named.length).toBeGreaterThan(0);
    // a 协办 mention counts too
    const [district] = await areas('level=district');
    const co = await t.call('POST', '/api/v1/dispatch/rules', { token: admin, body: { category: '0101', areaCode: district!.code, departmentCode: (await resolve('0101')).department, coDepartments: [department] } });
    expect(co.statusCode, co.body).toBe(201);

    const res = await t.call('PATCH', `/api/v1/departments/${department}`, { token: admin, body: { active: false } });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    const body = res.json();
    expect(body.code).toBe('department.in_catalogue');
    expect(body.department).toBe(department);
    const entries = body.entries as { id: string; category: string; areaCode: string | null; role: string }[];
    expect(entries.filter((e) => e.role === 'main').map((e) => e.id).sort()).toEqual(named.map((r) => r.id).sort());
    expect(entries.find((e) => e.role === 'co')).toMatchObject({ id: co.json().id, category: '0101', areaCode: district!.code });
    // the PUT form and a renamed-but-kept patch go the same way
    const put = await t.call('GET', '/api/v1/departments', { token: admin });
    const current = (put.json() as { code: string; name: string; kind: string; areaCode: string | null; active: boolean }[]).find((d) => d.code === department)!;
    expect(current.active).toBe(true);
    const viaPut = await t.call('PUT', `/api/v1/departments/${department}`, { token: admin, body: { name: current.name, kind: current.kind, areaCode: current.areaCode, active: false } });
    expect(viaPut.statusCode).toBe(409);
    expect((await t.call('PATCH', `/api/v1/departments/${department}`, { token: admin, body: { name: `${current.name}（更名）` } })).statusCode).toBe(200);

    // re-point every entry at another unit of the same kind; then the unit may go
    const other = (put.json() as typeof current[]).find((d) => d.code !== department && d.kind === current.kind && d.active)!;
    for (const e of entries) {
      const patch = e.role === 'main' ? { departmentCode: other.code } : { coDepartments: [] };
      expect((await t.call('PATCH', `/api/v1/dispatch/rules/${e.id}`, { token: admin, body: patch })).statusCode).toBe(200);
    }
    const ok = await t.call('PATCH', `/api/v1/departments/${department}`, { token: admin, body: { active: false } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().active).toBe(false);
  });
});
