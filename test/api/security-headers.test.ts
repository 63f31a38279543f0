import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// What a browser is told on every answer: JSON, problems and public pages alike.
const policy = [
  "default-src 'self'",
  "img-src 'self' data: blob: https:", // map tiles from MAP_TILE_URL and photos being previewed
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:", // MapLibre's workers
  "connect-src 'self' https:",
  "base-uri 'self'",
  "font-src 'self' https: data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  'upgrade-insecure-requests',
];
const expected = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('security headers', () => {
  it('are on a JSON answer, a problem and a public route, and nothing says what serves them', async () => {
    const token = await t.login('clerk');
    for (const res of [await t.call('GET', '/api/v1/auth/me', { token }), await t.call('GET', '/api/v1/nope'), await t.call('GET', '/healthz')]) {
      expect(res.headers).toMatchObject(expected);
      expect(String(res.headers['content-security-policy']).split(';').sort()).toEqual([...policy].sort());
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});
