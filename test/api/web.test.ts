import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProblemHandlers } from '../../src/server/http/problem.ts';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { webRoutes } from '../../src/server/web/routes.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { DEMO_PASSWORD, TEST_START } from '../support/constants.ts';

let t: TestApp;
const dataDir = mkdtempSync(join(tmpdir(), 'civicgrid-web-'));
beforeAll(async () => {
  t = await createTestApp({ CIVICGRID_DATA_DIR: dataDir });
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A multipart body as the portal's form sends it. */
function multipart(fields: Record<string, string>, files: { name: string; file: string; bytes: Buffer }[] = []) {
  const boundary = '----civicgrid-portal-boundary';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.file}"\r\nContent-Type: application/octet-stream\r\n\r\n`), f.bytes, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const report = (fields: Record<string, string>, files: { name: string; file: string; bytes: Buffer }[] = []) => t.call('POST', '/api/v1/public/reports', multipart(fields, files));

async function caseCount(): Promise<number> {
  const token = await t.login('admin');
  return (await t.call('GET', '/api/v1/cases?pageSize=1', { token })).json().total;
}

describe('UI settings', () => {
  it('tells the console, before sign-in, about the map, the demo accounts and the server clock', async () => {
    const res = await t.call('GET', '/api/v1/ui/config');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ mapTileUrl: null, mode: 'demo', demoPassword: DEMO_PASSWORD, serverTime: new Date(TEST_START).toISOString() });
    expect(body.demoAccounts.map((a: { username: string }) => a.username)).toEqual(expect.arrayContaining(['admin', 'dispatcher', 'clerk', 'handler.sz', 'gridworker']));
    t.clock.advanceHours(1);
    expect((await t.call('GET', '/api/v1/ui/config')).json().serverTime).toBe(new Date(Date.parse(TEST_START) + 3_600_000).toISOString());
  });

  it('passes a configured tile URL on, and never a custom demo password', async () => {
    const custom = await createTestApp({ MAP_TILE_URL: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', MAP_TILE_ATTRIBUTION: '© 示范市测绘院', CIVICGRID_DEMO_PASSWORD: 'a-secret-pass' });
    try {
      expect((await custom.call('GET', '/api/v1/ui/config')).json()).toMatchObject({ mapTileUrl: 'https://tiles.example.gov.cn/{z}/{x}/{y}.png', mapAttribution: '© 示范市测绘院', demoPassword: null });
    } finally {
      await custom.close();
    }
  });
});

describe('unknown API paths stay API errors', () => {
  it('answers problem+json 404, not the console page', async () => {
    for (const [method, url] of [['GET', '/api/v1/nothing-here'], ['GET', '/api/v2/cases'], ['POST', '/api/v1/nothing-here'], ['GET', '/api']] as const) {
      const res = await t.call(method, url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
      expect(res.json().code, url).toBe('route.not_found');
    }
  });
});

describe('serving the built console', () => {
  const dist = mkdtempSync(join(tmpdir(), 'civicgrid-dist-'));
  let app: ReturnType<typeof Fastify>;
  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><html lang="zh-CN"><div id="root"></div></html>');
    writeFileSync(join(dist, 'assets', 'app-1a2b3c.js'), 'console.log("console")');
    writeFileSync(join(tmpdir(), 'civicgrid-secret.txt'), 'secret');
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    installProblemHandlers(app);
    await app.register(webRoutes(t.deps, { distDir: dist }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers every client route with the app shell, uncached', async () => {
    for (const url of ['/', '/intake', '/cases/2026112300001', '/portal/track/2026112300001?x=1']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body).toContain('id="root"');
      expect(res.headers['cache-control'], url).toContain('no-cache');
    }
  });

  it('serves hashed assets cacheable for good', async () => {
    const res = await app.inject({ url: '/assets/app-1a2b3c.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('javascript');
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('never serves a file outside the build', async () => {
    for (const url of ['/..%2fcivicgrid-secret.txt', '/assets/..%2f..%2fcivicgrid-secret.txt', '/%2e%2e/%2e%2e/etc/passwd', '/%E0%A4%A']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body, url).not.toContain('secret');
      expect(res.body, url).not.toContain('root:');
    }
  });

  it('keeps API misses as problem+json, and says so when the console is not built', async () => {
    const miss = await app.inject({ url: '/api/v1/unknown' });
    expect([miss.statusCode, miss.json().code]).toEqual([404, 'route.not_found']);
    const bare = Fastify();
    installProblemHandlers(bare);
    bare.setValidatorCompiler(validatorCompiler);
    bare.setSerializerCompiler(serializerCompiler);
    await bare.register(webRoutes(t.deps, { distDir: join(dist, 'missing') }));
    const res = await bare.inject({ url: '/intake' });
    expect([res.statusCode, res.json().code]).toEqual([404, 'web.not_built']);
    await bare.close();
  });
});

describe('citizen portal report (no account)', () => {
  it('files a web case with its photo, masks the contact for staff and shows none of it to the public', async () => {
    const before = await caseCount();
    const city = (await t.call('GET', '/api/v1/geo/city')).json();
    const res = await report({ text: '公园东门井盖松动，踩上去会晃', lon: String(city.center[0]), lat: String(city.center[1]), name: '李女士', phone: '13900001111' }, [{ name: 'photo', file: 'manhole.jpg', bytes: tinyJpeg({ gps: true }) }]);
    expect(res.statusCode, res.body).toBe(201);
    const { code, ratingToken } = res.json();
    expect(code).toMatch(/^[0-9]{13}$/);
    expect(ratingToken.length).toBeGreaterThanOrEqual(10);
    expect(await caseCount()).toBe(before + 1);

    const staff = (await t.call('GET', `/api/v1/cases/${code}`, { token: await t.login('dispatcher') })).json();
    expect(staff).toMatchObject({ channel: 'web', state: 'received', reporter: { anonymous: false, phone: '139****1111' } });
    expect(staff.location.gridCode).toMatch(/^[0-9]{15}$/);
    expect(staff.attachments).toHaveLength(1);

    const pub = await t.call('GET', `/api/v1/public/cases/${code}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.body).not.toContain('13900001111');
    expect(pub.body).not.toContain('李女士');
    expect(pub.json().photos).toHaveLength(1);
    const photo = await t.call('GET', `/api/v1/public/cases/${code}/photos/${pub.json().photos[0]}`);
    expect(photo.statusCode).toBe(200);
    expect(photo.rawPayload.toString('latin1')).not.toContain('GPSLatitude');
  });

  it('files an anonymous report without any contact', async () => {
    const res = await report({ text: '小区里有人乱倒建筑垃圾', anonymous: 'true', phone: '13900002222' });
    expect(res.statusCode, res.body).toBe(201);
    const staff = (await t.call('GET', `/api/v1/cases/${res.json().code}`, { token: await t.login('dispatcher') })).json();
    expect(staff.reporter).toEqual({ anonymous: true, name: null, phone: null, email: null });
  });

  it('refuses bad input with problem+json and files nothing', async () => {
    const before = await caseCount();
    const cases: [Promise<Awaited<ReturnType<typeof report>>>, number, string][] = [
      [report({ text: 'x' }), 400, 'request.invalid'],
      [report({ text: '井盖坏了', lon: 'abc', lat: '31' }), 400, 'request.invalid'],
      [report({ text: '井盖坏了' }, [{ name: 'photo', file: 'page.jpg', bytes: Buffer.from('<html>not a photo</html>') }]), 415, 'attachment.unsupported_type'],
      [report({ text: '井盖坏了' }, [{ name: 'document', file: 'a.jpg', bytes: tinyJpeg({ gps: false }) }]), 400, 'portal.unknown_file'],
      [report({ text: '井盖坏了', lon: '0', lat: '0' }), 400, 'case.outside_city'],
      [t.call('POST', '/api/v1/public/reports', { body: { text: '井盖坏了' } }), 415, 'request.unsupported_media_type'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe(code);
    }
    expect(await caseCount()).toBe(before);
  });
});
