import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/server/audit/verify.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { apiOperations, expectErrorShape, type JsonSchema, type Operation } from './api-operations.ts';

// Every operation of the OpenAPI document, fed bounded random and hostile input (wrong types, huge and empty
// strings, NUL, lone surrogates, injection and traversal strings, wrong content types, missing or garbage
// auth): no 5xx, every error problem+json (Open311: [{code, description}]), and the audit chain intact
// afterwards. Deterministic: FUZZ_SEED (default 20261202) and FUZZ_RUNS per operation (default 3; `npm run fuzz`
// runs more and prints the histogram).
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);

const hostile = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '',
  ' ',
  "' OR 1=1 --",
  "'); drop table cases; --",
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '\u202egnp.exe',
  '𠮷野家',
  '-1',
  '1e309',
  'NaN',
  'null',
  '[]',
  'x'.repeat(5000),
  '9'.repeat(40),
  '2026-13-45T99:99:99Z',
];

const hostileString = fc.oneof(fc.constantFrom(...hostile), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }));
const anyJson: fc.Arbitrary<unknown> = fc.oneof(hostileString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(hostileString, { maxLength: 3 }), fc.dictionary(hostileString, hostileString, { maxKeys: 3 }));

/** A value for a schema: mostly of the right shape (to get past validation), often hostile. */
function valueFor(s: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 3) return anyJson;
  const alts = s.anyOf ?? s.oneOf;
  if (alts?.length) return fc.oneof(...alts.map((a) => valueFor(a, depth + 1)));
  if (s.enum?.length) return fc.oneof(fc.constantFrom(...s.enum), hostileString);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  const wrong = anyJson;
  switch (type) {
    case 'string':
      return fc.oneof({ weight: 2, arbitrary: fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 30) }) }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: wrong });
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 }), fc.constantFrom(-1, 0, 2 ** 53, 1e308, -0), wrong);
    case 'boolean':
      return fc.oneof(fc.boolean(), wrong);
    case 'array':
      return fc.oneof(fc.array(valueFor(s.items, depth + 1), { maxLength: 3 }), wrong);
    case 'object': {
      const props = Object.entries(s.properties ?? {});
      if (!props.length) return fc.dictionary(hostileString, anyJson, { maxKeys: 3 });
      return fc.oneof(
        { weight: 4, arbitrary: fc.record(Object.fromEntries(props.map(([k, v]) => [k, valueFor(v, depth + 1)])), { requiredKeys: (s.required ?? []).filter((k) => s.properties?.[k]) }) },
        { weight: 1, arbitrary: wrong },
      );
    }
    default:
      return anyJson;
  }
}

/** Percent-encodes like a careless client: a lone surrogate goes out as its (invalid) three UTF-8-style bytes. */
const encodeSegment = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return v.replace(/[\ud800-\udfff]/g, '%ED%A0%80').replace(/[^%A-Za-z0-9_.~-]/g, (c) => encodeURIComponent(c));
  }
};
const toQueryValue = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');

let t: TestApp;
let ops: Operation[];
let admin: string;
let clerk: string;
const histogram = new Map<number, number>();
let requests = 0;

beforeAll(async () => {
  t = await createTestApp();
  // signing out would end the sessions the fuzzer uses
  ops = (await apiOperations(t)).filter((o) => o.path !== '/api/v1/auth/logout');
  [admin, clerk] = await Promise.all([t.login('admin'), t.login('clerk')]);
}, 120_000);
afterAll(async () => {
  const statuses = [...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`);
  console.log(`fuzz: ${requests} requests over ${ops.length} operations (seed ${SEED}, ${RUNS} runs each); statuses ${statuses.join(', ')}`);
  await t.close();
});

describe('fuzz every operation of the OpenAPI document', () => {
  it('answers random and hostile input with a 2xx or a well-formed 4xx, never a 5xx', async () => {
    for (const [i, op] of ops.entries()) {
      const stream = op.path.endsWith('/stream'); // a live feed never ends: only its refusals are fuzzed
      const request = fc.record({
        params: fc.tuple(...op.pathParams.map(() => hostileString), fc.constant(null)),
        query: fc.record(Object.fromEntries(Object.entries(op.query).map(([k, v]) => [k, valueFor(v)])), { requiredKeys: [] }),
        extraQuery: fc.option(fc.dictionary(hostileString, hostileString, { maxKeys: 2 }), { nil: undefined }),
        body: op.body ? valueFor(op.body) : fc.option(anyJson, { nil: undefined }),
        contentType: fc.constantFrom('application/json', 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data', 'application/xml'),
        auth: stream ? fc.constantFrom('none', 'garbage') : fc.constantFrom('none', 'garbage', 'admin', 'clerk', 'admin'),
      });
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          let p = 0;
          const path = op.path.replace(/\{[^}]+\}/g, () => encodeSegment(String(r.params[p++] ?? 'x')));
          const q = new URLSearchParams();
          for (const [k, v] of Object.entries({ ...r.query, ...(r.extraQuery ?? {}) })) if (v !== undefined) q.append(k, toQueryValue(v));
          const url = `${path}${q.size ? `?${q}` : ''}`;
          const headers: Record<string, string> = {};
          if (r.auth === 'garbage') headers.authorization = 'Bearer not-a-real-token-0000000000';
          const token = r.auth === 'admin' ? admin : r.auth === 'clerk' ? clerk : undefined;
          let payload: string | undefined;
          if (op.method !== 'GET' && op.method !== 'DELETE' && r.body !== undefined) {
            headers['content-type'] = r.contentType;
            payload = r.contentType === 'application/x-www-form-urlencoded' && r.body && typeof r.body === 'object' ? new URLSearchParams(Object.entries(r.body).map(([k, v]): [string, string] => [k, toQueryValue(v)])).toString() : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
          }
          const res = await t.call(op.method, url, { token, headers, ...(payload !== undefined ? { payload } : {}) });
          requests++;
          histogram.set(res.statusCode, (histogram.get(res.statusCode) ?? 0) + 1);
          expectErrorShape(op, res, `${op.method} ${url.slice(0, 300)} [${r.auth}, ${headers['content-type'] ?? '-'}] body ${String(payload).slice(0, 200)}`);
        }),
        { seed: SEED + i, numRuns: RUNS, endOnFailure: true },
      );
    }
    expect(requests).toBeGreaterThanOrEqual(ops.length * RUNS);
    // whatever the fuzzer managed to write was written whole: the audit chain verifies
    expect(await verifyAuditChain(t.deps.db, t.deps.audit, { now: t.clock.now() })).toMatchObject({ ok: true });
  }, 600_000);
});
