import { sql } from 'kysely';

/**
 * SQL helpers every store shares. They live here, below every capability, so a store never imports another
 * capability's store just to reuse a predicate.
 */

/** Escapes LIKE wildcards so a search for "100%" finds that text, not everything. */
export const likeText = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `path <@ scope`: the one predicate that applies a user's data scope, kept here so no store forgets it. */
export const withinScope = (column: string, scopePath: string) => sql<boolean>`${sql.ref(column)} <@ ${scopePath}::ltree`;

/**
 * The same data scope as `withinScope`, written as one range over the path's text so a B-tree answers it
 * (`cases_scope_prefix`, migration 0036) and the planner estimates it from that index's histogram: `p` and its
 * descendants are exactly the paths whose text + '.' starts with `p.`, i.e. lies in [`p.`, `p/`) in byte order
 * ('/' follows '.'). The GiST index on area_path answered `<@` with a guess of 0.1 % of the table, so a
 * district's third of the city was read through it and sorted. Only tables with that expression index
 * benefit; on others it is a filter like any other.
 */
export const inScope = (column: string, scopePath: string) =>
  sql<boolean>`((${sql.ref(column)}::text || '.') collate "C") >= (${`${scopePath}.`}::text collate "C") and ((${sql.ref(column)}::text || '.') collate "C") < (${`${scopePath}/`}::text collate "C")`;

/** The deeper of two area paths when one lies within the other; null when they are disjoint (nothing is in both). */
export function narrowerScope(a: string, b: string | undefined): string | null {
  if (!b || b === a) return a;
  if (b.startsWith(`${a}.`)) return b;
  if (a.startsWith(`${b}.`)) return a;
  return null;
}
