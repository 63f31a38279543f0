import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk } from './cases-support.ts';
import { deliver, outbox, portalReport, startSmtp } from './notify-support.ts';

// A citizen who leaves an email address hears back by email, from a real SMTP server; an outage of that server
// delays the notice (outbox, backoff) but loses nothing, and never blocks the case.
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let admin: string;
let clerk: string;
beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, NOTIFY_FROM: 'CivicGrid 12345 <noreply@demo.city>', PUBLIC_BASE_URL: 'https://12345.demo.city' });
  [admin, clerk] = await Promise.all([t.login('admin'), t.login('clerk')]);
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

describe('email to the reporter', () => {
  it('sends the receipt with the code and later the closure notice with a rating link, surviving an SMTP outage', async () => {
    const res = await portalReport(t, { text: '请问居住证怎么办理，需要带什么材料', email: 'wang.citizen@example.org', phone: '13812345678' });
    expect(res.statusCode, res.body).toBe(201);
    const { code, ratingCode } = res.json() as { code: string; ratingCode: string };
    expect(ratingCode).toMatch(/^[0-9]{6}$/);

    const first = await deliver(t, admin);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    const receipt = smtp.mails.find((m) => m.to.includes('wang.citizen@example.org'));
    expect(receipt, 'receipt arrived').toBeDefined();
    expect(receipt!.raw).toContain(`您的诉求已受理（${code}）`);
    expect(receipt!.raw).toContain(ratingCode);
    expect(receipt!.raw).toContain(`https://12345.demo.city/portal/track/${code}`);
    // the other party's data never: the phone the reporter also gave is not in the email
    expect(receipt!.raw).not.toContain('13812345678');

    // the mail server goes down; the clerk closes the case (直接办结) regardless
    await smtp.stop();
    await actOk(t, clerk, code, 'answer', { nature: 'consult', answer: '携带身份证和租房合同到社区服务中心申领居住证。' });
    const failed = await deliver(t, admin);
    expect(failed.retry).toBe(1);
    const waiting = (await outbox(t, admin, `&caseCode=${code}`)).find((m) => m.event === 'case.closed' && m.channel === 'email')!;
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting.lastError).toBeTruthy();
    expect(waiting.lastError).not.toContain('wang.citizen');

    // back up: nothing is due before the backoff has passed, everything after
    await smtp.restart();
    expect((await deliver(t, admin)).sent).toBe(0);
    t.clock.advance(31_000);
    const again = await deliver(t, admin);
    expect(again.sent).toBe(1);
    const closure = smtp.mails.find((m) => m.raw.includes(`您的诉求已办结（${code}）`));
    expect(closure, 'closure notice arrived').toBeDefined();
    expect(closure!.to).toEqual(['wang.citizen@example.org']);
    expect(closure!.raw).toContain('携带身份证和租房合同');
    expect(closure!.raw).toContain(`https://12345.demo.city/portal/track/${code}`);
    expect(closure!.raw).toContain(ratingCode);
    expect((await outbox(t, admin, `&caseCode=${code}`)).find((m) => m.id === waiting.id)).toMatchObject({ status: 'sent', deliveredVia: 'email', attempts: 2 });

    // the SMS copy had no gateway configured: in demo it lands in the dev outbox, readable by admins
    const sms = (await outbox(t, admin, `&caseCode=${code}`)).filter((m) => m.channel === 'sms');
    expect(sms.map((m) => m.deliveredVia)).toEqual(['dev', 'dev']);
    expect(sms.some((m) => m.body?.includes(ratingCode))).toBe(true);
  });

  it('dead-letters after the last attempt and an admin sends it again', async () => {
    const res = await portalReport(t, { text: '小区门口路灯坏了', email: 'li@example.org' });
    const { code } = res.json() as { code: string };
    await smtp.stop();
    for (let i = 0; i < 8; i++) {
      await deliver(t, admin);
      t.clock.advance(3600_000); // more than every backoff up to the 8th attempt (≤ 32 min)
    }
    const dead = (await outbox(t, admin, '&status=dead')).find((m) => m.caseCode === code)!;
    expect(dead).toMatchObject({ channel: 'email', attempts: 8 });
    expect((await t.call('POST', `/api/v1/notify/outbox/${dead.id}/retry`, { token: clerk })).statusCode).toBe(403);
    await smtp.restart();
    const retried = await t.call('POST', `/api/v1/notify/outbox/${dead.id}/retry`, { token: admin });
    expect(retried.statusCode, retried.body).toBe(200);
    expect((await deliver(t, admin)).sent).toBe(1);
    expect(smtp.mails.some((m) => m.to.includes('li@example.org'))).toBe(true);
    expect((await t.call('POST', `/api/v1/notify/outbox/${dead.id}/retry`, { token: admin })).statusCode).toBe(409);
  });
});

describe('staff choose their channel', () => {
  it('a handler who chose email gets the dispatch notice by email too; in-app only means none', async () => {
    const [handler, dispatcher] = [await t.login('handler.sz'), await t.login('dispatcher')];
    expect((await t.call('GET', '/api/v1/notify/preferences', { token: handler })).json()).toMatchObject({ channel: 'inapp' });
    expect((await t.call('PUT', '/api/v1/notify/preferences', { token: handler, body: { channel: 'email' } })).statusCode).toBe(400);
    const set = await t.call('PUT', '/api/v1/notify/preferences', { token: handler, body: { channel: 'email', email: 'handler.sz@demo.city' } });
    expect(set.statusCode, set.body).toBe(200);
    const c = await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: '人民路路灯不亮', category: '0501' } });
    const code = c.json().code as string;
    await actOk(t, dispatcher, code, 'file');
    await actOk(t, dispatcher, code, 'dispatch');
    await deliver(t, admin);
    const mail = smtp.mails.find((m) => m.to.includes('handler.sz@demo.city') && m.raw.includes(code));
    expect(mail?.raw).toContain(`新派遣案件 ${code}`);

    await t.call('PUT', '/api/v1/notify/preferences', { token: handler, body: { channel: 'inapp' } });
    const before = smtp.mails.length;
    await actOk(t, await t.login('handler.sz'), code, 'accept');
    await actOk(t, dispatcher, code, 'note', { reason: '请尽快处理' });
    await deliver(t, admin);
    expect(smtp.mails.slice(before).some((m) => m.to.includes('handler.sz@demo.city'))).toBe(false);
  });
});
