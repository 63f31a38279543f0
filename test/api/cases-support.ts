import { expect } from 'vitest';
import { sql } from 'kysely';
import type { TestApp } from '../support/harness.ts';

/** Helpers shared by the case and dispatch API tests: real HTTP calls, data built through the API. */

export type Tokens = Record<'admin' | 'dispatcher' | 'clerk' | 'handler' | 'gridworker' | 'east' | 'leader', string>;

export async function loginAll(t: TestApp): Promise<Tokens> {
  const [admin, dispatcher, clerk, handler, gridworker, east, leader] = await Promise.all(
    ['admin', 'dispatcher', 'clerk', 'handler.sz', 'gridworker', 'dispatcher.east', 'leader'].map((u) => t.login(u)),
  );
  return { admin: admin!, dispatcher: dispatcher!, clerk: clerk!, handler: handler!, gridworker: gridworker!, east: east!, leader: leader! };
}

/**
 * A point that the public locate API places in a grid of the given area (district code or grid code),
 * found from the seeded grid map's label points.
 */
export async function pointIn(t: TestApp, areaCode: string, nth = 0): Promise<{ lon: number; lat: number; grid: string; path: string }> {
  const rows = await sql<{ code: string; lon: number; lat: number }>`
    select g.area_code as code, g.center_lon as lon, g.center_lat as lat
    from area_geometries g join areas a on a.code = g.area_code
    where a.level = 'grid' and a.path <@ (select path from areas where code = ${areaCode})
    order by g.area_code limit 40`.execute(t.deps.db);
  let seen = 0;
  for (const r of rows.rows) {
    const res = await t.call('GET', `/api/v1/geo/locate?lon=${r.lon}&lat=${r.lat}`);
    if (res.statusCode === 200 && res.json().grid.code === r.code && seen++ === nth) return { lon: r.lon, lat: r.lat, grid: r.code, path: res.json().grid.path };
  }
  throw new Error(`no locatable grid point in ${areaCode}`);
}

/** The grid the demo grid worker is scoped to, with a point inside it. */
export async function gridWorkerPoint(t: TestApp, token: string) {
  const me = (await t.call('GET', '/api/v1/auth/me', { token })).json() as { scope?: string; scopePath?: string };
  const path = (me.scope ?? me.scopePath ?? '') as string;
  const grid = path.split('.').pop()!;
  return pointIn(t, grid);
}

export interface NewCaseBody {
  channel?: string;
  text?: string;
  category?: string;
  nature?: string;
  lon?: number;
  lat?: number;
  address?: string;
  priority?: number;
  urgent?: boolean;
  reporter?: Record<string, unknown>;
}

export async function intake(t: TestApp, token: string, body: NewCaseBody) {
  const res = await t.call('POST', '/api/v1/cases', { token, body: { channel: 'hotline', text: '路灯坏了，晚上一片漆黑', ...body } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { code: string; state: string; version: number; ratingToken: string; duplicates: { caseCode: string; score: number }[]; [k: string]: unknown };
}

export async function act(t: TestApp, token: string, code: string, action: string, body: Record<string, unknown> = {}) {
  return t.call('POST', `/api/v1/cases/${code}/actions`, { token, body: { action, ...body } });
}

export async function actOk(t: TestApp, token: string, code: string, action: string, body: Record<string, unknown> = {}) {
  const res = await act(t, token, code, action, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json();
}

/** Uploads bytes as a multipart file and returns the attachment id. */
export async function upload(t: TestApp, token: string, code: string, bytes: Buffer, fileName = 'photo.jpg') {
  const boundary = '----civicgrid-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.call('POST', `/api/v1/cases/${code}/attachments`, { token, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
}
