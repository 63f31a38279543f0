import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import aws4 from 'aws4';
import { checkKey, type BlobStore } from './blob-store.ts';

export interface S3Options {
  /** `https://s3.cn-north-1.amazonaws.com.cn`, a MinIO or Ceph gateway, … */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `endpoint/bucket/key` (MinIO, most gateways) rather than `bucket.endpoint/key` (AWS virtual hosts) */
  pathStyle: boolean;
}

/** What an S3 request answered. */
interface S3Answer {
  status: number;
  body: Buffer;
}

/**
 * Attachments in an S3-compatible bucket: each call one signed (SigV4, via `aws4`) HTTP request, the payload's
 * SHA-256 signed too, so the store refuses bytes changed on the way. Keys are the server's own (`checkKey`).
 */
export function createS3BlobStore(o: S3Options): BlobStore & { check(): Promise<void> } {
  const base = new URL(o.endpoint);
  const secure = base.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const basePath = base.pathname.replace(/\/$/, '');
  const host = o.pathStyle ? base.host : `${o.bucket}.${base.host}`;
  const pathOf = (key: string) => (o.pathStyle ? `${basePath}/${o.bucket}` : basePath) + (key ? `/${key}` : '') || '/';

  function send(method: 'GET' | 'PUT' | 'DELETE' | 'HEAD', key: string, body?: Buffer, contentType?: string): Promise<S3Answer> {
    const payload = body ?? Buffer.alloc(0);
    const request = aws4.sign(
      {
        host,
        path: pathOf(key),
        method,
        service: 's3',
        region: o.region,
        headers: {
          'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex'),
          ...(contentType ? { 'content-type': contentType } : {}),
          ...(body ? { 'content-length': String(payload.length) } : {}),
        },
      },
      { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    );
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        { protocol: base.protocol, hostname: base.hostname, port: base.port, method, path: request.path, headers: request.headers as http.OutgoingHttpHeaders, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`S3 ${method} ${key}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  const failure = (what: string, a: S3Answer) => {
    const code = /<Code>([^<]+)<\/Code>/.exec(a.body.toString())?.[1];
    return new Error(`S3 ${what}: ${a.status}${code ? ` ${code}` : ''}`);
  };

  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      checkKey(key);
      const a = await send('PUT', key, bytes, contentType);
      if (a.status !== 200) throw failure(`PUT ${key}`, a);
    },
    async get(key) {
      checkKey(key);
      const a = await send('GET', key);
      if (a.status === 404) return null;
      if (a.status !== 200) throw failure(`GET ${key}`, a);
      return a.body;
    },
    async delete(key) {
      checkKey(key);
      const a = await send('DELETE', key);
      if (a.status !== 204 && a.status !== 200 && a.status !== 404) throw failure(`DELETE ${key}`, a);
    },
    /** At start-up: the bucket exists and these credentials may use it. */
    async check() {
      const a = await send('HEAD', '');
      if (a.status !== 200) throw new Error(`S3 bucket ${o.bucket} at ${o.endpoint}: ${a.status === 404 ? 'no such bucket' : a.status === 403 ? 'access denied (check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)' : `answered ${a.status}`}`);
    },
  };
}
