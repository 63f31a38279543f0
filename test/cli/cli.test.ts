import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliDatabase, runCli, type CliDatabase } from '../support/cli.ts';

let cli: CliDatabase;
let env: Record<string, string>;
const run = runCli;

beforeAll(async () => {
  cli = await cliDatabase('cli');
  env = cli.env;
});
afterAll(() => cli.close());

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
