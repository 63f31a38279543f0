import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { blobStoreFor } from '../../src/server/storage/from-config.ts';
import { createS3BlobStore } from '../../src/server/storage/s3-blob-store.ts';
import { jpegHasApp1 } from '../../src/server/storage/strip-metadata.ts';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { verifyingProxy } from '../support/sigv4.ts';
import { actOk, gridWorkerPoint, intake, loginAll, upload, type Tokens } from './cases-support.ts';

// Attachments in an S3-compatible bucket: s3rver (a fake S3) behind a proxy that checks every request's SigV4
// signature and payload hash with a checker held to AWS's published example (test/support/sigv4.test.ts), so
// a wrongly signed request fails here as it would on a real store.
const BUCKET = 'civicgrid-attachments';
let s3: S3rver;
let proxy: Awaited<ReturnType<typeof verifyingProxy>>;
let dir: string;
let endpoint: string;
let t: TestApp;
let tok: Tokens;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'civicgrid-s3-'));
  s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await s3.run();
  proxy = await verifyingProxy(`http://127.0.0.1:${port}`, 'S3RVER');
  endpoint = proxy.url;
  t = await createTestApp({ CIVICGRID_STORAGE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' });
  tok = await loginAll(t);
});
afterAll(async () => {
  await t.close();
  await proxy.close();
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

const store = (secret = 'S3RVER', bucket = BUCKET) => createS3BlobStore({ endpoint, bucket, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: secret, pathStyle: true });

describe('S3-compatible attachment storage', () => {
  it('keeps a case photo in the bucket, original for staff, a GPS-free copy for the public', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const { code } = await intake(t, tok.clerk, { text: '人行道地砖破损', category: '0101', lon: p.lon, lat: p.lat });
    const photo = tinyJpeg({ gps: true });
    const added = await upload(t, tok.gridworker, code, photo);
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json().id as string;
    const detail = await actOk(t, tok.admin, code, 'note', { reason: '现场照片', attachments: [id] });
    const caseId = (await t.deps.db.selectFrom('cases').select('id').where('code', '=', detail.code).executeTakeFirstOrThrow()).id;
    // in the bucket, under the server's own keys
    const original = await store().get(`cases/${caseId}/${id}`);
    expect(original?.equals(photo)).toBe(true);
    const publicCopy = await store().get(`cases/${caseId}/${id}.public`);
    expect(jpegHasApp1(photo)).toBe(true);
    expect(publicCopy && jpegHasApp1(publicCopy)).toBe(false);
    // and served back through the API from there
    const staff = await t.call('GET', `/api/v1/cases/${code}/attachments/${id}`, { token: tok.dispatcher });
    expect(staff.statusCode).toBe(200);
    expect(staff.rawPayload.equals(photo)).toBe(true);
    const pub = await t.call('GET', `/api/v1/public/cases/${code}/photos/${id}`);
    expect(pub.statusCode).toBe(200);
    expect(jpegHasApp1(pub.rawPayload)).toBe(false);
    expect(proxy.refused).toEqual([]);
  });

  it('a wrong secret is refused by the store, and nothing is half-recorded', async () => {
    await expect(store('not-the-secret').put('cases/x/y', Buffer.from('z'), 'image/jpeg')).rejects.toThrow(/S3 PUT cases\/x\/y: 403 SignatureDoesNotMatch/);
    expect(proxy.refused.at(-1)).toBe('PUT /civicgrid-attachments/cases/x/y: signature does not match');
    const wrong = await createTestApp({ CIVICGRID_STORAGE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'wrong' });
    try {
      const clerk = await wrong.login('clerk');
      const { code } = await intake(wrong, clerk, { text: '路灯不亮', category: '0501' });
      const res = await upload(wrong, clerk, code, tinyJpeg({ gps: false }));
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('attachment.storage_unavailable');
      const rows = await wrong.deps.db.selectFrom('case_attachments').selectAll().execute();
      expect(rows).toEqual([]);
    } finally {
      await wrong.close();
    }
  });

  it('checks the bucket at start-up: missing bucket and wrong keys are named', async () => {
    const config = (over: Record<string, string>) => loadConfig({ CIVICGRID_STORAGE: 's3', S3_ENDPOINT: endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', ...over });
    await expect(blobStoreFor(config({})).check()).resolves.toBeUndefined();
    await expect(blobStoreFor(config({ S3_BUCKET: 'no-such-bucket' })).check()).rejects.toThrow(/no such bucket/);
    await expect(blobStoreFor(config({ S3_SECRET_ACCESS_KEY: 'wrong' })).check()).rejects.toThrow(/access denied/);
    expect(() => loadConfig({ CIVICGRID_STORAGE: 's3', S3_BUCKET: BUCKET })).toThrow('configuration: CIVICGRID_STORAGE=s3 needs S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY');
  });
});
