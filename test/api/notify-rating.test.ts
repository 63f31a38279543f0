import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake } from './cases-support.ts';

// 评价码: six digits a person can say aloud, bound to the case and the reporter's phone, locked after 5 wrong tries.
let t: TestApp;
let clerk: string;
beforeAll(async () => {
  t = await createTestApp();
  clerk = await t.login('clerk');
});
afterAll(() => t.close());

async function answeredCase(phone = '13911112222') {
  const c = await intake(t, clerk, { text: '社保卡丢了怎么补办', nature: 'consult', reporter: { phone } });
  await actOk(t, clerk, c.code, 'answer', { answer: '带身份证到合作银行网点挂失补办。' });
  return c as typeof c & { ratingCode: string };
}
const rate = (code: string, body: Record<string, unknown>) => t.call('POST', `/api/v1/public/cases/${code}/rating-code`, { body: { rating: 'satisfied', ...body } });
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('rating by a six-digit code', () => {
  it('is in the intake answer, rates with the matching phone, and only once', async () => {
    const c = await answeredCase();
    expect(c.ratingCode).toMatch(/^[0-9]{6}$/);
    expect(c.ratingToken.length).toBeGreaterThan(20); // the old token still comes along
    const otherPhone = await rate(c.code, { ratingCode: c.ratingCode, phone: '13800000000' });
    expect(otherPhone.statusCode).toBe(403);
    expect(otherPhone.json()).toMatchObject({ code: 'case.bad_rating_code', triesLeft: 4 });
    const ok = await rate(c.code, { ratingCode: c.ratingCode, phone: '139 1111 2222', rating: 'basically_satisfied' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'rated', rating: 'basically_satisfied' });
    expect((await rate(c.code, { ratingCode: c.ratingCode, phone: '13911112222' })).statusCode).toBe(409);
  });

  it('locks the case after five wrong tries, even for the right code', async () => {
    const c = await answeredCase('13922223333');
    for (let i = 1; i <= 5; i++) {
      const res = await rate(c.code, { ratingCode: wrong(c.ratingCode), phone: '13922223333' });
      expect(res.statusCode).toBe(403);
      expect(res.json().triesLeft).toBe(5 - i);
    }
    const locked = await rate(c.code, { ratingCode: c.ratingCode, phone: '13922223333' });
    expect(locked.statusCode).toBe(403);
    expect(locked.json().code).toBe('case.rating_code_locked');
    // the clerk can still rate on the caller's behalf (a callback)
    expect((await actOk(t, clerk, c.code, 'rate', { rating: 'satisfied' })).state).toBe('rated');
  });

  it("one case's code does not rate another, and bad input is refused before counting", async () => {
    const a = await answeredCase('13933334444');
    const b = await answeredCase('13933334444');
    if (a.ratingCode !== b.ratingCode) expect((await rate(b.code, { ratingCode: a.ratingCode, phone: '13933334444' })).statusCode).toBe(403);
    expect((await rate(b.code, { ratingCode: '12345', phone: '13933334444' })).statusCode).toBe(400);
    expect((await rate(b.code, { ratingCode: b.ratingCode, phone: '13933334444' })).statusCode).toBe(200);
  });
});
