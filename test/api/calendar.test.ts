import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
let clerk: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  clerk = await t.login('clerk');
});
afterAll(() => t.close());

const preview = (token: string, start: string, hours: number, workingTime = true) =>
  t.call('GET', `/api/v1/calendar/deadline?start=${encodeURIComponent(start)}&hours=${hours}&workingTime=${workingTime}`, { token });

describe('working-time calendar API', () => {
  it('the demo city is seeded with the 2026 national holidays and make-up days', async () => {
    const res = await t.call('GET', '/api/v1/calendar/days?year=2026&pageSize=200', { token: clerk });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total).toBe(body.items.length);
    const byDate = new Map(body.items.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get('2026-10-01')).toMatchObject({ kind: 'holiday', name: '国庆节' });
    expect(byDate.get('2026-02-14')).toMatchObject({ kind: 'workday' });
    const workdays = await t.call('GET', '/api/v1/calendar/days?year=2026&kind=workday', { token: clerk });
    expect(workdays.json().items.every((d: { kind: string }) => d.kind === 'workday')).toBe(true);
    expect(workdays.json().total).toBeGreaterThanOrEqual(5);
  });

  it('an admin marks a holiday and a deadline computed after it moves; deleting it moves it back', async () => {
    // Friday 2026-12-04 17:00 + 2 working hours: Monday 12-07 09:30 on the plain schedule
    const before = await preview(clerk, '2026-12-04T17:00:00+08:00', 2);
    expect(before.statusCode).toBe(200);
    expect(before.json().deadline).toBe(new Date('2026-12-07T09:30:00+08:00').toISOString());

    const put = await t.call('PUT', '/api/v1/calendar/days/2026-12-07', { token: admin, body: { kind: 'holiday', name: '城市纪念日' } });
    expect(put.statusCode).toBe(201);
    expect(put.json()).toMatchObject({ date: '2026-12-07', kind: 'holiday', name: '城市纪念日' });

    const after = await preview(clerk, '2026-12-04T17:00:00+08:00', 2);
    expect(after.json().deadline).toBe(new Date('2026-12-08T09:30:00+08:00').toISOString());

    // a make-up Saturday pulls it earlier than the plain schedule would
    expect((await t.call('PUT', '/api/v1/calendar/days/2026-12-05', { token: admin, body: { kind: 'workday', name: '调休上班' } })).statusCode).toBe(201);
    expect((await preview(clerk, '2026-12-04T17:00:00+08:00', 2)).json().deadline).toBe(new Date('2026-12-05T09:30:00+08:00').toISOString());

    expect((await t.call('DELETE', '/api/v1/calendar/days/2026-12-05', { token: admin })).statusCode).toBe(204);
    expect((await t.call('DELETE', '/api/v1/calendar/days/2026-12-07', { token: admin })).statusCode).toBe(204);
    expect((await preview(clerk, '2026-12-04T17:00:00+08:00', 2)).json().deadline).toBe(before.json().deadline);
    expect((await t.call('DELETE', '/api/v1/calendar/days/2026-12-07', { token: admin })).statusCode).toBe(404);

    const audit = await t.call('GET', '/api/v1/audit?targetType=calendar&pageSize=50', { token: admin });
    const actions = audit.json().items.map((e: { action: string; targetId: string }) => `${e.action} ${e.targetId}`);
    expect(actions).toEqual(expect.arrayContaining(['calendar.day.put 2026-12-07', 'calendar.day.put 2026-12-05', 'calendar.day.delete 2026-12-07']));
  });

  it('clock-hour deadlines ignore the calendar', async () => {
    const res = await preview(clerk, '2026-09-30T17:00:00+08:00', 24, false);
    expect(res.json().deadline).toBe(new Date('2026-10-01T17:00:00+08:00').toISOString());
    const working = await preview(clerk, '2026-09-30T17:00:00+08:00', 2, true);
    expect(working.json().deadline).toBe(new Date('2026-10-08T09:30:00+08:00').toISOString());
  });

  it("replacing a year's days is all or nothing", async () => {
    const bad = await t.call('PUT', '/api/v1/calendar/days', {
      token: admin,
      body: { year: 2027, days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }, { date: '2026-12-31', kind: 'holiday', name: 'wrong year' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('calendar.outside_year');
    expect((await t.call('GET', '/api/v1/calendar/days?year=2027', { token: admin })).json().total).toBe(0);

    const dup = await t.call('PUT', '/api/v1/calendar/days', { token: admin, body: { year: 2027, days: [{ date: '2027-01-01', kind: 'holiday' }, { date: '2027-01-01', kind: 'workday' }] } });
    expect(dup.json().code).toBe('calendar.duplicate_date');

    const ok = await t.call('PUT', '/api/v1/calendar/days', {
      token: admin,
      body: { year: 2027, days: [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }, { date: '2027-01-02', kind: 'holiday', name: '元旦' }] },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().map((d: { date: string }) => d.date)).toEqual(['2027-01-01', '2027-01-02']);
    // 2026 is untouched by a 2027 replacement
    expect((await t.call('GET', '/api/v1/calendar/days?year=2026&pageSize=200', { token: admin })).json().total).toBeGreaterThan(30);
    // Thursday 2026-12-31 17:00 + 2 h skips Friday 1-1 (holiday) and the weekend: Monday 1-4 09:30
    expect((await preview(clerk, '2026-12-31T17:00:00+08:00', 2)).json().deadline).toBe(new Date('2027-01-04T09:30:00+08:00').toISOString());
  });

  it('office hours can be changed and deadlines follow them', async () => {
    const get = await t.call('GET', '/api/v1/calendar/schedule', { token: clerk });
    expect(get.json()).toEqual({ periods: ['08:30-12:00', '13:30-18:00'], workingWeekdays: [1, 2, 3, 4, 5], offset: '+08:00' });
    const bad = await t.call('PUT', '/api/v1/calendar/schedule', { token: admin, body: { periods: ['09:00-12:00', '11:00-17:00'], workingWeekdays: [1, 2, 3, 4, 5] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('calendar.bad_schedule');
    const put = await t.call('PUT', '/api/v1/calendar/schedule', { token: admin, body: { periods: ['09:00-17:00'], workingWeekdays: [1, 2, 3, 4, 5] } });
    expect(put.statusCode).toBe(200);
    expect((await preview(clerk, '2026-11-23T16:00:00+08:00', 2)).json().deadline).toBe(new Date('2026-11-24T10:00:00+08:00').toISOString());
    await t.call('PUT', '/api/v1/calendar/schedule', { token: admin, body: { periods: ['08:30-12:00', '13:30-18:00'], workingWeekdays: [1, 2, 3, 4, 5] } });
  });

  it('only an admin edits the calendar; bad input is refused and nothing changes', async () => {
    const denied = await t.call('PUT', '/api/v1/calendar/days/2026-12-10', { token: clerk, body: { kind: 'holiday', name: 'x' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('auth.forbidden');
    expect((await t.call('GET', '/api/v1/calendar/days?year=2026&pageSize=200', { token: admin })).json().items.some((d: { date: string }) => d.date === '2026-12-10')).toBe(false);
    expect((await t.call('GET', '/api/v1/calendar/days')).statusCode).toBe(401);
    const badDate = await t.call('PUT', '/api/v1/calendar/days/2026-02-30', { token: admin, body: { kind: 'holiday' } });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.headers['content-type']).toMatch(/problem\+json/);
    expect((await t.call('PUT', '/api/v1/calendar/days/2026-12-10', { token: admin, body: { kind: 'weekend' } })).statusCode).toBe(400);
    expect((await preview(clerk, 'not-a-date', 2)).statusCode).toBe(400);
  });
});
