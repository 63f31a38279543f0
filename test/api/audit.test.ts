import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  for (let i = 0; i < 5; i++) {
    const res = await t.call('POST', '/api/v1/areas', { token: admin, body: { code: String(990105300 + i), name: `审计街道${i}`, parentCode: '990105' } });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

const verify = async () => (await t.call('GET', '/api/v1/audit/verify', { token: admin })).json();

describe('audit chain', () => {
  it('records every write with actor, action, target, time and request id', async () => {
    const res = await t.call('GET', '/api/v1/audit?targetType=area&action=area.create&pageSize=10', { token: admin, headers: { 'x-request-id': 'req-audit-0001' } });
    expect(res.statusCode).toBe(200);
    const entries = res.json().items;
    expect(entries).toHaveLength(5);
    expect(entries[0]).toMatchObject({ actor: 'admin', action: 'area.create', targetType: 'area', targetId: '990105304' });
    expect(entries[0].requestId).toBeTruthy();
    expect(new Date(entries[0].at).toISOString()).toBe(new Date(t.clock.now()).toISOString());
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('a request id sent by a gateway is kept in the log', async () => {
    await t.call('POST', '/api/v1/areas', { token: admin, body: { code: '990105390', name: '带请求号', parentCode: '990105' }, headers: { 'x-request-id': 'gateway-req-42' } });
    const entries = (await t.call('GET', '/api/v1/audit?targetId=990105390', { token: admin })).json().items;
    expect(entries[0].requestId).toBe('gateway-req-42');
  });

  it('an edited row makes verify fail and name that row', async () => {
    const target = (await t.deps.db.selectFrom('audit_log').select('seq').where('target_id', '=', '990105302').executeTakeFirstOrThrow()).seq;
    await sql`update audit_log set detail = '{"name":"篡改"}'::jsonb where seq = ${target}`.execute(t.deps.db);
    expect(await verify()).toMatchObject({ ok: false, broken: { seq: target, reason: 'edited' } });
    // recomputing the row's own hash does not help: the next row no longer chains to it
  });

  it('a deleted row breaks the chain at the row after it', async () => {
    const fresh = await createTestApp();
    try {
      const token = await fresh.login('admin');
      for (let i = 0; i < 3; i++) await fresh.call('POST', '/api/v1/areas', { token, body: { code: String(990106300 + i), name: `删${i}`, parentCode: '990106' } });
      // what the server's background sealer does within ~500 ms of commit; rows are tamper-evident from then on (D6)
      await fresh.deps.audit.sealAll(fresh.deps.db);
      const rows = await fresh.deps.db.selectFrom('audit_log').select(['seq', 'target_id']).where('action', '=', 'area.create').orderBy('seq').execute();
      await sql`delete from audit_log where seq = ${rows[1]!.seq}`.execute(fresh.deps.db);
      const result = (await fresh.call('GET', '/api/v1/audit/verify', { token })).json();
      expect(result).toMatchObject({ ok: false, broken: { seq: rows[2]!.seq, reason: 'chain_broken' } });
    } finally {
      await fresh.close();
    }
  });

  it('a write that fails leaves no audit entry (the entry commits with the write)', async () => {
    const before = (await t.call('GET', '/api/v1/audit?pageSize=1', { token: admin })).json().total;
    const dup = await t.call('POST', '/api/v1/areas', { token: admin, body: { code: '990105300', name: '重复', parentCode: '990105' } });
    expect(dup.statusCode).toBe(409);
    expect((await t.call('GET', '/api/v1/audit?pageSize=1', { token: admin })).json().total).toBe(before);
  });
});
