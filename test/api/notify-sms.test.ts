import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createServices } from '../../src/server/services.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake } from './cases-support.ts';
import { deliver, outbox } from './notify-support.ts';

// SMS through Tencent Cloud's SendSms API: a local fake gateway checks the TC3-HMAC-SHA256 signature with its own
// implementation of the published algorithm. The same server plays a DingTalk robot that checks its sign.
const SECRET_ID = 'AKIDtestSecretId000001';
const SECRET_KEY = 'test-secret-key-0123456789';
const DING_SECRET = 'SECdingtalk-test-secret';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const received: Received[] = [];
let server: Server;
/** the gateway refuses every request while set (an expired key, an outage) */
let refuse = false;
let port: number;
let t: TestApp;
let admin: string;
let clerk: string;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s).digest();

/** The gateway's side of TC3: rebuild the canonical request from what arrived and compare signatures. */
function tc3Valid(r: Received): boolean {
  const auth = String(r.headers.authorization ?? '');
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== SECRET_ID) return false;
  const ts = Number(r.headers['x-tc-timestamp']);
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== m[2]) return false;
  const canonical = `POST\n/\n\ncontent-type:${r.headers['content-type']}\nhost:${r.headers.host}\n\ncontent-type;host\n${sha256(r.body)}`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${m[2]}/sms/tc3_request\n${sha256(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${SECRET_KEY}`, m[2]!), 'sms'), 'tc3_request');
  return createHmac('sha256', key).update(toSign).digest('hex') === m[3];
}

function dingValid(url: URL): boolean {
  const ts = url.searchParams.get('timestamp');
  const sign = url.searchParams.get('sign');
  return !!ts && sign === createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      res.setHeader('content-type', 'application/json');
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/robot/send') return res.end(JSON.stringify(dingValid(url) ? { errcode: 0 } : { errcode: 310000, errmsg: 'sign not match' }));
      if (refuse || !tc3Valid(r)) return res.end(JSON.stringify({ Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' }, RequestId: 'x' } }));
      res.end(JSON.stringify({ Response: { SendStatusSet: [{ Code: 'Ok', Message: 'send success' }], RequestId: 'y' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  t = await createTestApp({
    SMS_GATEWAY_URL: `http://127.0.0.1:${port}/`,
    SMS_PROVIDER: 'tencent',
    SMS_SECRET_ID: SECRET_ID,
    SMS_SECRET_KEY: SECRET_KEY,
    SMS_APP_ID: '1400000001',
    SMS_SIGN_NAME: '示范市12345',
    SMS_TEMPLATE_ID: '100001',
    ROBOT_WEBHOOK_URLS: `dingtalk=http://127.0.0.1:${port}/robot/send?access_token=abc#${DING_SECRET}`,
  });
  [admin, clerk] = await Promise.all([t.login('admin'), t.login('clerk')]);
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => server.close(r));
});

describe('SMS through Tencent Cloud SMS', () => {
  it('sends a signed SendSms request the gateway accepts, with the case code and rating code as parameters', async () => {
    const c = await intake(t, clerk, { text: '公积金怎么提取', nature: 'consult', reporter: { phone: '13566667777' } });
    const before = received.length;
    const counts = await deliver(t, admin);
    expect(counts.sent).toBeGreaterThanOrEqual(1);
    const sms = received.slice(before).find((r) => r.headers['x-tc-action'] === 'SendSms')!;
    expect(tc3Valid(sms)).toBe(true);
    expect(sms.headers['x-tc-version']).toBe('2021-01-11');
    expect(JSON.parse(sms.body)).toMatchObject({ PhoneNumberSet: ['+8613566667777'], SmsSdkAppId: '1400000001', SignName: '示范市12345', TemplateId: '100001', TemplateParamSet: [c.code, (c as { ratingCode?: string }).ratingCode] });
    expect((await outbox(t, admin, `&caseCode=${c.code}`))[0]).toMatchObject({ status: 'sent', deliveredVia: 'sms' });
  });

  it('a refusal by the gateway is retried, not lost; a tampered request fails the check', async () => {
    const c = await intake(t, clerk, { text: '公积金怎么提取', nature: 'consult', reporter: { phone: '13566668888' } });
    refuse = true;
    try {
      expect((await deliver(t, admin)).retry).toBeGreaterThanOrEqual(1);
    } finally {
      refuse = false;
    }
    const row = (await outbox(t, admin, `&caseCode=${c.code}`)).find((m) => m.channel === 'sms')!;
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toContain('AuthFailure');
    t.clock.advance(31_000);
    expect((await deliver(t, admin)).sent).toBeGreaterThanOrEqual(1);
    const last = received.filter((r) => r.headers['x-tc-action'] === 'SendSms').at(-1)!;
    expect(tc3Valid(last)).toBe(true);
    expect(tc3Valid({ ...last, body: last.body.replace('13566668888', '13500000000') })).toBe(false);
  });
});

describe('group robots', () => {
  it('a red card reaches the DingTalk robot with a valid sign', async () => {
    const dispatcher = await t.login('dispatcher');
    const c = await intake(t, clerk, { text: '小区旁边工地夜间施工噪音太大', category: '0301' });
    await actOk(t, dispatcher, c.code, 'file');
    await actOk(t, dispatcher, c.code, 'dispatch');
    t.clock.advance(60 * 86_400_000);
    const [freshAdmin] = [await t.login('admin')];
    const sweep = await t.call('POST', '/api/v1/admin/sweep', { token: freshAdmin });
    expect(sweep.json().red).toBeGreaterThanOrEqual(1);
    const before = received.length;
    await deliver(t, freshAdmin);
    const robot = received.slice(before).filter((r) => r.path.startsWith('/robot/send'));
    expect(robot.length).toBeGreaterThanOrEqual(1);
    const mine = robot.find((r) => r.body.includes(c.code))!;
    expect(dingValid(new URL(mine.path, 'http://x'))).toBe(true);
    expect(JSON.parse(mine.body)).toMatchObject({ msgtype: 'text' });
    expect(JSON.parse(mine.body).text.content).toContain('红牌督办');
  });
});

describe('我的诉求 by phone and a one-time code', () => {
  it('sends a code by SMS, shows that phone’s reports for it once, and limits codes and tries', async () => {
    [admin, clerk] = [await t.login('admin'), await t.login('clerk')]; // the red-card test moved the clock past the sessions
    const c = await intake(t, clerk, { text: '小区垃圾桶满了没人清', category: '0106', reporter: { phone: '13577778888' } });
    await intake(t, clerk, { text: '别人的诉求', category: '0106', reporter: { phone: '13577779999' } });
    expect((await t.call('POST', '/api/v1/public/my/code', { body: { phone: '12345' } })).statusCode).toBe(400);
    expect((await t.call('POST', '/api/v1/public/my/code', { body: { phone: '135 7777 8888' } })).statusCode).toBe(202);
    const before = received.length;
    await deliver(t, admin);
    const sms = received.slice(before).map((r) => JSON.parse(r.body) as { PhoneNumberSet?: string[]; TemplateParamSet?: string[] }).find((b) => b.PhoneNumberSet?.[0] === '+8613577778888' && b.TemplateParamSet?.length === 1)!;
    const code = sms.TemplateParamSet![0]!;
    expect(code).toMatch(/^[0-9]{6}$/);
    // the code is not kept once it has been sent
    expect((await t.deps.db.selectFrom('citizen_otps').select('code_enc').execute()).every((r) => r.code_enc === null)).toBe(true);

    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect((await t.call('POST', '/api/v1/public/my/reports', { body: { phone: '13577778888', code: wrongCode } })).statusCode).toBe(403);
    const mine = await t.call('POST', '/api/v1/public/my/reports', { body: { phone: '13577778888', code } });
    expect(mine.statusCode, mine.body).toBe(200);
    const items = mine.json().items as { code: string; url: string }[];
    expect(items.map((i) => i.code)).toEqual([c.code]);
    expect(items[0]!.url).toBe(`/portal/track/${c.code}`);
    expect(mine.body).not.toContain('13577778888');
    // one use
    expect((await t.call('POST', '/api/v1/public/my/reports', { body: { phone: '13577778888', code } })).statusCode).toBe(403);
    // three codes an hour
    expect((await t.call('POST', '/api/v1/public/my/code', { body: { phone: '13577778888' } })).statusCode).toBe(202);
    expect((await t.call('POST', '/api/v1/public/my/code', { body: { phone: '13577778888' } })).statusCode).toBe(202);
    expect((await t.call('POST', '/api/v1/public/my/code', { body: { phone: '13577778888' } })).statusCode).toBe(429);
  });
});

describe('居民认证码 by SMS through the notify outbox', () => {
  it('a resident’s code is queued sealed, sent by the SMS gateway, then cleared; neither code nor phone reaches the log', async () => {
    let log = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((log += String(chunk)), done()) });
    const deps = { ...t.deps, logger: createLogger('debug', sink) };
    const app = await buildApp({ deps, taxonomy: loadTaxonomy(), services: createServices(deps, loadTaxonomy()) });
    await app.ready();
    try {
      const token = await t.login('admin');
      const p = await t.deps.db.selectFrom('people').select(['id_number_sealed', 'phone_sealed']).where('phone_sealed', 'is not', null).orderBy('id').limit(1).executeTakeFirstOrThrow();
      const [idNumber, phone] = [t.deps.pii.decrypt(p.id_number_sealed), t.deps.pii.decrypt(p.phone_sealed!)];
      const asked = await app.inject({ method: 'POST', url: '/api/v1/public/participation/residents/code', payload: { idNumber, phone } });
      expect(asked.statusCode, asked.body).toBe(202);

      // queued in notify's outbox, with nothing readable at rest
      const row = await t.deps.db.selectFrom('notify_outbox').selectAll().where('event', '=', 'resident.otp').orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(row).toMatchObject({ recipient_type: 'resident', channel: 'sms', status: 'pending' });
      const atRest = JSON.stringify(row);
      expect(atRest).not.toContain(phone);
      expect(atRest).not.toContain('居民认证码');

      const before = received.length;
      const counts = await app.inject({ method: 'POST', url: '/api/v1/notify/outbox/deliver', headers: { authorization: `Bearer ${token}` } });
      expect(counts.json().sent, counts.body).toBeGreaterThanOrEqual(1);
      const sms = received.slice(before).find((r) => r.headers['x-tc-action'] === 'SendSms' && JSON.parse(r.body).PhoneNumberSet?.[0] === `+86${phone}`)!;
      expect(tc3Valid(sms)).toBe(true);
      const code = (JSON.parse(sms.body) as { TemplateParamSet: string[] }).TemplateParamSet[0]!;
      expect(code).toMatch(/^[0-9]{6}$/);

      const sent = await t.deps.db.selectFrom('notify_outbox').select(['status', 'delivered_via', 'params', 'body']).where('id', '=', row.id).executeTakeFirstOrThrow();
      expect(sent).toMatchObject({ status: 'sent', delivered_via: 'sms', params: {}, body: null });
      // participation accepts the code that came by SMS and opens a session
      const verified = await app.inject({ method: 'POST', url: '/api/v1/public/participation/residents/verify', payload: { idNumber, phone, code } });
      expect(verified.statusCode, verified.body).toBe(200);
      // and its demo outbox got nothing: the gateway is the way out once configured
      expect(await t.deps.db.selectFrom('participation_dev_outbox').selectAll().execute()).toEqual([]);

      expect(log).toContain('incoming request');
      for (const secret of [code, phone, idNumber]) expect(log).not.toContain(secret);
    } finally {
      await app.close();
    }
  });
});
