import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { DEMO_KEY, expectOpen311Error, gridPoint, O311, parseXml, postForm } from './open311-support.ts';

let t: TestApp;
let admin: string;
let dispatcher: string;
let point: { lon: number; lat: number };
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  [admin, dispatcher] = await Promise.all([t.login('admin'), t.login('dispatcher')]);
  point = await gridPoint(t);
});
afterAll(() => t.close());

async function newRequest(service = '0503', description = '路面坑洼，车辆颠簸') {
  const res = await postForm(t, `${O311}/requests.json`, { api_key: DEMO_KEY, service_code: service, lat: String(point.lat), long: String(point.lon), description });
  expect(res.statusCode, res.body).toBe(200);
  return res.json()[0].service_request_id as string;
}

const act = (code: string, action: string, body: Record<string, unknown> = {}, token = dispatcher) => t.call('POST', `/api/v1/cases/${code}/actions`, { token, body: { action, ...body } });
const caseState = async (code: string) => (await t.call('GET', `/api/v1/cases/${code}`, { token: dispatcher })).json().state as string;
const updates = async (code: string, format: 'json' | 'xml' = 'json') => {
  const res = await t.call('GET', `${O311}/servicerequestupdates.${format}?service_request_id=${code}&page_size=200`);
  expect(res.statusCode, res.body).toBe(200);
  return format === 'json' ? (res.json() as Record<string, string>[]) : (parseXml(res.body).service_request_updates.request_update as Record<string, string>[]);
};

describe('GET servicerequestupdates', () => {
  it('publishes the case milestones with mySociety statuses, in JSON and XML', async () => {
    const code = await newRequest();
    expect((await act(code, 'file')).statusCode).toBe(200);
    t.clock.advanceHours(1);
    expect((await act(code, 'dispatch')).statusCode).toBe(200);
    const list = await updates(code);
    expect(list.map((u) => u.status)).toEqual(['OPEN', 'INVESTIGATING', 'ACTION_SCHEDULED']);
    expect(list[2]).toMatchObject({ service_request_id: code, description: expect.stringContaining('市政设施管理处'), updated_datetime: '2026-11-23T10:00:00+08:00' });
    expect(list.every((u) => /^E\d+$/.test(u.update_id!))).toBe(true);
    const xml = await updates(code, 'xml');
    expect(xml.map((u) => u.status)).toEqual(['OPEN', 'INVESTIGATING', 'ACTION_SCHEDULED']);
    expect(xml[0]!.update_id).toBe(list[0]!.update_id);
  });

  it('takes a date window of at most 90 days and pages', async () => {
    await expectOpen311Error(await t.call('GET', `${O311}/servicerequestupdates.json?start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z`), 400);
    const none = await t.call('GET', `${O311}/servicerequestupdates.json?start_date=2026-10-01T00:00:00%2B08:00&end_date=2026-10-02T00:00:00%2B08:00`);
    expect(none.json()).toEqual([]);
    const first = await t.call('GET', `${O311}/servicerequestupdates.json?page_size=2`);
    expect(first.json()).toHaveLength(2);
    expect(Number(first.headers['x-total-count'])).toBeGreaterThanOrEqual(3);
    const second = (await t.call('GET', `${O311}/servicerequestupdates.json?page_size=2&page=2`)).json();
    expect(second[0].update_id).not.toBe(first.json()[0].update_id);
  });
});

describe('POST servicerequestupdates', () => {
  it('a citizen comment becomes a note for the people who own the case, listed without PII', async () => {
    const code = await newRequest();
    const before = await caseState(code);
    const res = await postForm(t, `${O311}/servicerequestupdates.json`, {
      api_key: DEMO_KEY,
      service_request_id: code,
      status: 'open',
      description: '坑又变大了，我是王五，电话13712340000，邮箱wangwu@example.com',
      first_name: '五',
      last_name: '王',
      email: 'wangwu@example.com',
      update_id: 'fms-1',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [{ update_id: id }] = res.json();
    expect(id).toMatch(/^U\d+$/);
    expect(await caseState(code)).toBe(before);

    const inbox = (await t.call('GET', '/api/v1/notifications?pageSize=50', { token: dispatcher })).json();
    expect(inbox.items.some((n: { kind: string; caseCode?: string }) => n.kind === 'open311.note' && n.caseCode === code)).toBe(true);

    const note = (await updates(code)).find((u) => u.update_id === id)!;
    expect(note).toMatchObject({ status: 'OPEN', service_request_id: code });
    expect(note.description).toContain('[电话已隐去]');
    const raw = (await t.call('GET', `${O311}/servicerequestupdates.xml?service_request_id=${code}`)).body;
    for (const leaked of ['13712340000', 'wangwu@example.com']) expect(raw).not.toContain(leaked);

    // a retry with the same update_id is answered with the same id and not applied twice
    const again = await postForm(t, `${O311}/servicerequestupdates.json`, { api_key: DEMO_KEY, service_request_id: code, status: 'OPEN', description: '重复提交', update_id: 'fms-1' });
    expect(again.json()).toEqual([{ update_id: id }]);
    expect((await updates(code)).filter((u) => u.update_id!.startsWith('U'))).toHaveLength(1);
  });

  it('refuses a missing key (403), an unknown request (404) and a bad status or missing text (400)', async () => {
    const code = await newRequest();
    const base = { api_key: DEMO_KEY, service_request_id: code, status: 'OPEN', description: '补充说明' };
    await expectOpen311Error(await postForm(t, `${O311}/servicerequestupdates.json`, { ...base, api_key: '' }), 403);
    await expectOpen311Error(await postForm(t, `${O311}/servicerequestupdates.xml`, { ...base, api_key: 'wrong' }), 403, 'xml');
    await expectOpen311Error(await postForm(t, `${O311}/servicerequestupdates.json`, { ...base, service_request_id: '2099010100001' }), 404);
    await expectOpen311Error(await postForm(t, `${O311}/servicerequestupdates.json`, { ...base, status: 'MAYBE' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/servicerequestupdates.json`, { ...base, description: '' }), 400);
    await expectOpen311Error(await postForm(t, `${O311}/servicerequestupdates.json`, { ...base, updated_datetime: 'soon' }), 400);
    expect((await updates(code)).filter((u) => u.update_id!.startsWith('U'))).toHaveLength(0);
  });

  it("a department's own system signs for and reports back; FIXED shows in the update list", async () => {
    const issued = await t.call('POST', '/api/v1/open311/keys', { token: admin, body: { consumer: '市政设施管理处工单系统', departmentCode: 'SZ' } });
    expect(issued.statusCode, issued.body).toBe(201);
    const szKey = issued.json().key as string;
    expect(issued.json()).toMatchObject({ consumer: '市政设施管理处工单系统', departmentCode: 'SZ', revokedAt: null });
    // only a hash is stored
    const stored = await t.deps.db.selectFrom('open311_api_keys').select('key_hash').execute();
    expect(stored.some((r) => r.key_hash === szKey)).toBe(false);

    const code = await newRequest();
    await act(code, 'file');
    await act(code, 'dispatch');
    const post = (status: string, description: string, key = szKey) => {
      t.clock.advance(60_000); // updates are listed in time order
      return postForm(t, `${O311}/servicerequestupdates.json`, { api_key: key, service_request_id: code, status, description });
    };

    // the demo key belongs to no department: IN_PROGRESS from it is only a note
    expect((await post('IN_PROGRESS', '我们已经看到了', DEMO_KEY)).json()[0].update_id).toMatch(/^U/);
    expect(await caseState(code)).toBe('dispatched');

    const accepted = await post('in_progress', '已派班组前往');
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()[0].update_id).toMatch(/^E\d+$/);
    expect(await caseState(code)).toBe('handling');
    const fixed = await post('FIXED', '已用沥青修补坑槽');
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect(await caseState(code)).toBe('reported');
    const detail = (await t.call('GET', `/api/v1/cases/${code}`, { token: dispatcher })).json();
    expect(detail.timeline.slice(-2).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['accept', 'open311:市政设施管理处工单系统'],
      ['report', 'open311:市政设施管理处工单系统'],
    ]);

    const list = await updates(code);
    expect(list.map((u) => u.status)).toEqual(['OPEN', 'INVESTIGATING', 'ACTION_SCHEDULED', 'IN_PROGRESS', 'IN_PROGRESS', 'FIXED']);
    expect(list.find((u) => u.update_id === fixed.json()[0].update_id)).toMatchObject({ status: 'FIXED' });
    const [req] = (await t.call('GET', `${O311}/requests/${code}.json`)).json();
    expect(req.status).toBe('open'); // fixed is not closed until the city checks and closes it

    // a step the state does not allow is refused with the state named, and nothing changes
    expect(await expectOpen311Error(await post('NOT_COUNCILS_RESPONSIBILITY', '不归我们管'), 400)).toMatch(/reported/);
    expect(await expectOpen311Error(await post('FIXED', '再报一次'), 400)).toMatch(/reported/);
    expect(await caseState(code)).toBe('reported');
    expect((await updates(code)).length).toBe(list.length);

    // a revoked key is refused
    const revoke = await t.call('DELETE', `/api/v1/open311/keys/${issued.json().id}`, { token: admin });
    expect(revoke.statusCode).toBe(200);
    await expectOpen311Error(await post('OPEN', '还在吗'), 403);
    const audit = (await t.call('GET', '/api/v1/audit?targetType=open311_key&pageSize=10', { token: admin })).json();
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['open311.key.revoke', 'open311.key.create']);
  });

  it("a department's system objects (退单) to a case that is not its own matter", async () => {
    const key = (await t.call('POST', '/api/v1/open311/keys', { token: admin, body: { consumer: 'SZ system 2', departmentCode: 'SZ' } })).json().key as string;
    const code = await newRequest();
    await act(code, 'file');
    await act(code, 'dispatch');
    const res = await postForm(t, `${O311}/servicerequestupdates.json`, { api_key: key, service_request_id: code, status: 'NOT_COUNCILS_RESPONSIBILITY', description: '该路段属公路局管养' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await caseState(code)).toBe('returned');
    expect((await updates(code)).at(-1)).toMatchObject({ status: 'INTERNAL_REFERRAL' });
  });

  it('OPEN on a closed case asks the dispatchers to review a reopening, without reopening it', async () => {
    const code = await newRequest('1901', '如何办理居住证？');
    const answered = await act(code, 'answer', { nature: 'consult', answer: '请携带身份证到派出所办理。' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(await caseState(code)).toBe('closed');
    const [closed] = (await t.call('GET', `${O311}/requests/${code}.json`)).json();
    expect(closed).toMatchObject({ status: 'closed', status_notes: expect.stringContaining('派出所') });

    const res = await postForm(t, `${O311}/servicerequestupdates.json`, { api_key: DEMO_KEY, service_request_id: code, status: 'reopen', description: '按答复去了，派出所说不在这里办' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await caseState(code)).toBe('closed');
    const inbox = (await t.call('GET', '/api/v1/notifications?pageSize=50', { token: dispatcher })).json();
    expect(inbox.items.some((n: { kind: string; caseCode?: string }) => n.kind === 'open311.reopen_requested' && n.caseCode === code)).toBe(true);
    const audit = (await t.call('GET', `/api/v1/audit?targetType=case&targetId=${code}&pageSize=20`, { token: admin })).json();
    expect(audit.items[0]).toMatchObject({ action: 'open311.update', detail: expect.objectContaining({ status: 'REOPEN', effect: 'reopen_requested' }) });
  });
});

describe('API keys admin', () => {
  it('only an admin issues and lists keys; the list never shows a key', async () => {
    expect((await t.call('POST', '/api/v1/open311/keys', { token: dispatcher, body: { consumer: 'x' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/open311/keys', { token: admin, body: { consumer: 'x', departmentCode: 'NOPE' } })).json().code).toBe('department.unknown');
    const list = await t.call('GET', '/api/v1/open311/keys?pageSize=100', { token: admin });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.some((k: { prefix: string }) => k.prefix === 'demo-open')).toBe(true);
    expect(list.body).not.toContain('demo-open311-key');
    expect(list.json().items.every((k: Record<string, unknown>) => !('key' in k))).toBe(true);
  });
});
