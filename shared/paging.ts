import { z } from 'zod';

/** Paging query shared by every list: `?page=1&pageSize=20`, at most 200 rows a page. */
export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
});

export const paged = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

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
