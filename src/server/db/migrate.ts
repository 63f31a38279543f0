import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from './database.ts';

const migrationsDir = new URL('../../../migrations/', import.meta.url);

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir: URL = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(new URL(name, dir), 'utf8');
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

/**
 * Applies pending plain-SQL migrations in order, each in its own transaction, the same files on PGlite and
 * PostgreSQL. An advisory lock keeps two API nodes booting together from racing; a changed checksum of an
 * applied file stops the boot, because silently diverging schemas are worse than a failed start.
 */
export async function migrate(db: Db, dir?: URL): Promise<string[]> {
  const migrations = listMigrations(dir);
  const applied: string[] = [];
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(74210001)`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        name text primary key, checksum text not null, applied_at timestamptz not null default now())`.execute(conn);
      const done = new Map(
        (await sql<{ name: string; checksum: string }>`select name, checksum from schema_migrations`.execute(conn)).rows.map(
          (r) => [r.name, r.checksum],
        ),
      );
      for (const m of migrations) {
        const prior = done.get(m.name);
        if (prior !== undefined) {
          if (prior !== m.checksum) throw new Error(`migration ${m.name} was changed after it was applied; add a new migration instead`);
          continue;
        }
        await conn.transaction().execute(async (tx) => {
          await sql.raw(m.sql).execute(tx);
          await sql`insert into schema_migrations (name, checksum) values (${m.name}, ${m.checksum})`.execute(tx);
        });
        applied.push(m.name);
      }
    } finally {
      await sql`select pg_advisory_unlock(74210001)`.execute(conn);
    }
  });
  return applied;
}

export async function pendingMigrations(db: Db, dir?: URL): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`select to_regclass('schema_migrations')::text as t`.execute(db);
  const done = exists.rows[0]?.t
    ? new Set((await sql<{ name: string }>`select name from schema_migrations`.execute(db)).rows.map((r) => r.name))
    : new Set<string>();
  return listMigrations(dir)
    .map((m) => m.name)
    .filter((n) => !done.has(n));
}
