/**
 * The server's PGlite in its own thread (pglite-thread.ts) must behave as the in-thread one the rest of the
 * suite uses: the same JS types in rows, SQLSTATE fields on errors (services map 23505 to 409), transactions
 * through the one-holder pool, NOTIFY, and the early start `civicgrid start` makes (its lock, the hand-over).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Database } from './database.ts';
import { startEarlyDatabase } from './pglite-thread.ts';

const root = mkdtempSync(join(tmpdir(), 'cg-pglite-thread-'));
let database: Database;

beforeAll(async () => {
  database = await openPglite({ dataDir: join(root, 'a'), thread: true });
  await sql`create extension if not exists ltree`.execute(database.db);
  await sql`create table t (id int8 primary key, day date, at timestamptz, doc jsonb, bytes bytea, tags text[], path ltree)`.execute(database.db);
}, 60_000);

afterAll(async () => {
  await database?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('PGlite in a worker thread', () => {
  it('is not the in-thread instance (no raw PGlite to dump) and hands back the in-thread types', async () => {
    expect(database.pglite).toBeUndefined();
    await sql`insert into t values (1, '2026-12-04', '2026-12-04T01:02:03Z', '{"a":[1,2]}', '\\x0102', '{x,y}', 'c.d')`.execute(database.db);
    const row = (await sql<Record<string, unknown>>`select *, count(*) over () as n from t`.execute(database.db)).rows[0]!;
    expect(row).toMatchObject({ id: 1, day: '2026-12-04', doc: { a: [1, 2] }, tags: ['x', 'y'], path: 'c.d', n: 1 });
    expect(row.at).toBeInstanceOf(Date);
    expect((row.at as Date).toISOString()).toBe('2026-12-04T01:02:03.000Z');
    expect(Array.from(row.bytes as Uint8Array)).toEqual([1, 2]);
  });

  it('rejects with the SQLSTATE and constraint, and the failed statement changes nothing', async () => {
    const err = await sql`insert into t (id) values (1)`.execute(database.db).catch((e: unknown) => e as Record<string, unknown>);
    expect(err).toMatchObject({ code: '23505', constraint: 't_pkey' });
    expect((err as unknown as Error).message).toMatch(/duplicate key/);
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(database.db)).rows[0]!.n).toBe(1);
  });

  it('runs transactions through the one-holder pool: a rollback undoes, concurrent ones do not interleave', async () => {
    await database.db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into t (id) values (2)`.execute(tx);
        throw new Error('undo');
      })
      .catch(() => {});
    await Promise.all(
      [10, 20].map((base) =>
        database.db.transaction().execute(async (tx) => {
          await sql`insert into t (id) values (${base})`.execute(tx);
          await sql`insert into t (id) values (${base + 1})`.execute(tx);
        }),
      ),
    );
    const ids = (await sql<{ id: number }>`select id from t order by id`.execute(database.db)).rows.map((r) => r.id);
    expect(ids).toEqual([1, 10, 11, 20, 21]);
  });

  it('runs multi-statement scripts (migrations) and delivers NOTIFY to listeners', async () => {
    await sql.raw('create table u (x int); insert into u values (7);').execute(database.db);
    expect((await sql<{ x: number }>`select x from u`.execute(database.db)).rows).toEqual([{ x: 7 }]);
    const got: string[] = [];
    const off = await database.signals.listen('cg_thread_test', (payload) => void got.push(payload));
    await sql`select pg_notify('cg_thread_test', 'hello')`.execute(database.db);
    await expect.poll(() => got).toEqual(['hello']);
    await off();
  });

  it('starts early for `civicgrid start`: locks the directory at once, and the server adopts that thread', async () => {
    const early = join(root, 'b');
    startEarlyDatabase({ CIVICGRID_DATA_DIR: early, PORT: '18099' });
    expect(JSON.parse(readFileSync(`${early}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, what: 'civicgrid start', port: 18099 });
    const adopted = await openPglite({ dataDir: early, thread: true });
    expect(adopted.pglite).toBeUndefined();
    expect((await sql<{ one: number }>`select 1 as one`.execute(adopted.db)).rows).toEqual([{ one: 1 }]);
    await adopted.close();
    expect(existsSync(`${early}.lock`)).toBe(false);
  });
});
