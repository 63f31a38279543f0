import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { createTestAppWithFiles, type TestApp } from '../support/harness.ts';
import { gridWorkerPoint, intake, loginAll, upload, type Tokens } from './cases-support.ts';

// 公众地图: what the public sees of recent reports — rounded places, scrubbed text, only approved photos.
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestAppWithFiles('notify-map');
  tok = await loginAll(t);
});
afterAll(() => t.close());

type MapItem = { code: string; lon: number; lat: number; summary: string; photos: string[]; state: string; category: { code: string } | null };
const map = async (query = '') => {
  const res = await t.call('GET', `/api/v1/public/map${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: MapItem[] }).items;
};

describe('the public map', () => {
  it('shows no PII and no photo until a dispatcher approves it', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const lon = p.lon + 0.000123;
    const lat = p.lat + 0.000456;
    const { code } = await intake(t, tok.clerk, { text: '钱七反映：楼下井盖丢了，电话13612345678，车牌粤B12345的车压坏的', category: '0102', lon, lat, reporter: { name: '钱七', phone: '13612345678', email: 'qian@example.org' } });
    const photo = (await upload(t, tok.gridworker, code, tinyJpeg({ gps: true }))).json().id as string;

    const item = (await map()).find((i) => i.code === code)!;
    expect(item).toBeDefined();
    expect(item.lon).toBe(Math.round(lon * 1000) / 1000);
    expect(item.lat).toBe(Math.round(lat * 1000) / 1000);
    const text = JSON.stringify(item);
    for (const secret of ['钱七', '13612345678', 'qian@example.org', '粤B12345']) expect(text).not.toContain(secret);
    expect(item.summary).toContain('井盖');
    expect(item.photos).toEqual([]);

    // the moderation queue: dispatchers only
    expect((await t.call('GET', '/api/v1/photo-moderation', { token: tok.clerk })).statusCode).toBe(403);
    const queue = (await t.call('GET', '/api/v1/photo-moderation?pageSize=200', { token: tok.dispatcher })).json() as { items: { id: string }[] };
    expect(queue.items.map((i) => i.id)).toContain(photo);
    expect((await t.call('POST', `/api/v1/photo-moderation/${photo}`, { token: tok.dispatcher, body: { decision: 'approved' } })).statusCode).toBe(200);
    expect((await map()).find((i) => i.code === code)!.photos).toEqual([photo]);
    // and the approved photo is the public copy without its GPS
    expect((await t.call('GET', `/api/v1/public/cases/${code}/photos/${photo}`)).statusCode).toBe(200);

    expect((await t.call('POST', `/api/v1/photo-moderation/${photo}`, { token: tok.dispatcher, body: { decision: 'rejected' } })).statusCode).toBe(200);
    expect((await map()).find((i) => i.code === code)!.photos).toEqual([]);
  });

  it('filters by box, category and state, and refuses a bad box', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const { code } = await intake(t, tok.clerk, { text: '路灯不亮', category: '0501', lon: p.lon, lat: p.lat });
    const box = `${p.lon - 0.01},${p.lat - 0.01},${p.lon + 0.01},${p.lat + 0.01}`;
    expect((await map(`?bbox=${box}&category=05`)).some((i) => i.code === code)).toBe(true);
    expect((await map(`?bbox=${box}&category=01`)).some((i) => i.code === code)).toBe(false);
    expect((await map(`?state=closed`)).some((i) => i.code === code)).toBe(false);
    expect((await map(`?bbox=${p.lon + 1},${p.lat + 1},${p.lon + 2},${p.lat + 2}`)).some((i) => i.code === code)).toBe(false);
    expect((await t.call('GET', '/api/v1/public/map?bbox=1,2,3')).statusCode).toBe(400);
  });
});
