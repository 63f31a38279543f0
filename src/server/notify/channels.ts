import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import { tc3Headers } from './tc3.ts';

export type ChannelKind = 'email' | 'sms' | 'robot';

export interface Message {
  /** email address, phone number; unused for robots (their webhook is the address) */
  to: string;
  subject: string;
  text: string;
  /** short values for SMS templates that take parameters (Tencent SMS) */
  params: string[];
}

/** One way out. `send` resolves when the far side accepted the message and throws when it did not. */
export interface Channel {
  kind: ChannelKind;
  send(message: Message): Promise<void>;
  close?(): void;
}

const TIMEOUT_MS = 10_000;

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${new URL(url).host}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Email over SMTP (nodemailer): smtp://host:port for an unauthenticated relay, smtps://user:pass@host for a real one. */
export function emailChannel(config: Config): Channel {
  const transport = nodemailer.createTransport(config.SMTP_URL!, { from: config.NOTIFY_FROM } as never);
  return {
    kind: 'email',
    async send(m) {
      await transport.sendMail({ from: config.NOTIFY_FROM, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transport.close(),
  };
}

/** SMS through an HTTP gateway: a generic JSON webhook, or Tencent Cloud SMS SendSms signed with TC3-HMAC-SHA256. */
export function smsChannel(config: Config, now: () => Date): Channel {
  const url = config.SMS_GATEWAY_URL!;
  if (config.SMS_PROVIDER === 'tencent') {
    const host = new URL(url).host;
    return {
      kind: 'sms',
      async send(m) {
        const payload = JSON.stringify({
          PhoneNumberSet: [m.to.startsWith('+') ? m.to : `+86${m.to}`],
          SmsSdkAppId: config.SMS_APP_ID,
          SignName: config.SMS_SIGN_NAME,
          TemplateId: config.SMS_TEMPLATE_ID,
          TemplateParamSet: m.params,
        });
        const headers = tc3Headers({ host, service: 'sms', action: 'SendSms', version: '2021-01-11', region: config.SMS_REGION, payload, secretId: config.SMS_SECRET_ID!, secretKey: config.SMS_SECRET_KEY!, timestamp: Math.floor(now().getTime() / 1000) });
        const answer = (await postJson(url, payload, headers)) as { Response?: { Error?: { Code: string; Message: string }; SendStatusSet?: { Code: string; Message?: string }[] } };
        const err = answer.Response?.Error;
        if (err) throw new Error(`tencent sms: ${err.Code}`);
        const status = answer.Response?.SendStatusSet?.[0];
        if (!status || status.Code !== 'Ok') throw new Error(`tencent sms: ${status?.Code ?? 'no status'}`);
      },
    };
  }
  return {
    kind: 'sms',
    async send(m) {
      await postJson(url, { to: m.to, text: m.text, params: m.params }, config.SMS_SECRET_KEY ? { authorization: `Bearer ${config.SMS_SECRET_KEY}` } : {});
    },
  };
}

export interface Robot {
  kind: 'wecom' | 'dingtalk' | 'feishu';
  url: string;
  /** DingTalk / Feishu signing secret (after # in the configured URL) */
  secret?: string;
}

export function parseRobots(value: string | undefined): Robot[] {
  if (!value) return [];
  return value.split(',').map((entry) => {
    const eq = entry.indexOf('=');
    const kind = entry.slice(0, eq) as Robot['kind'];
    const [url, secret] = entry.slice(eq + 1).split('#');
    return { kind, url: url!, ...(secret ? { secret } : {}) };
  });
}

/** DingTalk's signed robot URL: HMAC-SHA256 over "timestamp\nsecret" keyed by the secret, base64, URL-encoded. */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return `${url}${url.includes('?') ? '&' : '?'}timestamp=${timestampMs}&sign=${encodeURIComponent(sign)}`;
}

/** Feishu's body signature: HMAC-SHA256 keyed by "timestamp\nsecret" over nothing, base64. */
export function feishuSign(secret: string, timestampS: number): string {
  return createHmac('sha256', `${timestampS}\n${secret}`).update('').digest('base64');
}

/** Group robots (WeCom, DingTalk, Feishu) for staff alerts; a message goes to every configured robot. */
export function robotChannel(robots: Robot[], now: () => Date): Channel {
  return {
    kind: 'robot',
    async send(m) {
      const content = `${m.subject}\n${m.text}`;
      for (const r of robots) {
        const at = now().getTime();
        if (r.kind === 'wecom') {
          const answer = (await postJson(r.url, { msgtype: 'text', text: { content } })) as { errcode?: number };
          if (answer.errcode) throw new Error(`wecom robot: errcode ${answer.errcode}`);
        } else if (r.kind === 'dingtalk') {
          const answer = (await postJson(r.secret ? dingtalkSignedUrl(r.url, r.secret, at) : r.url, { msgtype: 'text', text: { content } })) as { errcode?: number };
          if (answer.errcode) throw new Error(`dingtalk robot: errcode ${answer.errcode}`);
        } else {
          const ts = Math.floor(at / 1000);
          const answer = (await postJson(r.url, { msg_type: 'text', content: { text: content }, ...(r.secret ? { timestamp: String(ts), sign: feishuSign(r.secret, ts) } : {}) })) as { code?: number };
          if (answer.code) throw new Error(`feishu robot: code ${answer.code}`);
        }
      }
    },
  };
}

/** The channels this deployment has configured; a kind left out is delivered to the dev outbox (or skipped). */
export function channelsFromConfig(config: Config, now: () => Date): Partial<Record<ChannelKind, Channel>> {
  const out: Partial<Record<ChannelKind, Channel>> = {};
  if (config.SMTP_URL) out.email = emailChannel(config);
  if (config.SMS_GATEWAY_URL) out.sms = smsChannel(config, now);
  const robots = parseRobots(config.ROBOT_WEBHOOK_URLS);
  if (robots.length) out.robot = robotChannel(robots, now);
  return out;
}
