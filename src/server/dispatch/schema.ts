import { z } from 'zod';
import { pageQuery } from '../../../shared/paging.ts';
import { areaCode, departmentCode } from '../../../shared/org.ts';

export const categoryCode = z.string().regex(/^[0-9]{4}$/, 'category codes are 4 digits (taxonomy leaves)');

export const dispatchRule = z.object({
  id: z.string(),
  category: z.string(),
  areaCode: z.string().nullable(),
  departmentCode: z.string(),
  coDepartments: z.array(z.string()),
  allowTerritorial: z.boolean().describe('the catalogue allows handing this functional matter to 街道/社区 here'),
  note: z.string(),
  updatedAt: z.string(),
});

export const newDispatchRule = z.object({
  category: categoryCode,
  areaCode: areaCode.nullable().optional(),
  departmentCode,
  coDepartments: z.array(departmentCode).max(10).optional(),
  allowTerritorial: z.boolean().optional(),
  note: z.string().trim().max(500).optional(),
});

export const dispatchRulePatch = z
  .object({
    departmentCode,
    coDepartments: z.array(departmentCode).max(10),
    allowTerritorial: z.boolean(),
    note: z.string().trim().max(500),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');

export const dispatchRuleQuery = pageQuery.extend({
  category: categoryCode.optional(),
  area: areaCode.optional(),
  department: departmentCode.optional(),
});

export const resolveQuery = z.object({ category: categoryCode, area: areaCode.optional() });

export const responsible = z.object({
  department: z.string(),
  coDepartments: z.array(z.string()),
  source: z.enum(['catalogue', 'taxonomy']),
  ruleId: z.string().nullable(),
});
