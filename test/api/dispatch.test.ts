import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { act, actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
let east: { lon: number; lat: number };
let west: { lon: number; lat: number };
beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
  east = await pointIn(t, '990102');
  west = await pointIn(t, '990105');
});
afterAll(() => t.close());

async function filed(category: string, where: { lon: number; lat: number }, text = '测试案件') {
  const c = await intake(t, tok.clerk, { text, category, ...where });
  await actOk(t, tok.dispatcher, c.code, 'file');
  return c.code;
}

describe('dispatch catalogue (权责清单)', () => {
  it('is seeded from the taxonomy: one city-wide rule per category with its default department', async () => {
    const all = (await t.call('GET', '/api/v1/dispatch/rules?pageSize=200', { token: tok.dispatcher })).json();
    expect(all.total).toBe(71);
    const lamp = all.items.find((r: { category: string }) => r.category === '0501');
    expect(lamp).toMatchObject({ areaCode: null, departmentCode: 'SZ', allowTerritorial: false });
    const who = (await t.call('GET', '/api/v1/dispatch/resolve?category=0501&area=990105', { token: tok.dispatcher })).json();
    expect(who).toMatchObject({ department: 'SZ', source: 'catalogue' });
  });

  it('the most specific area wins, and removing the rule falls back to the wider one', async () => {
    const created = await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0501', areaCode: '990105', departmentCode: 'GD', note: '西湖区路灯由供电公司代管' } });
    expect(created.statusCode, created.body).toBe(201);
    const westCase = await filed('0501', west, '西湖区路灯不亮');
    const eastCase = await filed('0501', east, '东城区路灯不亮');
    expect((await actOk(t, tok.dispatcher, westCase, 'dispatch')).department.main).toBe('GD');
    expect((await actOk(t, tok.dispatcher, eastCase, 'dispatch')).department.main).toBe('SZ');
    expect((await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0501', areaCode: '990105', departmentCode: 'SZ' } })).json().code).toBe('dispatch_rule.exists');
    expect((await t.call('DELETE', `/api/v1/dispatch/rules/${created.json().id}`, { token: tok.admin })).statusCode).toBe(204);
    const again = await filed('0501', west, '西湖区路灯又不亮');
    expect((await actOk(t, tok.dispatcher, again, 'dispatch')).department.main).toBe('SZ');
    const audit = (await t.call('GET', `/api/v1/audit?targetType=dispatch_rule&targetId=${created.json().id}`, { token: tok.admin })).json();
    expect(audit.items.map((a: { action: string }) => a.action).sort()).toEqual(['dispatch_rule.create', 'dispatch_rule.delete']);
  });

  it('only admins change the catalogue, and only with real categories and departments', async () => {
    expect((await t.call('POST', '/api/v1/dispatch/rules', { token: tok.dispatcher, body: { category: '0101', departmentCode: 'HW' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0999', areaCode: '990102', departmentCode: 'HW' } })).json().code).toBe('case.unknown_category');
    expect((await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0101', areaCode: '990102', departmentCode: 'NOPE' } })).json().code).toBe('department.unknown');
  });
});

describe('territorial guard', () => {
  it('refuses to push a functional matter down to 街道/社区 unless the catalogue allows it there', async () => {
    const code = await filed('0101', east, '垃圾堆积');
    const refused = await act(t, tok.dispatcher, code, 'dispatch', { department: 'JD' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'dispatch.territorial_guard', category: '0101', department: 'JD', defaultDepartment: 'HW' });
    const still = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();
    expect(still).toMatchObject({ state: 'filed', version: 2, department: { main: null } });

    // the district's catalogue row explicitly lets 街道 take rubbish matters (e.g. an old residential area)
    const rule = await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0101', areaCode: '990102', departmentCode: 'HW', allowTerritorial: true } });
    expect(rule.statusCode).toBe(201);
    expect((await actOk(t, tok.dispatcher, code, 'dispatch', { department: 'JD' })).department.main).toBe('JD');
    // elsewhere the guard still holds
    const westCode = await filed('0101', west, '西湖区垃圾堆积');
    expect((await act(t, tok.dispatcher, westCode, 'dispatch', { department: 'SQ' })).json().code).toBe('dispatch.territorial_guard');
    // a re-dispatch is guarded too
    const sent = await filed('0103', west, '违建');
    await actOk(t, tok.dispatcher, sent, 'dispatch');
    expect((await act(t, tok.dispatcher, sent, 'redispatch', { department: 'JD', reason: '属地处理' })).json().code).toBe('dispatch.territorial_guard');
  });

  it('territorial matters go to 街道/社区 without any rule', async () => {
    const code = await filed('1501', east, '邻居噪音纠纷');
    expect((await actOk(t, tok.dispatcher, code, 'dispatch')).department.main).toBe('SQ');
  });
});

describe('objection (退单) and co-handling', () => {
  it('a handler objects with a reason, the dispatcher re-dispatches elsewhere, and the history stays', async () => {
    const code = await filed('0501', east, '小区内路灯不亮');
    await actOk(t, tok.dispatcher, code, 'dispatch');
    const objected = await actOk(t, tok.handler, code, 'object', { reason: '小区内部路灯属物业管理，非市政设施' });
    expect(objected.state).toBe('returned');
    const moved = await actOk(t, tok.dispatcher, code, 'redispatch', { department: 'ZJ', coDepartments: ['SQ'] });
    expect(moved).toMatchObject({ state: 'dispatched', department: { main: 'ZJ', co: ['SQ'] } });
    expect(moved.objections).toEqual([expect.objectContaining({ department: 'SZ', reason: expect.stringContaining('物业'), redispatchedTo: 'ZJ' })]);
    // the objecting department no longer sees or acts on it; the co-handling community was notified
    expect((await t.call('GET', `/api/v1/cases/${code}`, { token: tok.handler })).statusCode).toBe(404);
    const notes = await t.deps.db.selectFrom('notifications').select(['recipient', 'kind']).where('recipient_type', '=', 'department').where('kind', '=', 'case.co_handling').execute();
    expect(notes.some((n) => n.recipient === 'SQ')).toBe(true);
  });

  it('co-handlers named by the catalogue are applied and see the case; only the main department acts', async () => {
    const rule = await t.call('POST', '/api/v1/dispatch/rules', { token: tok.admin, body: { category: '0506', areaCode: '990102', departmentCode: 'YL', coDepartments: ['SZ'] } });
    expect(rule.statusCode).toBe(201);
    const code = await filed('0506', east, '大树倒伏压住路灯线');
    const d = await actOk(t, tok.dispatcher, code, 'dispatch');
    expect(d.department).toEqual({ main: 'YL', co: ['SZ'] });
    expect((await t.call('GET', `/api/v1/cases/${code}`, { token: tok.handler })).statusCode).toBe(200);
    const list = (await t.call('GET', '/api/v1/cases?pageSize=200', { token: tok.handler })).json();
    expect(list.items.map((i: { code: string }) => i.code)).toContain(code);
    expect(list.items.every((i: { department: { main: string; co: string[] } }) => i.department.main === 'SZ' || i.department.co.includes('SZ'))).toBe(true);
    expect((await act(t, tok.handler, code, 'accept')).json().code).toBe('case.not_your_department');
  });
});
