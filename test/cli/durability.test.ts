import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/server/random.ts';
import { cliDatabase, runCli, type CliDatabase } from '../support/cli.ts';
import { testDbKind } from '../support/harness.ts';

// A real server process on PostgreSQL under concurrent intake (HTTP and Open311), killed with SIGKILL at a
// (seeded) random moment and started again: every acknowledged case is there exactly once, every
// acknowledged Open311 request resolves (its token row committed with its case), and the audit chain verifies.
const bin = new URL('../../bin/civicgrid.js', import.meta.url).pathname;
let cli: CliDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  if (testDbKind === 'postgres') cli = await cliDatabase('durable');
}, 60_000);
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await cli?.close();
});

function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'start'], { env: { ...process.env, PORT: '0', MQTT_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) (clearTimeout(timer), resolve({ url: m[1]!, child }));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
  });
}

describe.skipIf(testDbKind !== 'postgres')('durability: kill -9 under intake load', () => {
  it('keeps every acknowledged case exactly once, resolves every acknowledged Open311 request, and the audit chain verifies', async () => {
    const random = seededRandom(20261202);
    const first = await start(cli.env);
    const login = await fetch(`${first.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'clerk', password: 'demo-pass-2026' }) });
    const token = ((await login.json()) as { token: string }).token;

    const acked: { marker: string; code: string; open311: boolean }[] = [];
    let stop = false;
    let n = 0;
    const worker = async (w: number) => {
      while (!stop) {
        const marker = `durable-${w}-${n++}`;
        const open311 = n % 2 === 0;
        try {
          if (open311) {
            const body = new URLSearchParams({ api_key: 'demo-open311-key', service_code: '0503', address_string: '幸福路88号', description: `路面坑洼 ${marker}` });
            const res = await fetch(`${first.url}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
            if (res.status === 200) acked.push({ marker, code: ((await res.json()) as { service_request_id: string }[])[0]!.service_request_id, open311 });
          } else {
            const res = await fetch(`${first.url}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ channel: 'hotline', text: `路灯不亮 ${marker}` }) });
            if (res.status === 201) acked.push({ marker, code: ((await res.json()) as { code: string }).code, open311 });
          }
        } catch {
          return; // the server is gone: what was not answered was not acknowledged
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await new Promise((r) => setTimeout(r, 1500 + Math.floor(random() * 2500)));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.on('exit', r));
    stop = true;
    await load;
    expect(acked.length).toBeGreaterThan(10);

    const again = await start(cli.env);
    const admin = new pg.Client({ connectionString: cli.env.DATABASE_URL });
    await admin.connect();
    try {
      for (const a of acked) {
        const rows = (await admin.query<{ code: string }>('select code from cases where text like $1', [`%${a.marker}`])).rows;
        expect(rows.map((r) => r.code), a.marker).toEqual([a.code]);
        if (a.open311) {
          const res = await fetch(`${again.url}/open311/v2/requests/${a.code}.json`);
          expect(res.status, a.code).toBe(200);
        }
      }
      // atomic: no Open311 case without its request row, whether acknowledged or cut off by the kill
      const orphans = await admin.query(`select c.code from cases c where c.channel = 'open311' and not exists (select 1 from open311_requests r where r.case_id = c.id)`);
      expect(orphans.rows).toEqual([]);
    } finally {
      await admin.end();
    }
    await new Promise((r) => (again.child.on('exit', r), again.child.kill('SIGTERM')));
    const verified = await runCli(['audit', 'verify'], cli.env);
    expect(verified.code, verified.out).toBe(0);
  }, 300_000);
});
