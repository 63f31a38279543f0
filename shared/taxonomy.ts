import { z } from 'zod';

/** One appeal category (事项分类) as GET /api/v1/taxonomy lists it: its department and handling deadline. */
export const category = z.object({
  code: z.string(),
  zh: z.string(),
  en: z.string(),
  group: z.string(),
  groupZh: z.string(),
  department: z.string(),
  deadlineHours: z.number(),
  workingTime: z.boolean(),
  urgent: z.boolean(),
});

export const taxonomyResponse = z.object({ categories: z.array(category), natures: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })) });

export type Category = z.infer<typeof category>;
export type TaxonomyResponse = z.infer<typeof taxonomyResponse>;

/** One taxonomy version (GET /api/v1/taxonomy/versions): its number, who saved it and its categories' settings. */
export const taxonomyVersion = z.object({
  version: z.number().int(),
  note: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  categories: z.array(category),
});

/** POST /api/v1/taxonomy/versions: changes to some categories on top of version `basedOn` (the one on screen). */
export const taxonomyVersionBody = z.object({
  basedOn: z.number().int().positive(),
  note: z.string().max(500).optional(),
  changes: z
    .array(
      z
        .object({
          code: z.string().min(1).max(20),
          deadlineHours: z.number().positive().max(24 * 366).optional(),
          workingTime: z.boolean().optional(),
          urgent: z.boolean().optional(),
        })
        .strict(),
    )
    .min(1)
    .max(500),
});

export type TaxonomyVersionDto = z.infer<typeof taxonomyVersion>;
