import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/server/db/database.ts';
import { createAccessLogStore } from '../../src/server/datahall/access-log-store.ts';
import { cliDatabase, runCli, type CliDatabase } from '../support/cli.ts';
import { testDbKind } from '../support/harness.ts';

let cli: CliDatabase;
beforeAll(async () => {
  cli = await cliDatabase('datahall-cli');
});
afterAll(() => cli.close());

/** A short-lived connection: PGlite allows one process on a data dir at a time, and the CLI is another. */
async function withDb<T>(fn: (d: Database) => Promise<T>): Promise<T> {
  const d = testDbKind === 'pglite' ? await openPglite({ dataDir: cli.env.CIVICGRID_DATA_DIR }) : await openPostgres(cli.env.DATABASE_URL!, 1);
  try {
    return await fn(d);
  } finally {
    await d.close();
  }
}

describe('civicgrid datahall verify', () => {
  it('reports an intact access log, then names the row someone edited and exits 1', { timeout: 180_000 }, async () => {
    const seqs = await withDb(async (d) => {
      const log = createAccessLogStore();
      const out: number[] = [];
      for (const n of [3, 7]) {
        const row = await d.db.transaction().execute((tx) => log.append(tx, { at: new Date('2026-11-23T02:00:00Z'), key_id: null, request_id: null, consumer: 'MZ', resource_code: 'people', owner_department: 'GA', fields: ['id', 'kind'], row_count: n, purpose: '核对' }));
        out.push(Number(row.seq));
      }
      return out;
    });
    const ok = await runCli(['datahall', 'verify'], cli.env);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('datahall access log intact: 2 entries');

    await withDb((d) => sql`update datahall_access_log set fields = '{id,kind,id_number}' where seq = ${seqs[0]}`.execute(d.db));
    const bad = await runCli(['datahall', 'verify'], cli.env);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`BROKEN at seq ${seqs[0]} (edited)`);
  });
});
