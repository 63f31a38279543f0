import { createHash, createHmac } from 'node:crypto';

/**
 * Tencent Cloud API signature v3 (TC3-HMAC-SHA256), as the SMS API (sms.tencentcloudapi.com, SendSms) wants
 * it: canonical request → string to sign → key derived date → service → "tc3_request".
 */
export interface Tc3Request {
  host: string;
  service: string;
  action: string;
  version: string;
  region: string;
  payload: string;
  secretId: string;
  secretKey: string;
  /** seconds since the epoch */
  timestamp: number;
}

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

export function tc3Headers(r: Tc3Request): Record<string, string> {
  const date = new Date(r.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalRequest = ['POST', '/', '', `content-type:${TC3_CONTENT_TYPE}\nhost:${r.host}\n`, signedHeaders, sha256hex(r.payload)].join('\n');
  const scope = `${date}/${r.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(r.timestamp), scope, sha256hex(canonicalRequest)].join('\n');
  const signing = hmac(hmac(hmac(`TC3${r.secretKey}`, date), r.service), 'tc3_request');
  const signature = createHmac('sha256', signing).update(stringToSign, 'utf8').digest('hex');
  return {
    authorization: `TC3-HMAC-SHA256 Credential=${r.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    'content-type': TC3_CONTENT_TYPE,
    host: r.host,
    'x-tc-action': r.action,
    'x-tc-timestamp': String(r.timestamp),
    'x-tc-version': r.version,
    'x-tc-region': r.region,
  };
}
