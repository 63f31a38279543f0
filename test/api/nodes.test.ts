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

// Each node keeps the disabled areas and the current taxonomy version (0050) instead of reading them for every case:
// a change made anywhere, through the API or behind it, must still reach intake on every node.
describe('settings intake depends on, across nodes', () => {
  const file = (node: TestApp, token: string, point: { lon: number; lat: number }) =>
    node.call('POST', '/api/v1/cases', { token, body: { channel: 'hotline', text: '小区门口路灯不亮了好几天', category: '0502', lon: point.lon, lat: point.lat } });

  it('an area disabled on node a refuses cases on node b, and one re-enabled behind the service (psql) takes them again', async () => {
    const [admin, clerk] = await Promise.all([a.login('admin'), b.login('clerk')]);
    const street = (await sql<{ code: string }>`select code from areas where level = 'street' order by code limit 1`.execute(a.deps.db)).rows[0]!.code;
    const point = await pointIn(a, street);
    expect((await file(b, clerk, point)).statusCode).toBe(201); // node b has now read (and keeps) the disabled areas
    expect((await a.call('PATCH', `/api/v1/areas/${street}`, { token: admin, body: { active: false } })).statusCode).toBe(200);
    const refused = await eventually(async () => {
      const res = await file(b, clerk, point);
      return res.statusCode === 409 ? res : null;
    }, 'node b to refuse cases in the disabled street', 3000);
    expect(refused.json()).toMatchObject({ code: 'area.disabled', area: { code: street } });
    await sql`update areas set active = true where code = ${street}`.execute(a.deps.db);
    await eventually(async () => (await file(b, clerk, point)).statusCode === 201, 'node b to take cases there again', 3000);
    expect((await file(a, await a.login('clerk'), point)).statusCode).toBe(201);
  });

  it('a taxonomy version written on node a is current on node b', async () => {
    const admin = await a.login('admin');
    const clerk = await b.login('clerk');
    const codes = async () => ((await b.call('GET', '/api/v1/taxonomy', { token: clerk })).json().categories as { code: string }[]).map((c) => c.code);
    expect(await codes()).not.toContain('0599'); // node b has now read (and keeps) the current version
    const { version } = (await a.call('GET', '/api/v1/taxonomy/versions', { token: admin })).json().items[0] as { version: number };
    const addition = { code: '0599', zh: '桥梁栏杆破损', en: 'Damaged bridge railing', group: '05', department: 'SZ', deadlineHours: 24, workingTime: false };
    const saved = await a.call('POST', '/api/v1/taxonomy/versions', { token: admin, body: { basedOn: version, additions: [addition] } });
    expect(saved.statusCode, saved.body).toBe(201);
    await eventually(async () => (await codes()).includes('0599'), 'node b to see the new category', 3000);
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
