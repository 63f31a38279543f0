import { XMLParser } from 'fast-xml-parser';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { TestApp } from '../support/harness.ts';

/** Helpers for the Open311 API tests: a GeoReport v2 client speaking form-encoded POSTs and reading JSON/XML. */

export const O311 = '/open311/v2';
export const DEMO_KEY = 'demo-open311-key';

// Elements that repeat in GeoReport v2 documents, so a single item still parses as a list.
const repeated = new Set(['service', 'request', 'error', 'attribute', 'value', 'request_update', 'endpoint', 'format']);
const parser = new XMLParser({ isArray: (name) => repeated.has(name), parseTagValue: false });

export function parseXml(body: string) {
  expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  return parser.parse(body);
}

export const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) p.append(k, one);
  return p.toString();
};

export const postForm = (t: TestApp, url: string, fields: Record<string, string | string[]>) =>
  t.call('POST', url, { payload: form(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** A point the locate API puts inside a grid of the demo city (from the seeded grid shapes). */
export async function gridPoint(t: TestApp, nth = 0): Promise<{ lon: number; lat: number }> {
  const rows = await sql<{ lon: number; lat: number }>`
    select g.center_lon as lon, g.center_lat as lat from area_geometries g join areas a on a.code = g.area_code
    where a.level = 'grid' order by g.area_code limit 30`.execute(t.deps.db);
  let seen = 0;
  for (const r of rows.rows) {
    const res = await t.call('GET', `/api/v1/geo/locate?lon=${r.lon}&lat=${r.lat}`);
    if (res.statusCode === 200 && seen++ === nth) return r;
  }
  throw new Error('no locatable grid point in the demo city');
}

/** The number of cases a city-wide dispatcher sees: proves a refused request changed nothing. */
export async function caseCount(t: TestApp, token: string): Promise<number> {
  const res = await t.call('GET', '/api/v1/cases?pageSize=1', { token });
  expect(res.statusCode).toBe(200);
  return res.json().total as number;
}

/** Asserts an Open311 error document: status, `[{code, description}]` and never problem+json. */
export function expectOpen311Error(res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, format: 'json' | 'xml' = 'json') {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).not.toMatch(/problem/);
  if (format === 'json') {
    expect(String(res.headers['content-type'])).toMatch(/application\/json/);
    const body = JSON.parse(res.body);
    expect(body).toEqual([{ code: status, description: expect.any(String) }]);
    return body[0].description as string;
  }
  expect(String(res.headers['content-type'])).toMatch(/text\/xml/);
  const doc = parseXml(res.body);
  expect(doc.errors.error).toHaveLength(1);
  expect(doc.errors.error[0].code).toBe(String(status));
  return doc.errors.error[0].description as string;
}
