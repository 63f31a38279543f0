import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { act, actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
let point: { lon: number; lat: number };
beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
  point = await pointIn(t, '990106');
});
afterAll(() => t.close());

/** The contract, written out independently of the implementation's table: what may follow each state. */
const open = ['note', 'urge']; // 备注 and 催办: recorded on any open case without moving it
const allowedByState: Record<string, string[]> = {
  received: ['file', 'reject', 'answer', 'void', 'merge', 'verify', ...open],
  filed: ['void', 'merge', 'dispatch', ...open],
  dispatched: ['accept', 'object', 'redispatch', ...open],
  handling: ['object', 'redispatch', 'request_extension', 'park', 'report', ...open],
  extension_requested: ['approve_extension', 'deny_extension', ...open],
  parked: ['unpark', ...open],
  reported: ['check', 'rework', ...open],
  checked: ['close', ...open],
  closed: ['rate', 'note'],
  rated: ['rework', 'note'],
  rejected: [],
  returned: ['void', 'redispatch', ...open],
  void: [],
  merged: [],
};
const allActions = [
  'file', 'reject', 'answer', 'void', 'merge', 'dispatch', 'accept', 'object', 'redispatch', 'request_extension',
  'approve_extension', 'deny_extension', 'park', 'unpark', 'report', 'check', 'rework', 'close', 'rate', 'note', 'urge', 'verify',
];

/** Drives a fresh case into `state` through the API. Category 1101 (物业服务) needs no on-site photo. */
async function caseIn(state: string): Promise<string> {
  const { code } = await intake(t, tok.clerk, { text: `物业不作为，电梯广告乱贴 ${state}`, category: '1101', nature: 'complaint', ...point });
  const a = (action: string, body: Record<string, unknown> = {}) => actOk(t, tok.admin, code, action, body);
  const path: Record<string, (() => Promise<unknown>)[]> = {
    received: [],
    filed: [() => a('file')],
    dispatched: [() => a('file'), () => a('dispatch')],
    handling: [() => a('file'), () => a('dispatch'), () => a('accept')],
    extension_requested: [() => a('file'), () => a('dispatch'), () => a('accept'), () => a('request_extension', { hours: 8, reason: '需协调业委会' })],
    parked: [() => a('file'), () => a('dispatch'), () => a('accept'), () => a('park', { reason: '待维修基金审批' })],
    reported: [() => a('file'), () => a('dispatch'), () => a('accept'), () => a('report', { answer: '已约谈物业' })],
    checked: [() => a('file'), () => a('dispatch'), () => a('accept'), () => a('report', { answer: '已约谈物业' }), () => a('check')],
    closed: [() => a('file'), () => a('dispatch'), () => a('accept'), () => a('report', { answer: '已约谈物业' }), () => a('check'), () => a('close')],
    rated: [() => a('file'), () => a('dispatch'), () => a('accept'), () => a('report', { answer: '已约谈物业' }), () => a('check'), () => a('close'), () => a('rate', { rating: 'satisfied' })],
    rejected: [() => a('reject', { reason: '不属于政府职责' })],
    returned: [() => a('file'), () => a('dispatch'), () => a('object', { reason: '不属本单位' })],
    void: [() => a('void', { reason: '测试来电' })],
    merged: [
      async () => {
        const main = await intake(t, tok.clerk, { text: '物业不作为主件', category: '1101', ...point });
        return a('merge', { into: main.code });
      },
    ],
  };
  for (const step of path[state]!) await step();
  const now = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.admin })).json();
  expect(now.state).toBe(state);
  return code;
}

describe('the state machine over HTTP', () => {
  it('refuses every illegal transition from every state with 409 naming the state and the allowed next steps', async () => {
    const fullBody = { reason: '理由', answer: '答复', hours: 4, rating: 'satisfied', department: 'ZJ' };
    let refused = 0;
    for (const [state, allowed] of Object.entries(allowedByState)) {
      const code = await caseIn(state);
      const before = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.admin })).json();
      expect(before.allowedActions.sort()).toEqual([...allowed].sort());
      for (const action of allActions.filter((x) => !allowed.includes(x))) {
        const res = await act(t, tok.admin, code, action, fullBody);
        expect(res.statusCode, `${state} × ${action}`).toBe(409);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.json()).toMatchObject({ code: 'case.illegal_transition', state, action });
        expect(res.json().allowed.sort()).toEqual([...allowed].sort());
        expect(res.json().detail).toContain(state);
        refused++;
      }
      const after = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.admin })).json();
      expect(after.version).toBe(before.version);
      expect(after.timeline).toHaveLength(before.timeline.length);
    }
    expect(refused).toBe(14 * allActions.length - Object.values(allowedByState).flat().length);
  });

  it('an unknown action is a 400, not a transition', async () => {
    const { code } = await intake(t, tok.clerk, { text: '物业问题', category: '1101' });
    const res = await act(t, tok.admin, code, 'close_with_main');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('request.invalid');
  });

  it('concurrent transitions on one case: exactly one wins, the others get 409', async () => {
    const { code } = await intake(t, tok.clerk, { text: '物业并发测试', category: '1101', ...point });
    const attempts = await Promise.all([
      act(t, tok.dispatcher, code, 'file', { version: 1 }),
      act(t, tok.dispatcher, code, 'void', { version: 1, reason: '重复' }),
      act(t, tok.admin, code, 'reject', { version: 1, reason: '不受理' }),
      act(t, tok.admin, code, 'file', { version: 1 }),
    ]);
    const codes = attempts.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 409, 409, 409]);
    for (const r of attempts.filter((r) => r.statusCode === 409)) expect(r.json().code).toBe('case.conflict');
    const detail = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.admin })).json();
    expect(detail.version).toBe(2);
    expect(detail.timeline).toHaveLength(2);
  });

  it('without a version the loser sees either the conflict or the state it lost to', async () => {
    const { code } = await intake(t, tok.clerk, { text: '物业并发测试二', category: '1101', ...point });
    await actOk(t, tok.dispatcher, code, 'file');
    const attempts = await Promise.all([1, 2, 3, 4, 5].map(() => act(t, tok.dispatcher, code, 'dispatch')));
    expect(attempts.filter((r) => r.statusCode === 200)).toHaveLength(1);
    for (const r of attempts.filter((r) => r.statusCode !== 200)) {
      expect(r.statusCode).toBe(409);
      expect(['case.conflict', 'case.illegal_transition']).toContain(r.json().code);
    }
    const detail = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.admin })).json();
    expect(detail.timeline.filter((e: { action: string }) => e.action === 'dispatch')).toHaveLength(1);
  });

  it('a stale version is refused even when nobody else is acting', async () => {
    const { code } = await intake(t, tok.clerk, { text: '物业过期版本', category: '1101' });
    await actOk(t, tok.dispatcher, code, 'file');
    const stale = await act(t, tok.dispatcher, code, 'dispatch', { version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'case.conflict', version: 2 });
  });

  it('each step needs its own permission and handlers act only on their department’s cases', async () => {
    const { code } = await intake(t, tok.clerk, { text: '物业权限测试', category: '1101', ...point });
    // department staff do not even see a case before it is dispatched to them
    expect((await act(t, tok.handler, code, 'file')).statusCode).toBe(404);
    expect((await act(t, tok.clerk, code, 'file')).json().code).toBe('auth.forbidden');
    await actOk(t, tok.dispatcher, code, 'file');
    await actOk(t, tok.dispatcher, code, 'dispatch');
    // dispatched to 住建局 (ZJ): the 市政 handler neither sees it nor may sign for it
    expect((await t.call('GET', `/api/v1/cases/${code}`, { token: tok.handler })).statusCode).toBe(404);
    expect((await act(t, tok.handler, code, 'accept')).statusCode).toBe(404);
    expect((await act(t, tok.dispatcher, code, 'accept')).json().code).toBe('auth.forbidden');
    expect((await act(t, tok.leader, code, 'redispatch', { reason: 'x' })).json().code).toBe('auth.forbidden');
  });
});

describe('核实 before 立案', () => {
  it('records the on-site finding on a received case without moving it; a finding is required and the front desk may not', async () => {
    const { code } = await intake(t, tok.clerk, { text: '人行道上有人占道经营摆摊', category: '1101', ...point });
    expect((await act(t, tok.admin, code, 'verify', {})).statusCode).toBe(400);
    expect((await act(t, tok.clerk, code, 'verify', { reason: '现场确有' })).statusCode).toBe(403);
    const after = await actOk(t, tok.admin, code, 'verify', { reason: '现场确有占道经营' });
    expect(after.state).toBe('received');
    const ev = await t.deps.db.selectFrom('case_events').innerJoin('cases', 'cases.id', 'case_events.case_id').select(['action', 'reason', 'payload', 'to_state']).where('cases.code', '=', code).where('action', '=', 'verify').execute();
    expect(ev).toEqual([{ action: 'verify', reason: '现场确有占道经营', payload: expect.objectContaining({ verified: true, photos: 0 }), to_state: 'received' }]);
    // and filing follows as before
    expect((await actOk(t, tok.admin, code, 'file')).state).toBe('filed');
  });
});
