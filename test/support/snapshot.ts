import { sql } from 'kysely';
import type { Db } from '../../src/server/db/database.ts';

/**
 * Row counts of every table in the public schema: "bad input changes nothing" is asserted by comparing
 * this before and after, so a new table is covered without anyone remembering to add it.
 */
export async function rowCounts(db: Db): Promise<Record<string, number>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const out: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const r = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
    out[name] = r.rows[0]!.n;
  }
  return out;
}
