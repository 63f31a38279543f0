import { sql, type RawBuilder } from 'kysely';
import type { Tables } from '../db/tables.ts';
import type { Db } from '../db/database.ts';
import { likeText, withinScope } from '../db/scope.ts';

/** The columns every located record carries: its grid, that grid's ltree path (the scope key) and the point. */
export interface LocatedColumns {
  grid_code: string;
  area_path: string;
  lon: number | null;
  lat: number | null;
  h3: string | null;
}

export interface AreaFilter {
  grid?: string;
  area?: string;
}

/** `path <@ (path of area X)`: a grid is an area too, so both filters are one GiST-indexed predicate. */
const insideArea = (table: string, code: string) => sql<boolean>`${sql.ref(`${table}.area_path`)} <@ (select a.path from areas a where a.code = ${code})`;

/**
 * The data-scope predicate plus the grid/area filters, for any registry table. An unknown area code matches
 * nothing (the subquery is null), and the scope still applies on top, so naming another district's area
 * never widens what a user sees.
 */
export function placeConditions(table: string, scopePath: string, f: AreaFilter): RawBuilder<boolean>[] {
  const out = [withinScope(`${table}.area_path`, scopePath)];
  if (f.grid) out.push(insideArea(table, f.grid));
  if (f.area) out.push(insideArea(table, f.area));
  return out;
}

export const contains = (column: string, q: string) => sql<boolean>`${sql.ref(column)} ilike ${`%${likeText(q)}%`}`;

export const inBbox = (table: string, b: [number, number, number, number]) =>
  sql<boolean>`${sql.ref(`${table}.lon`)} between ${b[0]} and ${b[2]} and ${sql.ref(`${table}.lat`)} between ${b[1]} and ${b[3]}`;

/** Runs a page query and its count together (the count ignores order, limit and offset). */
export async function pageOf<T>(items: Promise<T[]>, count: Promise<{ n: number | string | bigint }>): Promise<[T[], number]> {
  const [rows, c] = await Promise.all([items, count]);
  return [rows, Number(c.n)];
}

export interface GridRef {
  code: string;
  name: string;
  path: string;
}

/** Grids (level grid) among `codes` that lie inside the scope: the one lookup that decides where a record may go. */
export async function gridsInScope(db: Db, codes: string[], scopePath: string): Promise<GridRef[]> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('areas')
    .select(['code', 'name', 'path'])
    .where('level', '=', 'grid')
    .where('code', 'in', codes)
    .where(withinScope('path', scopePath))
    .execute();
}

/** Splits a list into chunks, so `in (…)` lists and multi-row inserts stay well under parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Bulk insert as one JSON parameter expanded by `json_populate_recordset`: a 500-row batch is one bind value
 * instead of 15,000, which roughly halves the cost of imports and seeds on PGlite and shortens the wire on
 * PostgreSQL. Columns are the keys of the first row, so a column left out takes its default (ids included).
 */
export async function insertRows(db: Db, table: keyof Tables & string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).map((c) => sql.id(c));
  const list = sql.join(columns);
  await sql`insert into ${sql.table(table)} (${list}) select ${list} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`.execute(db);
}
