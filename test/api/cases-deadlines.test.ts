import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../src/server/services.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { TEST_START } from '../support/constants.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { act, actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
let point: { lon: number; lat: number };
beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
  point = await pointIn(t, '990102');
});
afterAll(() => t.close());

const iso = (s: string) => new Date(s).toISOString();
const sweep = async () => {
  const res = await t.call('POST', '/api/v1/admin/sweep', { token: tok.admin });
  expect(res.statusCode).toBe(200);
  return res.json() as { yellow: number; red: number };
};
const detail = async (code: string) => (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();

async function dispatched(category: string, text: string) {
  const c = await intake(t, tok.clerk, { text, category, ...point });
  await actOk(t, tok.dispatcher, c.code, 'file');
  return actOk(t, tok.dispatcher, c.code, 'dispatch');
}

describe('deadlines on the working-time calendar', () => {
  it('counts working hours (8 h a day) over weekends and configured holidays', async () => {
    t.clock.set(TEST_START); // Monday 2026-11-23 09:00
    // 违法建设: 120 working hours = 15 working days. Mon 7.5 h, then 14 full days, then 0.5 h → Mon 14 Dec 09:00
    const plain = await dispatched('0103', '小区楼顶有人私自搭建阳光房');
    expect(plain.deadlines).toMatchObject({ allowedHours: 120, workingTime: true, dueAt: iso('2026-12-14T09:00:00+08:00') });

    // the admin declares Friday 27 Nov a local holiday: cases dispatched from now on get one more day
    const holiday = await t.call('PUT', '/api/v1/calendar/days/2026-11-27', { token: tok.admin, body: { kind: 'holiday', name: '地方节日' } });
    expect([200, 201]).toContain(holiday.statusCode);
    const withHoliday = await dispatched('0103', '河边有人违章搭建棚屋');
    expect(withHoliday.deadlines.dueAt).toBe(iso('2026-12-15T09:00:00+08:00'));

    // and a make-up Saturday (调休上班) gives one back
    await t.call('PUT', '/api/v1/calendar/days/2026-11-28', { token: tok.admin, body: { kind: 'workday', name: '调休上班' } });
    const withWorkday = await dispatched('0103', '商铺违规加建二层');
    expect(withWorkday.deadlines.dueAt).toBe(iso('2026-12-14T09:00:00+08:00'));
    await t.call('DELETE', '/api/v1/calendar/days/2026-11-27', { token: tok.admin });
    await t.call('DELETE', '/api/v1/calendar/days/2026-11-28', { token: tok.admin });
  });

  it('raises a yellow card at 80 % and a red card when overdue, with notifications, as the clock moves', async () => {
    t.clock.set(TEST_START);
    // 井盖破损缺失: 4 clock hours, urgent
    const c = await dispatched('0502', '人行道井盖缺失，很危险');
    expect(c.urgent).toBe(true);
    expect(c.deadlines).toMatchObject({ dueAt: iso('2026-11-23T13:00:00+08:00'), yellowAt: iso('2026-11-23T12:12:00+08:00') });
    await actOk(t, tok.handler, c.code, 'accept');

    t.clock.set('2026-11-23T12:11:00+08:00');
    await sweep();
    expect((await detail(c.code)).supervision).toBe('none');

    t.clock.set('2026-11-23T12:12:00+08:00');
    const first = await sweep();
    expect(first.yellow).toBeGreaterThanOrEqual(1);
    expect((await detail(c.code)).supervision).toBe('yellow');
    const handlerInbox = (await t.call('GET', '/api/v1/notifications?kind=case.supervision.yellow', { token: tok.handler })).json();
    expect(handlerInbox.items.map((n: { caseCode: string }) => n.caseCode)).toContain(c.code);

    t.clock.set('2026-11-23T13:00:01+08:00');
    await sweep();
    const red = await detail(c.code);
    expect(red.supervision).toBe('red');
    expect(red.timeline.filter((e: { action: string }) => e.action === 'supervise').map((e: { payload: { level: string } }) => e.payload.level)).toEqual(['yellow', 'red']);
    const list = (await t.call('GET', '/api/v1/cases?supervision=red', { token: tok.dispatcher })).json();
    expect(list.items.map((i: { code: string }) => i.code)).toContain(c.code);
    const dispatcherInbox = (await t.call('GET', '/api/v1/notifications?kind=case.supervision.red&unread=true', { token: tok.dispatcher })).json();
    const note = dispatcherInbox.items.find((n: { caseCode: string }) => n.caseCode === c.code);
    expect(note.title).toContain('红牌');
    expect((await t.call('POST', `/api/v1/notifications/${note.id}/read`, { token: tok.dispatcher })).statusCode).toBe(204);

    // a second sweep raises nothing twice
    await sweep();
    expect((await detail(c.code)).timeline.filter((e: { action: string }) => e.action === 'supervise')).toHaveLength(2);
    // and only admins run sweeps by hand
    expect((await t.call('POST', '/api/v1/admin/sweep', { token: tok.dispatcher })).statusCode).toBe(403);
  });

  it('stands still while parked and while an extension waits, then adds the granted hours', async () => {
    t.clock.set(TEST_START);
    const c = await dispatched('0502', '井盖松动，车辆经过哐哐响');
    await actOk(t, tok.handler, c.code, 'accept');
    t.clock.set('2026-11-23T10:00:00+08:00');
    const parked = await actOk(t, tok.dispatcher, c.code, 'park', { reason: '需燃气公司先行排查' });
    expect(parked.deadlines.pausedSince).toBe(iso('2026-11-23T10:00:00+08:00'));

    // days pass while parked: no card, because the clock stands still
    t.clock.set('2026-11-25T10:00:00+08:00');
    await sweep();
    expect((await detail(c.code)).supervision).toBe('none');
    const unparked = await actOk(t, tok.dispatcher, c.code, 'unpark');
    // 3 of 4 hours were left when it stopped
    expect(unparked.deadlines).toMatchObject({ dueAt: iso('2026-11-25T13:00:00+08:00'), pausedSince: null, pausedMs: 48 * 3_600_000 });

    t.clock.set('2026-11-25T11:00:00+08:00');
    await actOk(t, tok.handler, c.code, 'request_extension', { hours: 6, reason: '需夜间封路施工' });
    t.clock.set('2026-11-25T15:00:00+08:00');
    await sweep();
    expect((await detail(c.code)).supervision).toBe('none');
    // the dispatcher grants 4 of the 6 hours: 2 h were left + 4 h from 15:00 → 21:00
    const granted = await actOk(t, tok.dispatcher, c.code, 'approve_extension', { hours: 4 });
    expect(granted.deadlines).toMatchObject({ dueAt: iso('2026-11-25T21:00:00+08:00'), allowedHours: 8, pendingExtensionHours: null });
    expect((await act(t, tok.dispatcher, c.code, 'approve_extension', { hours: 1 })).json().code).toBe('case.illegal_transition');
  });

  it('two sweepers running at once raise each card exactly once', async () => {
    t.clock.set(TEST_START);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await dispatched('0701', `路面塌陷第${i}处，有坑`)).code);
    t.clock.set('2026-11-23T12:00:00+08:00'); // 2 h limit: all overdue
    const taxonomy = loadTaxonomy();
    // two processes' worth of services (each its own case service), as two nodes would run their sweepers
    const a = createServices(t.deps, taxonomy).cases;
    const b = createServices(t.deps, taxonomy).cases;
    const [ra, rb] = await Promise.all([a.runSupervisionSweep(), b.runSupervisionSweep()]);
    expect(ra.red + rb.red).toBeGreaterThanOrEqual(6);
    for (const code of codes) {
      const d = await detail(code);
      expect(d.supervision).toBe('red');
      expect(d.timeline.filter((e: { action: string }) => e.action === 'supervise')).toHaveLength(1);
    }
  });
});
