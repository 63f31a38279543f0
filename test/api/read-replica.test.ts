import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/database.ts';
import type { Db } from '../../src/server/db/tables.ts';
import { createLogger } from '../../src/server/logger.ts';
import { createPeerApp, createTestApp, eventually, testDbKind, type TestApp } from '../support/harness.ts';

// A real streaming replica of the CI PostgreSQL: pg_basebackup -R into a temp dir, a second postmaster on a free
// port with the Debian binaries. Needs a replication entry in pg_hba.conf, which .ci/run adds.
const BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;
// PostgreSQL refuses to run as root: on a root CI box the standby runs as the postgres user
const run = (cmd: string, args: string[]) => (asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' }));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function postgresUid(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

const portOf = async (db: Db) => (await sql<{ port: number }>`select inet_server_port() as port`.execute(db)).rows[0]!.port;

describe.runIf(testDbKind === 'postgres')('read replica (DATABASE_REPLICA_URL, a real streaming standby)', () => {
  let t: TestApp;
  let peer: TestApp;
  let dir: string;
  let port: number;
  let standby: ChildProcess | undefined;
  const logLines: string[] = [];

  async function startStandby() {
    standby = spawn(asRoot ? 'runuser' : `${BIN}/postgres`, [...(asRoot ? ['-u', 'postgres', '--', `${BIN}/postgres`] : []), '-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'shared_buffers=16MB'], { stdio: 'ignore' });
    await eventually(async () => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      try {
        await c.connect();
        const r = await c.query('select pg_is_in_recovery() as standby');
        return r.rows[0].standby === true;
      } catch {
        return false;
      } finally {
        await c.end().catch(() => {});
      }
    }, 'the standby to accept connections', 60_000);
  }

  function stopStandby() {
    // immediate: the replica "dies" as in an outage, without a clean shutdown
    if (existsSync(join(dir, 'postmaster.pid'))) run(`${BIN}/pg_ctl`, ['stop', '-D', dir, '-m', 'immediate', '-w']);
    standby = undefined;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const url = new URL((t.database as Database & { url?: string }).url!);
    dir = mkdtempSync(join(tmpdir(), 'cg-replica-'));
    if (asRoot) {
      const { uid, gid } = postgresUid();
      chownSync(dir, uid, gid);
    }
    run(`${BIN}/pg_basebackup`, ['-h', '127.0.0.1', '-p', url.port || '5432', '-U', 'postgres', '-D', dir, '-X', 'stream', '-R', '-c', 'fast']);
    // Debian keeps the configuration in /etc, so the copied data dir has none: give the standby its own
    for (const [file, text] of [['postgresql.conf', 'hot_standby = on\n'], ['pg_hba.conf', 'local all all trust\nhost all all 127.0.0.1/32 trust\n'], ['pg_ident.conf', '']] as const) {
      writeFileSync(join(dir, file), text);
      if (asRoot) chownSync(join(dir, file), postgresUid().uid, postgresUid().gid);
    }
    port = await freePort();
    await startStandby();
    // The standby first replays the WAL written during the backup (other suites' CREATE DATABASE on a busy CI
    // box can make that hundreds of MB): wait until it has caught up, so the lag the test sees is its own.
    const primary = new pg.Client({ connectionString: url.toString() });
    await primary.connect();
    const target = (await primary.query('select pg_current_wal_lsn()::text as lsn')).rows[0].lsn as string;
    await primary.end();
    await eventually(async () => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await c.connect();
      const r = await c.query('select pg_last_wal_replay_lsn() >= $1::pg_lsn as caught', [target]);
      await c.end();
      return r.rows[0].caught === true;
    }, 'the standby to catch up with the primary', 150_000);
    const replicaUrl = new URL(url.toString());
    replicaUrl.port = String(port);
    const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (logLines.push(String(c)), cb()) }));
    // the timer is an hour: the test calls check() itself instead of waiting
    peer = await createPeerApp(t, { replica: { url: replicaUrl.toString(), logger, checkEveryMs: 3_600_000 } });
  }, 240_000);

  afterAll(async () => {
    await peer?.close();
    await t?.close();
    if (dir) {
      try {
        stopStandby();
      } catch {
        /* already down */
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads dashboards, evaluation and open data on the replica; writes stay on the primary', async () => {
    const token = await peer.login('admin');
    // the write handle is the primary, the read handle the standby
    expect(await portOf(peer.deps.db)).toBe(5432);
    expect(await portOf(peer.deps.readDb)).toBe(port);
    await expect(sql`create table replica_write_probe (x int)`.execute(peer.deps.readDb)).rejects.toMatchObject({ code: '25006' });

    const before = Number((await sql<{ n: number }>`select xact_commit as n from pg_stat_database where datname = current_database()`.execute(peer.deps.readDb)).rows[0]!.n);
    for (const path of ['/api/v1/brain/dashboard', '/api/v1/evaluation/scores?subject=department', '/api/3/action/package_list']) {
      const res = await peer.call('GET', path, { token });
      expect(res.statusCode, path).toBe(200);
    }
    const after = Number((await sql<{ n: number }>`select xact_commit as n from pg_stat_database where datname = current_database()`.execute(peer.deps.readDb)).rows[0]!.n);
    // the dashboard alone asks several queries: they were answered by the standby
    expect(after - before).toBeGreaterThan(3);

    // a write through the API lands on the primary and streams to the replica
    const intake = await peer.call('POST', '/api/v1/cases', { token: await peer.login('clerk'), body: { channel: 'hotline', text: '路灯不亮，请尽快维修', category: '0503' } });
    expect(intake.statusCode, intake.body).toBeLessThan(300);
    const code = (intake.json() as { code: string }).code;
    await eventually(async () => (await sql<{ n: number }>`select count(*) as n from cases where code = ${code}`.execute(peer.deps.readDb)).rows[0]!.n === 1, 'the case to reach the standby', 30_000);
  });

  it('falls back to the primary while the replica is down, and returns to it when it is back', async () => {
    const token = await peer.login('admin');
    stopStandby();
    const res = await peer.call('GET', '/api/v1/brain/dashboard', { token });
    expect(res.statusCode, res.body).toBe(200);
    expect(peer.database.replica!.usingReplica).toBe(false);
    expect(logLines.some((l) => l.includes('read replica unreachable'))).toBe(true);
    expect(await portOf(peer.deps.readDb)).toBe(5432);
    expect((await peer.call('GET', '/api/v1/evaluation/scores?subject=department', { token })).statusCode).toBe(200);

    await startStandby();
    expect(await peer.database.replica!.check()).toBe(true);
    expect(logLines.some((l) => l.includes('read replica is back'))).toBe(true);
    expect(await portOf(peer.deps.readDb)).toBe(port);
    expect((await peer.call('GET', '/api/v1/brain/dashboard', { token })).statusCode).toBe(200);
  });
});
