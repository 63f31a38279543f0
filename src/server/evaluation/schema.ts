import { z } from 'zod';
import { pageQuery } from '../../../shared/paging.ts';
import { areaLevels, subjectTypes } from '../../../shared/evaluation.ts';

const dayText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');
const subject = z.enum(subjectTypes).describe('department (处置单位), area (district/street/community/grid), post (clerk, dispatcher, grid worker)');

export const scoresQuery = z.object({
  subject,
  period: z.string().max(10).optional().describe('YYYY-MM, YYYY-Qn or YYYY; or give from/to'),
  from: dayText.optional(),
  to: dayText.optional(),
  level: z.enum(areaLevels).optional().describe('areas only: which level is ranked (default district)'),
  scheme: z.string().max(40).optional().describe('a scheme code; default: the default scheme of the subject type'),
});

export const trendQuery = z.object({ subject, code: z.string().min(1).max(64), from: dayText.optional(), to: dayText.optional(), scheme: z.string().max(40).optional() });

export const drillQuery = pageQuery.extend({
  subject,
  code: z.string().min(1).max(64),
  column: z.string().regex(/^[a-z_]{2,40}$/).describe('the numerator or denominator column of an indicator (its drill object)'),
  from: dayText,
  to: dayText,
  level: z.enum(areaLevels).optional(),
});

const drillParams = z.record(z.string(), z.string()).nullable();
const indicatorValue = z.object({
  code: z.string(),
  value: z.number().nullable(),
  numerator: z.number(),
  denominator: z.number().nullable(),
  points: z.number().nullable(),
  drill: z.object({ numerator: drillParams, denominator: drillParams }).describe('query of GET /api/v1/evaluation/cases listing the cases behind each number'),
});

export const scoreItem = z.object({
  subject: z.object({ type: subject, code: z.string(), name: z.string() }),
  score: z.number().nullable(),
  rank: z.number().nullable(),
  ranked: z.boolean(),
  caseCount: z.number(),
  previousRank: z.number().nullable(),
  rankDelta: z.number().nullable().describe('previous rank − rank: positive = moved up'),
  indicators: z.array(indicatorValue),
});

export const scoresView = z.object({
  from: z.string(),
  to: z.string(),
  previous: z.object({ from: z.string(), to: z.string() }),
  level: z.string().optional(),
  scheme: z.object({ code: z.string(), name: z.string(), weights: z.record(z.string(), z.number()), minCases: z.number(), normalisation: z.string() }),
  items: z.array(scoreItem),
});

export const indicatorsView = z.object({
  normalisation: z.string(),
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      nameEn: z.string(),
      formula: z.string(),
      direction: z.enum(['higher', 'lower']),
      unit: z.string(),
      numerator: z.string(),
      denominator: z.string().nullable(),
      normalisation: z.string(),
      subjects: z.array(z.string()),
    }),
  ),
});

export const schemeView = z.object({
  code: z.string(),
  name: z.string(),
  subjectType: subject,
  weights: z.record(z.string(), z.number()),
  minCases: z.number(),
  maxShare: z.number(),
  isDefault: z.boolean(),
  normalisation: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export const schemeCode = z.object({ code: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'scheme codes are lower-case letters, digits, - and _') });

export const trendView = z.object({
  subject: z.object({ type: subject, code: z.string(), name: z.string() }),
  from: z.string(),
  to: z.string(),
  scheme: z.object({ code: z.string() }),
  points: z.array(z.object({ month: z.string(), caseCount: z.number(), score: z.number().nullable(), indicators: z.array(indicatorValue.omit({ drill: true })) })),
});

const dayCounts = z.object({ day: z.string(), received: z.number(), dispatched: z.number() });
export const pulseView = z.object({ today: dayCounts, avg7: z.object({ received: z.number(), dispatched: z.number() }), series: z.array(dayCounts) });
