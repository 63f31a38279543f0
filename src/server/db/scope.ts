import { sql } from 'kysely';

/**
 * SQL helpers every store shares. They live here, below every capability, so a store never imports another
 * capability's store just to reuse a predicate.
 */

/** Escapes LIKE wildcards so a search for "100%" finds that text, not everything. */
export const likeText = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `path <@ scope`: the one predicate that applies a user's data scope, kept here so no store forgets it. */
export const withinScope = (column: string, scopePath: string) => sql<boolean>`${sql.ref(column)} <@ ${scopePath}::ltree`;
