import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { TestApp } from '../support/harness.ts';

export interface Mail {
  to: string[];
  raw: string;
}

/** A real SMTP server (smtp-server) on a local port that keeps what it receives; it can be stopped and restarted on the same port. */
export async function startSmtp(port = 0): Promise<{ port: number; mails: Mail[]; stop(): Promise<void>; restart(): Promise<void> }> {
  const mails: Mail[] = [];
  let server: SMTPServer;
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS', 'AUTH'],
        logger: false,
        onData(stream, session, done) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: decodeMail(Buffer.concat(chunks).toString('utf8')) });
            done();
          });
        },
      });
      server.on('error', reject);
      server.listen(p, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  const bound = await listen(port);
  return {
    port: bound,
    mails,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    restart: async () => void (await listen(bound)),
  };
}

/** Headers and the text body with quoted-printable / base64 undone, so a test can read the Chinese text. */
function decodeMail(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(head ?? '')?.[1] ?? '';
  const decodedSubject = subject.replace(/\r?\n[ \t]/g, '').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' ')),
  );
  const encoding = /^Content-Transfer-Encoding: (\S+)/im.exec(head ?? '')?.[1]?.toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? qp(body) : body;
  return `Subject: ${decodedSubject}\n\n${text}`;
}

function qp(s: string): string {
  const bytes: number[] = [];
  const src = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(src[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A multipart body as the portal's form sends it. */
export function portalReport(t: TestApp, fields: Record<string, string>) {
  const boundary = '----civicgrid-notify-boundary';
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  const payload = Buffer.from(`${parts.join('')}--${boundary}--\r\n`);
  return t.call('POST', '/api/v1/public/reports', { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}

export const deliver = async (t: TestApp, token: string) => {
  const res = await t.call('POST', '/api/v1/notify/outbox/deliver', { token });
  if (res.statusCode !== 200) throw new Error(`deliver: ${res.statusCode} ${res.body}`);
  return res.json() as { sent: number; dev: number; skipped: number; retry: number; dead: number };
};

export type OutboxItem = { id: number; status: string; channel: string; event: string; caseCode: string | null; attempts: number; lastError: string | null; deliveredVia: string | null; body: string | null };
export const outbox = async (t: TestApp, token: string, query = '') => ((await t.call('GET', `/api/v1/notify/outbox?pageSize=200${query}`, { token })).json() as { items: OutboxItem[] }).items;
