import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
      if (!tc3Valid(r)) return res.end(JSON.stringify({ Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' }, RequestId: 'x' } }));
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

  it('a signature the gateway refuses is retried, not lost', async () => {
    const bad = await createTestApp({ SMS_GATEWAY_URL: `http://127.0.0.1:${port}/`, SMS_PROVIDER: 'tencent', SMS_SECRET_ID: SECRET_ID, SMS_SECRET_KEY: 'wrong-key', SMS_APP_ID: '1', SMS_SIGN_NAME: 's', SMS_TEMPLATE_ID: '1' });
    try {
      const [a, k] = [await bad.login('admin'), await bad.login('clerk')];
      const c = await intake(bad, k, { text: '公积金怎么提取', nature: 'consult', reporter: { phone: '13566668888' } });
      expect((await deliver(bad, a)).retry).toBe(1);
      const row = (await outbox(bad, a, `&caseCode=${c.code}`))[0]!;
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.lastError).toContain('AuthFailure');
    } finally {
      await bad.close();
    }
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
