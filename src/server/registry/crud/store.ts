import { sql, type Insertable, type RawBuilder, type SelectQueryBuilder, type Updateable } from 'kysely';
import type { Tables } from '../../db/tables.ts';
import type { Db } from '../../db/database.ts';
import { likeText, withinScope } from '../../db/scope.ts';

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

export interface PlaceStep {
  code: string;
  name: string;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
}

/**
 * The named areas a record sits in, district down to its grid, read from its area_path (whose labels are the
 * area codes). The detail view shows 东城区 / 某街道 / 某社区 / 某网格 instead of a bare grid code.
 */
export async function placeTrail(db: Db, areaPath: string): Promise<PlaceStep[]> {
  const codes = areaPath.split('.');
  const rows = await db.selectFrom('areas').select(['code', 'name', 'level']).where('code', 'in', codes).where('level', '<>', 'city').execute();
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return codes.flatMap((c) => (byCode.has(c) ? [byCode.get(c)!] : []));
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

/** The four registers with the same CRUD: people, houses, organisations, components. */
export type EntityTableName = 'people' | 'houses' | 'organisations' | 'components';

export interface EntityStoreSpec<T extends EntityTableName, F> {
  table: T;
  /** the table with the entity's own filters applied (scope and grid/area come from `placeConditions`) */
  filtered: (db: Db, scopePath: string, f: F) => SelectQueryBuilder<Tables, T, object>;
  /** list order, most significant first; `id` or a unique column last so pages never overlap */
  order: string[];
  /** map-layer order */
  locatedOrder: string[];
  /** rows as they go into the table (people's jsonb goes in as text) */
  forWrite?: (row: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * The SQL every register shares: a filtered page with its count, a map layer, one row inside the scope,
 * insert, bulk insert, update and delete. Each entity's store adds only its own filters and lookups.
 */
export function entityStore<T extends EntityTableName, F, Row>(spec: EntityStoreSpec<T, F>) {
  type Q = SelectQueryBuilder<Tables, T, object>;
  // Kysely cannot check a column list chosen at run time against a table chosen by a type parameter; the
  // columns come from each store's own spec, next to its table type.
  const ordered = (q: Q, cols: string[]) => cols.reduce((acc, c) => acc.orderBy(c as never), q.selectAll() as unknown as Q);
  const table = spec.table as T & string;
  const forWrite = spec.forWrite ?? ((r) => r);
  return {
    list(db: Db, scopePath: string, f: F, page: number, pageSize: number): Promise<[Row[], number]> {
      const q = spec.filtered(db, scopePath, f);
      return pageOf(
        ordered(q, spec.order).limit(pageSize).offset((page - 1) * pageSize).execute() as Promise<Row[]>,
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow() as Promise<{ n: number }>,
      );
    },
    /** Located rows for a map layer; one row more than the limit tells the caller it was cut. */
    located: (db: Db, scopePath: string, f: F, limit: number): Promise<Row[]> =>
      ordered(spec.filtered(db, scopePath, f), spec.locatedOrder).limit(limit + 1).execute() as Promise<Row[]>,
    find: (db: Db, id: string, scopePath: string): Promise<Row | undefined> =>
      (db.selectFrom(table as 'houses').selectAll().where('id', '=', id).where(withinScope(`${table}.area_path`, scopePath)).executeTakeFirst() as Promise<unknown>) as Promise<Row | undefined>,
    insert: (db: Db, row: Insertable<Tables[T]>): Promise<Row> =>
      db.insertInto(table as 'houses').values(forWrite(row as unknown as Record<string, unknown>) as never).returningAll().executeTakeFirstOrThrow() as Promise<unknown> as Promise<Row>,
    insertMany: (db: Db, rows: readonly Insertable<Tables[T]>[]) => insertRows(db, table, rows),
    update: (db: Db, id: string, patch: Updateable<Tables[T]>): Promise<Row> =>
      db
        .updateTable(table as 'houses')
        .set(forWrite(patch as unknown as Record<string, unknown>) as never)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow() as Promise<unknown> as Promise<Row>,
    remove: async (db: Db, id: string) => {
      await db.deleteFrom(table as 'houses').where('id', '=', id).execute();
    },
  };
}
