/** How every PGlite of the server is opened, in this thread or in the database thread (pglite-thread.ts), and the type parsers both drivers share. */
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';

export const pgliteExtensions = { ltree, pg_trgm, pgcrypto };

// Both drivers must hand services the same JS types: counts as numbers, dates as ISO date strings.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const toNumber = (v: string) => Number(v);
const keepString = (v: string) => v;
export const typeParsers: Readonly<Record<number, (v: string) => number | string>> = { [INT8]: toNumber, [NUMERIC]: toNumber, [DATE]: keepString };
