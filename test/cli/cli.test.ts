import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDbKind } from '../support/harness.ts';

const bin = new URL('../../bin/civicgrid.js', import.meta.url).pathname;

function run(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => (clearTimeout(timer), resolve({ code, out })));
  });
}

let dir: string;
let env: Record<string, string>;
let database: Awaited<ReturnType<typeof openTestDatabase>>;

// The CLI runs against a database of its own: a PGlite data dir on disk, or a cloned PostgreSQL database.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'civicgrid-cli-'));
  const dataDir = join(dir, 'data');
  database = await openTestDatabase({ dataDir });
  if (testDbKind === 'pglite') {
    await database.db.destroy();
    await database.pglite!.close();
    env = { CIVICGRID_DATA_DIR: dataDir };
  } else {
    env = { DATABASE_URL: database.url! };
  }
});
afterAll(async () => {
  if (testDbKind === 'postgres') await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('civicgrid CLI', () => {
  it('db check reports a reachable, fully migrated database', async () => {
    const r = await run(['db', 'check'], env);
    expect(r.out).toMatch(/reachable; pending migrations: none; mode: demo/);
    expect(r.code).toBe(0);
  });

  it('audit verify passes on an intact chain and names the row after tampering', async () => {
    const ok = await run(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/audit chain intact: \d+ entries/);

    const { openDatabase } = await import('../../src/server/db/database.ts');
    const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.CIVICGRID_DATA_DIR ?? '' });
    const first = await db.db.selectFrom('audit_log').select('seq').orderBy('seq').limit(1).executeTakeFirstOrThrow();
    await sql`update audit_log set actor = 'someone-else' where seq = ${first.seq}`.execute(db.db);
    await db.close();

    const broken = await run(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`BROKEN at seq ${first.seq} (edited)`);
  });

  it('a bad configuration value stops with one readable line', async () => {
    const r = await run(['db', 'check'], { ...env, DATABASE_POOL_SIZE: 'many' });
    expect(r.code).toBe(1);
    expect(r.out.trim()).toMatch(/^civicgrid: configuration: DATABASE_POOL_SIZE /);
    expect(r.out.trim().split('\n')).toHaveLength(1);
  });

  it('admin create refuses a weak password and creates a working admin with a strong one', async () => {
    const weak = await run(['admin', 'create', '--username', 'ops.admin'], { ...env, CIVICGRID_ADMIN_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.out).toMatch(/password must be at least 10 characters/);
    const ok = await run(['admin', 'create', '--username', 'ops.admin'], { ...env, CIVICGRID_ADMIN_PASSWORD: 'Very-strong-pass-9' });
    expect(ok.out).toMatch(/admin ops.admin created with scope 示范市/);
    expect(ok.code).toBe(0);
  });
});
