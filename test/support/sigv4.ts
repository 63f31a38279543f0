import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

/**
 * An AWS Signature Version 4 checker written from the specification, independent of the signer the server
 * uses (aws4), and held to AWS's own published example (sigv4.test.ts). s3rver, the fake S3 the storage test
 * runs, does not check V4 signatures itself; `verifyingProxy` does it in front of it.
 */
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export function sigV4Signature(r: {
  method: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  signedHeaders: string[];
  payloadHash: string;
  amzDate: string;
  region: string;
  service: string;
  secret: string;
}): string {
  const query = (r.query ?? '')
    .split('&')
    .filter(Boolean)
    .map((p) => p.split('='))
    .sort(([a], [b]) => (a! < b! ? -1 : 1))
    .map(([k, v]) => `${k}=${v ?? ''}`)
    .join('&');
  const canonicalHeaders = r.signedHeaders.map((h) => `${h}:${(r.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [r.method, r.path, query, canonicalHeaders, r.signedHeaders.join(';'), r.payloadHash].join('\n');
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${r.region}/${r.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${r.secret}`, day), r.region), r.service), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** Why a request fails the check, or null when its signature and payload hash are right. */
export function checkRequest(method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer, secret: string): string | null {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(String(headers.authorization ?? ''));
  if (!auth) return 'no SigV4 Authorization header';
  const payloadHash = String(headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== sha256(body)) return 'x-amz-content-sha256 is not the hash of the body';
  const [path, query] = url.split('?') as [string, string | undefined];
  const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
  const expected = sigV4Signature({ method, path, query, headers: flat, signedHeaders: auth[5]!.split(';'), payloadHash, amzDate: String(headers['x-amz-date']), region: auth[3]!, service: auth[4]!, secret });
  return expected === auth[6] ? null : 'signature does not match';
}

/** An HTTP proxy that passes on only correctly signed requests and answers the rest as S3 does (403). */
export async function verifyingProxy(target: string, secret: string): Promise<{ url: string; refused: string[]; close(): Promise<void> }> {
  const to = new URL(target);
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const why = checkRequest(req.method!, req.url!, req.headers, body, secret);
      if (why) {
        refused.push(`${req.method} ${req.url}: ${why}`);
        res.writeHead(403, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>${why}</Message></Error>`);
        return;
      }
      const upstream = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, refused, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
