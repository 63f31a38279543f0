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
