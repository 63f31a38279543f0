import { z } from 'zod';

/** Paging query shared by every list: `?page=1&pageSize=20`, at most 200 rows a page. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

/**
 * A query parameter holding one value of `values` or several separated by commas (`?status=open,assigned`),
 * parsed to an array; an unknown value is a 400 naming the allowed ones.
 */
export const enumList = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',') : undefined))
    .pipe(z.array(z.enum(values)).optional())
    .describe(`one of ${values.join(', ')}, or several separated by commas`);

export const paged = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

/**
 * A list that also pages by keyset (added beside page/pageSize, which keep working): `?cursor=` from the last
 * answer's `nextCursor` gives the rows right after that page's last row, whatever was written meanwhile.
 * `totalEstimated` says `total` is an estimate (the filter cannot be counted from rollups and more rows match
 * than the server counts one by one).
 */
export const cursorPaged = <T extends z.ZodTypeAny>(item: T) =>
  paged(item).extend({
    nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last page'),
    totalEstimated: z.boolean().describe('true when total is an estimate, not an exact count'),
  });

export const cursorParam = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/)
  .optional()
  .describe('opaque keyset cursor: the nextCursor of the previous page (page is then ignored)');

export interface CursorPage<T> extends Page<T> {
  nextCursor: string | null;
  totalEstimated: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const problemSchema = z
  .object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string(), code: z.string() })
  .passthrough()
  .describe('application/problem+json');

/** Standard error responses to list in a route's OpenAPI entry. */
export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problemSchema]));
