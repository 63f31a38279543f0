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

/** 新增事项小类: a new leaf under group `group` (its code starts with the group's two digits). */
export const categoryAddition = z
  .object({
    code: z.string().regex(/^[0-9]{4}$/, 'category codes are 4 digits'),
    zh: z.string().trim().min(1).max(50),
    en: z.string().trim().max(100).optional(),
    group: z.string().regex(/^[0-9]{2}$/, 'group codes are 2 digits'),
    /** only for a new group: its name */
    groupZh: z.string().trim().min(1).max(50).optional(),
    department: z.string().min(1).max(32),
    deadlineHours: z.number().positive().max(24 * 366),
    workingTime: z.boolean(),
    urgent: z.boolean().optional(),
  })
  .strict();

export type CategoryAddition = z.infer<typeof categoryAddition>;

/** POST /api/v1/taxonomy/versions: changes to some categories (and new ones) on top of version `basedOn` (the one on screen). */
export const taxonomyVersionBody = z.object({
  basedOn: z.number().int().positive(),
  note: z.string().max(500).optional(),
  additions: z.array(categoryAddition).max(100).optional(),
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
    .max(500)
    .optional(),
});

export type TaxonomyVersionDto = z.infer<typeof taxonomyVersion>;
