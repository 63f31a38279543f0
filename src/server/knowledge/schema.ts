import { z } from 'zod';
import { pageQuery } from '../../../shared/paging.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const knowledgeInput = z.object({
  title: z.string().trim().min(2).max(200),
  department: z.string().max(20).nullable().optional(),
  conditions: z.string().max(4000).default(''),
  materials: z.array(z.string().trim().min(1).max(300)).max(50).default([]),
  steps: z.array(z.string().trim().min(1).max(500)).max(50).default([]),
  fees: z.string().max(500).default(''),
  timeLimit: z.string().max(200).default(''),
  location: z.string().max(500).default(''),
  onlineUrl: z.url({ protocol: /^https?$/ }).nullable().optional(),
  faq: z.array(z.object({ q: z.string().trim().min(1).max(500), a: z.string().trim().min(1).max(2000) })).max(50).default([]),
  validFrom: day.nullable().optional(),
  validTo: day.nullable().optional(),
  owner: z.string().max(64).nullable().optional(),
  reviewDue: day.nullable().optional(),
  published: z.boolean().default(true),
});
export type KnowledgeInput = z.infer<typeof knowledgeInput>;

export const knowledgeItem = z.object({
  id: z.string(),
  title: z.string(),
  department: z.object({ code: z.string(), name: z.string() }).nullable(),
  conditions: z.string(),
  materials: z.array(z.string()),
  steps: z.array(z.string()),
  fees: z.string(),
  timeLimit: z.string(),
  location: z.string(),
  onlineUrl: z.string().nullable(),
  faq: z.array(z.object({ q: z.string(), a: z.string() })),
  validFrom: z.string().nullable(),
  validTo: z.string().nullable(),
  owner: z.string().nullable(),
  reviewDue: z.string().nullable(),
  published: z.boolean(),
  uses: z.number(),
});

export const searchHit = knowledgeItem.extend({ score: z.number() });
export const searchQuery = z.object({ q: z.string().trim().min(1).max(200), limit: z.coerce.number().int().min(1).max(20).default(5) });
export const listQuery = pageQuery.extend({ department: z.string().max(20).optional(), reviewDue: z.enum(['overdue']).optional() });
export const importResult = z.object({ imported: z.number(), errors: z.array(z.object({ row: z.number(), message: z.string() })) });
