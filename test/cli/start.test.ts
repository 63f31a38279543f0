import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { testDbKind } from '../support/harness.ts';

const bin = new URL('../../bin/civicgrid.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'civicgrid-start-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `civicgrid start` on a free port and resolves with its base URL once it listens. */
function start(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'start'], { env: { ...process.env, PORT: '0', MQTT_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.:]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => code !== null && code !== 0 && reject(new Error(`exited ${code}:\n${out}`)));
  });
}

/** Resolves once the server has written a line matching `re` (event-driven: no polling, no sleeps). */
function waitForLine(s: { child: ChildProcess; output: () => string }, re: RegExp): Promise<string> {
  const found = () => s.output().split('\n').find((l) => re.test(l));
  return new Promise((resolve, reject) => {
    const hit = found();
    if (hit) return resolve(hit);
    const timer = setTimeout(() => reject(new Error(`no line matching ${re}:\n${s.output()}`)), 90_000);
    const onData = () => {
      const line = found();
      if (!line) return;
      clearTimeout(timer);
      s.child.stdout!.off('data', onData);
      s.child.stderr!.off('data', onData);
      resolve(line);
    };
    s.child.stdout!.on('data', onData);
    s.child.stderr!.on('data', onData);
  });
}

const stop = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.on('exit', resolve), child.kill('SIGTERM')));

async function login(url: string) {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo-pass-2026' }) });
  return { status: res.status, token: ((await res.json()) as { token?: string }).token };
}

describe('civicgrid start', () => {
  it('boots a fresh data dir into the demo city, serves it, stops cleanly and keeps the data across a restart', async () => {
    let env: Record<string, string>;
    let cleanup = async () => {};
    if (testDbKind === 'pglite') env = { CIVICGRID_DATA_DIR: join(dir, 'data') };
    else {
      // an empty database, as a new production PostgreSQL would be
      const name = `cg_t_${inject('runId')}_start`;
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      // and a data dir of its own: the default ./data is the checkout's, where an earlier run's cached triage
      // model would make this first boot load instead of train
      env = { DATABASE_URL: url.toString(), CIVICGRID_DATA_DIR: join(dir, 'data-pg') };
      cleanup = async () => {
        const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      };
    }
    try {
      const first = await start(env);
      // a fresh city: the triage model is trained after listening; until then the server says it is warming
      const early = await fetch(`${first.url}/readyz`);
      if (early.status === 503) expect(await early.json()).toMatchObject({ ready: false, warming: ['triage'] });
      else expect(await early.json()).toMatchObject({ ready: true, warming: [] });
      expect(await waitForLine(first, /triage model ready/)).toMatch(/"loaded":false/);
      expect((await (await fetch(`${first.url}/healthz`)).json())).toEqual({ status: 'ok' });
      expect((await (await fetch(`${first.url}/readyz`)).json())).toMatchObject({ status: 'ready', ready: true, warming: [] });
      const { status, token } = await login(first.url);
      expect(status).toBe(200);
      const created = await fetch(`${first.url}/api/v1/areas`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ code: '990102888', name: '重启测试街道', parentCode: '990102' }),
      });
      expect(created.status).toBe(201);
      expect(await stop(first.child)).toBe(0);
      expect(first.output()).toMatch(/shutting down/);
      expect(first.output()).toMatch(/demo city seeded/);
      // "listening" means it answers: Fastify's own bind line must not claim it, ours comes after the jobs start
      expect(first.output()).not.toMatch(/Server listening/);
      expect(first.output().indexOf('socket bound at')).toBeLessThan(first.output().search(/CivicGrid \(.*\) listening on/));

      const second = await start(env);
      // the same token still works: sessions, like everything else, survived the restart
      const area = await fetch(`${second.url}/api/v1/areas/990102888`, { headers: { authorization: `Bearer ${token}` } });
      expect(area.status).toBe(200);
      expect(second.output()).not.toMatch(/demo city seeded/);
      // fast restart: the model saved by the first start is loaded, not retrained
      expect(await waitForLine(second, /triage model ready/)).toMatch(/"loaded":true/);
      expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
      expect(await stop(second.child)).toBe(0);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
