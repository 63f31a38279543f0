import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuditSealer } from '../../src/server/audit/sealer.ts';
import { verifyAuditChain } from '../../src/server/audit/verify.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

// Writers insert audit rows unsealed; the sealer links committed rows into the chain afterwards (D6).
// No background sealer runs in tests: each test seals explicitly, as the server's sealer would within ~500 ms.

let t: TestApp;
let admin: string;
let clerk: string;
beforeAll(async () => {
  t = await createTestApp();
  [admin, clerk] = await Promise.all([t.login('admin'), t.login('clerk')]);
});
afterAll(() => t.close());

const verify = async (app: TestApp, token: string) => (await app.call('GET', '/api/v1/audit/verify', { token })).json();
const maxSeq = async (app: TestApp) => Number((await sql<{ m: number | null }>`select max(seq) as m from audit_log`.execute(app.deps.db)).rows[0]!.m ?? 0);
const total = async (app: TestApp) => Number((await sql<{ n: number }>`select count(*) as n from audit_log`.execute(app.deps.db)).rows[0]!.n);
/** rows written after `seq`, with their chain columns */
const after = (app: TestApp, seq: number) =>
  app.deps.db.selectFrom('audit_log').select(['seq', 'chain_pos', 'prev_hash', 'hash', 'sealed_at', 'action']).where('seq', '>', seq).orderBy('seq').execute();
const tailPos = async (app: TestApp) => Number((await sql<{ m: number | null }>`select max(chain_pos) as m from audit_log`.execute(app.deps.db)).rows[0]!.m ?? 0);

let areaNo = 0;
const newArea = (app: TestApp, token: string) => {
  const code = String(990105500 + areaNo++);
  return app.call('POST', '/api/v1/areas', { token, body: { code, name: `封存街道${code.slice(-3)}`, parentCode: '990105' } });
};
const newCase = (app: TestApp, token: string, i: number) =>
  app.call('POST', '/api/v1/cases', { token, body: { channel: 'hotline', text: `第${i}号楼下水道堵塞，污水漫到路面`, category: '0503', address: `示范市幸福路${i}号` } });

/** Sorted chain positions must be exactly from+1 … from+n: no gap, no duplicate. */
function expectContiguous(positions: (number | null)[], from: number) {
  const sorted = positions.map(Number).sort((a, b) => a - b);
  expect(sorted).toEqual(Array.from({ length: positions.length }, (_, i) => from + 1 + i));
}

describe('audit sealing', () => {
  it('a write commits its audit row unsealed, without waiting for the chain', async () => {
    await t.deps.audit.sealAll(t.deps.db);
    const before = await maxSeq(t);
    expect((await newArea(t, admin)).statusCode).toBe(201);
    const rows = await after(t, before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'area.create', chain_pos: null, prev_hash: null, hash: null, sealed_at: null });
    // listed at once (newest first by seq), its hash still to come
    const listed = (await t.call('GET', '/api/v1/audit?pageSize=1', { token: admin })).json().items[0];
    expect(listed).toMatchObject({ seq: rows[0]!.seq, action: 'area.create', hash: null });
    expect(await t.deps.audit.seal(t.deps.db)).toBe(1);
    const sealed = (await after(t, before))[0]!;
    expect(sealed.chain_pos).toBe((await tailPos(t)));
    expect(sealed.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sealed.sealed_at).toBeInstanceOf(Date);
  });

  it('50 concurrent writes through the API end up in one unbroken chain, sealed while they commit', async () => {
    await t.deps.audit.sealAll(t.deps.db);
    const before = await maxSeq(t);
    const tail = await tailPos(t);
    // a sealer running in small batches while the writes commit, as the server's would
    let writing = true;
    const sealer = (async () => {
      let n = 0;
      while (writing) {
        n += await t.deps.audit.seal(t.deps.db, { batch: 7 });
        await new Promise((r) => setTimeout(r, 2));
      }
      return n;
    })();
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? newCase(t, clerk, i) : newArea(t, admin))));
    writing = false;
    const sealedDuring = await sealer;
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(201));

    const sealedAfter = await t.deps.audit.sealAll(t.deps.db);
    const rows = await after(t, before);
    expect(rows.filter((r) => r.action === 'case.intake')).toHaveLength(25);
    expect(rows.filter((r) => r.action === 'area.create')).toHaveLength(25);
    expect(sealedDuring + sealedAfter).toBe(rows.length);
    expect(rows.every((r) => r.chain_pos !== null && r.hash !== null)).toBe(true);
    expectContiguous(
      rows.map((r) => r.chain_pos),
      tail,
    );
    expect(await verify(t, admin)).toEqual({ ok: true, checked: await total(t) });
  });

  it('two sealers running at once produce one consistent chain', async () => {
    await t.deps.audit.sealAll(t.deps.db);
    const before = await maxSeq(t);
    const tail = await tailPos(t);
    for (let i = 0; i < 30; i++) expect((await newArea(t, admin)).statusCode).toBe(201);
    const pending = (await after(t, before)).length;
    expect(pending).toBe(30);

    // two plain seal() calls at once, then two batch-by-batch loops at once
    const [a, b] = await Promise.all([t.deps.audit.seal(t.deps.db, { batch: 10 }), t.deps.audit.seal(t.deps.db, { batch: 10 })]);
    expect(a + b).toBe(20);
    const [c, d] = await Promise.all([t.deps.audit.sealAll(t.deps.db, { batch: 3 }), t.deps.audit.sealAll(t.deps.db, { batch: 3 })]);
    expect(a + b + c + d).toBe(pending);

    const rows = await after(t, before);
    expectContiguous(
      rows.map((r) => r.chain_pos),
      tail,
    );
    // each row links to the row before it in the chain
    const byPos = [...rows].sort((x, y) => Number(x.chain_pos) - Number(y.chain_pos));
    for (let i = 1; i < byPos.length; i++) expect(byPos[i]!.prev_hash).toBe(byPos[i - 1]!.hash);
    expect(await verify(t, admin)).toEqual({ ok: true, checked: await total(t) });
  });

  it('a transaction that commits late with a low seq is simply sealed later in the chain', async () => {
    await t.deps.audit.sealAll(t.deps.db);
    const tail = await tailPos(t);
    // Stand-in for a transaction that took its seq early and committed after later rows were sealed
    // (PGlite is one connection, so the real interleaving cannot be staged there): a seq below every other.
    await sql`insert into audit_log (seq, at, actor_id, actor, action, target_type, target_id, request_id, detail)
      overriding system value values (-1, ${t.clock.now()}, null, 'system', 'test.late', 'test', 'late', null, '{"late":true}'::jsonb)`.execute(t.deps.db);
    expect(await t.deps.audit.sealAll(t.deps.db)).toBe(1);
    const late = await t.deps.db.selectFrom('audit_log').select(['chain_pos']).where('seq', '=', -1).executeTakeFirstOrThrow();
    expect(late.chain_pos).toBe(tail + 1);
    expect(await verify(t, admin)).toMatchObject({ ok: true });
    // the list stays newest first by seq
    const items = (await t.call('GET', '/api/v1/audit?pageSize=100&page=1', { token: admin })).json().items as { seq: number }[];
    expect(items.map((i) => i.seq)).toEqual([...items.map((i) => i.seq)].sort((x, y) => y - x));
  });

  it('the background sealer seals committed rows within a round, and once more when it is stopped', async () => {
    await t.deps.audit.sealAll(t.deps.db);
    const sealed = async (seq: number) => (await after(t, seq - 1))[0]!.chain_pos !== null;
    const ticking = startAuditSealer(t.deps.db, t.deps.audit, t.deps.logger, 50);
    try {
      const before = await maxSeq(t);
      expect((await newArea(t, admin)).statusCode).toBe(201);
      const deadline = Date.now() + 10_000;
      while (!(await sealed(before + 1)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await sealed(before + 1)).toBe(true);
    } finally {
      await ticking.stop();
    }
    // an interval that never comes round: only stop() can seal this row (the server calls it on shutdown)
    const idle = startAuditSealer(t.deps.db, t.deps.audit, t.deps.logger, 3_600_000);
    const before = await maxSeq(t);
    expect((await newArea(t, admin)).statusCode).toBe(201);
    expect(await sealed(before + 1)).toBe(false);
    await idle.stop();
    expect(await sealed(before + 1)).toBe(true);
    expect(await verify(t, admin)).toEqual({ ok: true, checked: await total(t) });
  });

  it('a row still unsealed long after it was written fails verify as unsealed, when verify may not seal', async () => {
    await t.deps.audit.sealAll(t.deps.db);
    const before = await maxSeq(t);
    expect((await newArea(t, admin)).statusCode).toBe(201);
    const seq = (await after(t, before))[0]!.seq;
    // fresh: not yet a failure
    expect(await verifyAuditChain(t.deps.db, t.deps.audit, { seal: false, now: t.clock.now() })).toMatchObject({ ok: true });
    t.clock.advance(5 * 60_000);
    expect(await verifyAuditChain(t.deps.db, t.deps.audit, { seal: false, now: t.clock.now() })).toMatchObject({ ok: false, broken: { seq, reason: 'unsealed' } });
    // verify through the API seals first, so the same row is then part of an intact chain
    expect(await verify(t, admin)).toEqual({ ok: true, checked: await total(t) });
  });
});

describe('tampering after sealing', () => {
  let f: TestApp;
  let token: string;
  let rows: { seq: number; chain_pos: number | null }[];
  beforeAll(async () => {
    f = await createTestApp();
    token = await f.login('admin');
    const before = await maxSeq(f);
    for (let i = 0; i < 4; i++) expect((await newArea(f, token)).statusCode).toBe(201);
    await f.deps.audit.sealAll(f.deps.db);
    rows = await after(f, before);
    expect(await verify(f, token)).toMatchObject({ ok: true });
  });
  afterAll(() => f.close());

  it('a row edited after sealing is caught and named, and putting it back restores the chain', async () => {
    const target = rows[1]!.seq;
    const original = (await sql<{ target_id: string; d: string }>`select target_id, detail::text as d from audit_log where seq = ${target}`.execute(f.deps.db)).rows[0]!;
    await sql`update audit_log set target_id = '990105999' where seq = ${target}`.execute(f.deps.db);
    expect(await verify(f, token)).toMatchObject({ ok: false, broken: { seq: target, reason: 'edited' } });
    await sql`update audit_log set target_id = ${original.target_id}, detail = '{"name":"篡改"}'::jsonb where seq = ${target}`.execute(f.deps.db);
    expect(await verify(f, token)).toMatchObject({ ok: false, broken: { seq: target, reason: 'edited' } });
    await sql`update audit_log set detail = ${original.d}::jsonb where seq = ${target}`.execute(f.deps.db);
    expect(await verify(f, token)).toMatchObject({ ok: true });
  });

  it('a sealed row pushed back to unsealed is re-sealed at the tail, which breaks the chain after its old place', async () => {
    const target = rows[1]!;
    const next = rows[2]!;
    await sql`update audit_log set chain_pos = null, prev_hash = null, hash = null, sealed_at = null where seq = ${target.seq}`.execute(f.deps.db);
    expect(await verify(f, token)).toMatchObject({ ok: false, broken: { seq: next.seq, reason: 'chain_broken' } });
  });

  it('a row deleted after sealing is caught at the row after it in the chain', async () => {
    const g = await createTestApp();
    try {
      const tk = await g.login('admin');
      const before = await maxSeq(g);
      for (let i = 0; i < 3; i++) expect((await newArea(g, tk)).statusCode).toBe(201);
      await g.deps.audit.sealAll(g.deps.db);
      const written = await after(g, before);
      await sql`delete from audit_log where seq = ${written[1]!.seq}`.execute(g.deps.db);
      expect(await verify(g, tk)).toMatchObject({ ok: false, broken: { seq: written[2]!.seq, reason: 'chain_broken' } });
    } finally {
      await g.close();
    }
  });
});
