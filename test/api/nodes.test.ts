import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretDigest } from '../../src/server/privacy/pii.ts';
import { createPeerApp, createTestApp, eventually, testDbKind, type TestApp } from '../support/harness.ts';
import { pointIn } from './cases-support.ts';

// Two API nodes on one database, as a city runs them behind a load balancer. Each keeps the sessions it has
// checked for a short while (D9), so these tests prove what users rely on: a logout or a revoked account is
// refused everywhere at once, and a dispatcher's live feed shows cases filed through the other node.
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  a = await createTestApp({ SESSION_CACHE_SECONDS: 30 });
  b = await createPeerApp(a);
});
afterAll(async () => {
  await b.close();
  await a.close();
});

const me = (node: TestApp, token: string) => node.call('GET', '/api/v1/auth/me', { token });
const refusedOn = (node: TestApp, token: string) => eventually(async () => (await me(node, token)).statusCode === 401, 'the token to be refused', 3000);

describe('sessions across nodes', () => {
  it('a logout on one node is refused on the other', async () => {
    const token = await a.login('clerk');
    expect((await me(b, token)).statusCode).toBe(200); // node b has now checked (and keeps) this session
    expect((await me(a, token)).statusCode).toBe(200);
    expect((await a.call('POST', '/api/v1/auth/logout', { token })).statusCode).toBe(204);
    expect((await me(a, token)).statusCode).toBe(401);
    await refusedOn(b, token);
  });

  it('disabling an account on one node ends its sessions on the other', async () => {
    const admin = await a.login('admin');
    const token = await b.login('leader');
    const leader = (await me(b, token)).json() as { id: string };
    const patch = await a.call('PATCH', `/api/v1/users/${leader.id}`, { token: admin, body: { disabled: true } });
    expect(patch.statusCode).toBe(200);
    await refusedOn(b, token);
    expect((await me(a, token)).statusCode).toBe(401);
  });

  it('a changed role takes effect on the other node: old sessions end, a new sign-in carries the new role', async () => {
    const admin = await a.login('admin');
    const token = await b.login('dataadmin');
    const user = (await me(b, token)).json() as { id: string; roles: string[] };
    expect(user.roles).toEqual(['dataadmin']);
    expect((await a.call('PATCH', `/api/v1/users/${user.id}`, { token: admin, body: { roles: ['leader'] } })).statusCode).toBe(200);
    await refusedOn(b, token);
    const fresh = await b.login('dataadmin');
    expect((await me(b, fresh)).json().roles).toEqual(['leader']);
  });

  it('a session ended behind the service (a DBA in psql) is trusted no longer than SESSION_CACHE_SECONDS', async () => {
    const token = await a.login('gridworker');
    expect((await me(a, token)).statusCode).toBe(200);
    await sql`update sessions set revoked_at = now() where token_hash = ${secretDigest(token)}`.execute(a.deps.db);
    a.clock.advance(29_000);
    expect((await me(a, token)).statusCode).toBe(200);
    a.clock.advance(2_000);
    expect((await me(a, token)).statusCode).toBe(401);
  });

  it('a session never outlives its expiry, cached or not', async () => {
    const short = await createTestApp({ SESSION_CACHE_SECONDS: 300, TOKEN_TTL_HOURS: 0.01 }); // 36 s
    try {
      const token = await short.login('clerk');
      expect((await me(short, token)).statusCode).toBe(200);
      short.clock.advance(37_000);
      expect((await me(short, token)).json().code).toBe('auth.token_expired');
    } finally {
      await short.close();
    }
  });
});

describe('live feed across nodes', () => {
  it('a dispatcher watching node b sees a case the hotline filed through node a, and its dispatch', async () => {
    const address = await b.app.listen({ port: 0, host: '127.0.0.1' });
    const dispatcher = await b.login('dispatcher');
    const controller = new AbortController();
    const res = await fetch(`${address}/api/v1/cases/stream`, { headers: { authorization: `Bearer ${dispatcher}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const clerk = await a.login('clerk');
    const point = await pointIn(a, '990102', 4);
    const filed = await a.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text: '东城区某小区门口垃圾堆放多日', category: '0101', ...point } });
    expect(filed.statusCode).toBe(201);
    const code = filed.json().code as string;
    expect((await a.call('POST', `/api/v1/cases/${code}/actions`, { token: await a.login('dispatcher'), body: { action: 'file' } })).statusCode).toBe(200);
    let text = '';
    const giveUp = setTimeout(() => controller.abort(), 5_000); // a missing event ends the read, not the test run
    try {
      while (!text.includes('"action":"file"')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted: what arrived is checked below
    } finally {
      clearTimeout(giveUp);
      controller.abort();
    }
    const events = text.split('\n\n').filter((e) => e.includes('event: case')).map((e) => JSON.parse(e.split('data: ')[1]!));
    expect(events.map((e) => [e.code, e.action])).toEqual([
      [code, 'intake'],
      [code, 'file'],
    ]);
  });
});

describe.runIf(testDbKind === 'postgres')('when the signal connection drops (PostgreSQL)', () => {
  it('a node trusts no cached session until it listens again, then forgets what it held', async () => {
    const token = await a.login('handler.sz');
    expect((await me(b, token)).statusCode).toBe(200);
    // Cut every signal connection to this database; revoke behind the service, so no signal could tell.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'civicgrid-signals' and datname = current_database()`.execute(a.deps.db);
    await sql`update sessions set revoked_at = now() where token_hash = ${secretDigest(token)}`.execute(a.deps.db);
    await refusedOn(b, token); // at once on a real clock: the cache's 30 s never pass on the test clock
    // after reconnecting, sessions are cached (and revocations heard) again
    const again = await a.login('handler.sz');
    await eventually(async () => {
      const ok = (await me(b, again)).statusCode === 200;
      const listening = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = 'civicgrid-signals' and datname = current_database()`.execute(a.deps.db);
      return ok && listening.rows[0]!.n === 2;
    }, 'both nodes to listen again');
    expect((await a.call('POST', '/api/v1/auth/logout', { token: again })).statusCode).toBe(204);
    await refusedOn(b, again);
  });
});
