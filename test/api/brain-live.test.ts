import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { createDevice, DEMO_DEVICE, eventually, postTelemetry } from './brain-support.ts';

let t: TestApp;
let admin: string;
let leader: string;
let at: { lon: number; lat: number };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  leader = await t.login('leader');
  const demo = (await t.call('GET', `/api/v1/devices/${DEMO_DEVICE}`, { token: admin })).json();
  at = { lon: demo.lon, lat: demo.lat };
});
afterAll(() => t.close());

describe('live operations', () => {
  it('streams alarms (and the cases they open) over SSE to a signed-in viewer', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as AddressInfo).port;
    const received: string[] = [];
    const { ticket } = (await t.call('POST', '/api/v1/auth/stream-ticket', { token: leader })).json();
    const req = request({ host: '127.0.0.1', port, path: `/api/v1/brain/stream?ticket=${ticket}` });
    const opened = new Promise<number>((resolve) =>
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => received.push(chunk));
        resolve(res.statusCode!);
      }),
    );
    req.end();
    expect(await opened).toBe(200);
    const { credentials } = await createDevice(t, admin, { id: 'live-1', name: 'l', type: 'smoke', ...at, protocol: 'http' });
    expect((await postTelemetry(t, credentials.token, { values: { smoke: 30 } })).statusCode).toBe(202);
    const text = await eventually(async () => {
      const all = received.join('');
      return all.includes('event: alarm') && all.includes('"action":"case_linked"') && all.includes('event: case') ? all : null;
    }, 'alarm and case events');
    const raised = text.split('\n\n').find((e) => e.includes('"action":"raised"'))!;
    const data = JSON.parse(raised.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
    expect(data).toMatchObject({ kind: 'alarm', deviceId: 'live-1', type: 'smoke_detected', severity: 'critical' });
    expect(data.areaPath).toBeUndefined();
    req.destroy();

    const refused = await t.call('GET', '/api/v1/brain/stream');
    expect(refused.statusCode).toBe(401);
  });

  it('dashboard: open cases, alarms by severity and the device online rate', async () => {
    const res = await t.call('GET', '/api/v1/brain/dashboard', { token: leader });
    expect(res.statusCode).toBe(200);
    const k = res.json();
    expect(k.alarms.bySeverity.critical).toBeGreaterThanOrEqual(1);
    expect(k.cases.open).toBeGreaterThanOrEqual(1);
    expect(k.cases.byCategory.find((c: { category: string }) => c.category === '0703')).toBeTruthy();
    expect(k.cases.byArea[0].name).toBeTruthy();
    expect(k.devices.total).toBeGreaterThanOrEqual(300);
    expect(k.devices.online).toBeGreaterThanOrEqual(1);
    expect(k.devices.onlineRate).toBeCloseTo(k.devices.online / k.devices.total, 2);
    expect((await t.call('GET', '/api/v1/brain/dashboard', { token: await t.login('clerk') })).statusCode).toBe(403);
  });

  it('hotspots: cases and alarms of the window per H3 cell at the asked resolution', async () => {
    const res = await t.call('GET', '/api/v1/brain/hotspots?window=24h&res=7', { token: leader });
    expect(res.statusCode).toBe(200);
    const cells = res.json().cells as { h3: string; alarms: number; cases: number; total: number; center: [number, number] }[];
    expect(cells.length).toBeGreaterThanOrEqual(1);
    expect(cells[0]!.alarms).toBeGreaterThanOrEqual(1);
    expect(cells[0]!.h3[1]).toBe('7'); // the resolution digit of an H3 index
    t.clock.advanceHours(25);
    leader = await t.login('leader'); // the session expired meanwhile
    const later = (await t.call('GET', '/api/v1/brain/hotspots?window=24h&res=7', { token: leader })).json();
    expect(later.cells).toEqual([]);
    expect((await t.call('GET', '/api/v1/brain/hotspots?window=forever', { token: leader })).statusCode).toBe(400);
  });
});
