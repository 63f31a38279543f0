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

const notice2027 = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至12日（周五）放假调休，共8天。2月14日（周日）上班。`;

const year2027 = (token: string) => t.call('GET', '/api/v1/calendar/days?year=2027&pageSize=200', { token });

describe('holiday notice import (节假日通知): preview, then save', () => {
  it('an admin previews the pasted notice, nothing is saved until the year is put', async () => {
    const res = await t.call('POST', '/api/v1/calendar/notice-preview', { token: admin, body: { text: notice2027 } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.year).toBe(2027);
    expect(body.problems).toEqual([]);
    expect(body.days.filter((d: { kind: string }) => d.kind === 'holiday')).toHaveLength(11);
    expect(body.days).toContainEqual({ date: '2027-02-14', kind: 'workday', name: '春节调休上班' });
    expect((await year2027(admin)).json().total).toBe(0);

    const saved = await t.call('PUT', '/api/v1/calendar/days', { token: admin, body: { year: body.year, days: body.days } });
    expect(saved.statusCode).toBe(200);
    expect((await year2027(admin)).json().total).toBe(12);
  });

  it('text without a festival line is a problem+json 400; a clerk may not import', async () => {
    const empty = await t.call('POST', '/api/v1/calendar/notice-preview', { token: admin, body: { text: '各省、自治区、直辖市人民政府：' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.headers['content-type']).toMatch(/problem\+json/);
    expect(empty.json().code).toBe('calendar.notice_empty');

    const denied = await t.call('POST', '/api/v1/calendar/notice-preview', { token: clerk, body: { text: notice2027 } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('auth.forbidden');
  });
});
