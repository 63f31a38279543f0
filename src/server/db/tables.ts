import type { Kysely } from 'kysely';

/**
 * The Kysely database interface. Each capability adds its own tables by declaration merging next to its
 * store (`declare module '../db/tables.ts' { interface Tables { … } }`), so table types live with the SQL
 * that uses them while Kysely still sees one schema.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Tables {}

/** A database handle or an open transaction: what every store function takes. */
export type Db = Kysely<Tables>;
