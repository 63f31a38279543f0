import { z } from 'zod';

/**
 * 综合评价 indicators, their published formulas and the scoring rule, as pure data and code shared by the
 * server (which computes) and the console (which explains). Taxonomy after GB/T 30428.4 (数字化城管绩效评价)
 * and the 12345 assessment practice (响应率、解决率、满意率).
 */

export const subjectTypes = ['department', 'area', 'post'] as const;
export type SubjectType = (typeof subjectTypes)[number];

/**
 * How a value becomes 0–100 points:
 * - `rate`: points = value × 100 (higher is better) or (1 − value) × 100 (lower is better);
 * - `per100`: value is a count per 100 cases (lower is better): points = max(0, 100 − value);
 * - `per_case`: value is a count per case (lower is better): points = max(0, 100 − 100 × value);
 * - `relative`: a count (higher is better): points = 100 × value ÷ the largest value among the listed subjects.
 */
export type Normalisation = 'rate' | 'per100' | 'per_case' | 'relative';

export interface IndicatorDef {
  code: string;
  name: string;
  nameEn: string;
  /** rollup column summed for the numerator / denominator (daily tables of migration 0015) */
  numerator: string;
  denominator: string | null;
  /** multiplies numerator ÷ denominator (100 for per-100 indicators) */
  scale: number;
  direction: 'higher' | 'lower';
  unit: string;
  normalisation: Normalisation;
  subjects: readonly SubjectType[];
  formula: string;
}

const D: SubjectType[] = ['department', 'area'];

/** What counts and which time field: intake-side counts by the intake day, handling counts by the first dispatch day. */
export const indicators: readonly IndicatorDef[] = [
  { code: 'filing_rate', name: '立案率', nameEn: 'Filing rate', numerator: 'filed', denominator: 'received', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: ['area'],
    formula: '立案数 ÷ 受理数: cases with a 立案 (file) event ÷ all cases received, by intake day (cases.created_at, city-local)' },
  { code: 'dispatch_timely_rate', name: '及时派遣率', nameEn: 'Timely dispatch rate', numerator: 'dispatch_on_time', denominator: 'dispatched', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: ['department', 'area', 'post'],
    formula: 'cases first dispatched within dispatch_hours (4 h: 受理→立案 2 h + 立案→派遣 2 h) of intake ÷ cases dispatched, by first dispatch day' },
  { code: 'handling_rate', name: '处置率', nameEn: 'Handling rate', numerator: 'reported', denominator: 'dispatched', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'dispatched cases reported back (反馈) ÷ cases dispatched, by first dispatch day (unit = current 主办 department)' },
  { code: 'handling_ontime_rate', name: '按期处置率', nameEn: 'On-time handling rate', numerator: 'report_on_time', denominator: 'reported', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'reported cases whose every report (also after a rework) came before the deadline (cases.due_at) ÷ reported cases, by first dispatch day' },
  { code: 'rework_rate', name: '返工率', nameEn: 'Rework rate', numerator: 'rework_cases', denominator: 'reported', scale: 1, direction: 'lower', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'reported cases sent back at least once (返工: failed check or 不满意 reopen) ÷ reported cases, by first dispatch day' },
  { code: 'extension_rate', name: '延期率', nameEn: 'Extension rate', numerator: 'extended_cases', denominator: 'dispatched', scale: 1, direction: 'lower', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'dispatched cases with at least one approved extension (延期) ÷ cases dispatched, by first dispatch day' },
  { code: 'objection_rate', name: '退单率', nameEn: 'Objection rate', numerator: 'objections', denominator: 'dispatched', scale: 1, direction: 'lower', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'objections (退单) raised by the unit, by objection day ÷ cases dispatched to the unit, by first dispatch day' },
  { code: 'objection_upheld_rate', name: '退单认可率', nameEn: 'Objections upheld', numerator: 'objections_upheld', denominator: 'objections_resolved', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: D,
    formula: "the unit's objections followed by a re-dispatch to another unit (upheld) ÷ its objections answered by a re-dispatch; an objection sent back to the same unit (rejected) counts against the objector" },
  { code: 'close_ontime_rate', name: '按期结案率', nameEn: 'On-time closure rate', numerator: 'closed_on_time', denominator: 'dispatched', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'effective closures (see 结案率) whose reports all came before the deadline ÷ cases dispatched, by first dispatch day' },
  { code: 'close_rate', name: '结案率', nameEn: 'Closure rate', numerator: 'closed_effective', denominator: 'dispatched', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'effective closures ÷ cases dispatched, by first dispatch day. A closure is not effective when contradicted: reopened by a 不满意 rating, still rated 不满意, or followed by a new case of the same category at the same grid or H3 cell within recur_days (30) days' },
  { code: 'satisfaction_rate', name: '满意率', nameEn: 'Satisfaction rate', numerator: 'satisfied', denominator: 'rated', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'rated cases whose latest rating is 满意 or 基本满意 ÷ rated cases (unrated cases are left out; the denominator is the count), by first dispatch day' },
  { code: 'reopen_rate', name: '回访不满意重开率', nameEn: 'Reopened after 不满意', numerator: 'reopened', denominator: 'rated', scale: 1, direction: 'lower', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'rated cases reopened (返工) after a 不满意 rating ÷ rated cases, by first dispatch day' },
  { code: 'recurrence_rate', name: '重复发生率', nameEn: 'Recurrence after closure', numerator: 'recurred', denominator: 'closed', scale: 1, direction: 'lower', unit: '%', normalisation: 'rate', subjects: D,
    formula: 'closed cases followed by a new case of the same category at the same grid or H3 cell within recur_days (30) days ÷ closed cases, by first dispatch day' },
  { code: 'yellow_per100', name: '黄牌督办（每百件）', nameEn: 'Yellow cards per 100', numerator: 'yellow', denominator: 'dispatched', scale: 100, direction: 'lower', unit: '张/百件', normalisation: 'per100', subjects: D,
    formula: 'yellow cards (80 % of the time used) × 100 ÷ cases dispatched, by first dispatch day' },
  { code: 'red_per100', name: '红牌督办（每百件）', nameEn: 'Red cards per 100', numerator: 'red', denominator: 'dispatched', scale: 100, direction: 'lower', unit: '张/百件', normalisation: 'per100', subjects: D,
    formula: 'red cards (overdue) × 100 ÷ cases dispatched, by first dispatch day' },
  { code: 'urge_per_case', name: '催办（每件）', nameEn: 'Urges per case', numerator: 'urges', denominator: 'dispatched', scale: 1, direction: 'lower', unit: '次/件', normalisation: 'per_case', subjects: D,
    formula: '催办 calls (the reporter called again) ÷ cases dispatched, by first dispatch day' },
  { code: 'problem_density', name: '每平方公里问题数', nameEn: 'Problems per km²', numerator: 'received', denominator: 'area_km2', scale: 1, direction: 'lower', unit: '件/km²', normalisation: 'relative', subjects: ['area'],
    formula: 'cases received ÷ the area in km² (area_geometries.area_m2 of its grids), by intake day; informative, not in the default scheme' },
  { code: 'reports', name: '上报数', nameEn: 'Reports', numerator: 'reports', denominator: null, scale: 1, direction: 'higher', unit: '件', normalisation: 'relative', subjects: ['post'],
    formula: "cases a grid worker reported (channel gridworker, created by them), by intake day; points relative to the busiest listed grid worker" },
  { code: 'valid_report_rate', name: '有效上报率', nameEn: 'Valid report rate', numerator: 'reports_filed', denominator: 'reports', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: ['post'],
    formula: "a grid worker's reports that became filed cases (立案) ÷ their reports, by intake day" },
  { code: 'check_timely_rate', name: '核查及时率', nameEn: 'Timely check rate', numerator: 'checks_on_time', denominator: 'checks', scale: 1, direction: 'higher', unit: '%', normalisation: 'rate', subjects: ['post'],
    formula: 'closures checked on site (核查) within check_hours (24 h) of the report ÷ checks, by the case’s first dispatch day' },
  { code: 'intakes', name: '受理数', nameEn: 'Appeals taken', numerator: 'intakes', denominator: null, scale: 1, direction: 'higher', unit: '件', normalisation: 'relative', subjects: ['post'],
    formula: 'cases a clerk or dispatcher took in (created by them, any channel but gridworker), by intake day; points relative to the busiest listed person' },
];

export const indicatorByCode = new Map(indicators.map((i) => [i.code, i]));

export const normalisationText =
  'points 0–100: rate → value × 100 (higher) or (1 − value) × 100 (lower); per100 → max(0, 100 − value); per_case → max(0, 100 − 100 × value); relative → 100 × value ÷ max value among listed subjects. score = Σ weight × points ÷ Σ weight over the indicators with data (denominator > 0); a subject with fewer cases than the scheme minimum is listed, not ranked.';

/** 0–100 points of one value; `max` is the largest value among the subjects (relative indicators). */
export function pointsOf(def: IndicatorDef, value: number | null, max: number): number | null {
  if (value === null) return null;
  let p: number;
  switch (def.normalisation) {
    case 'rate':
      p = def.direction === 'higher' ? value * 100 : (1 - value) * 100;
      break;
    case 'per100':
      p = 100 - value;
      break;
    case 'per_case':
      p = 100 - 100 * value;
      break;
    case 'relative':
      p = max > 0 ? (def.direction === 'higher' ? (100 * value) / max : 100 - (100 * value) / max) : 0;
      break;
  }
  return round2(Math.max(0, Math.min(100, p)));
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** score = Σ weight × points ÷ Σ weight over the indicators that have points. */
export function scoreOf(weights: Record<string, number>, points: { code: string; points: number | null }[]): number | null {
  let sw = 0;
  let swp = 0;
  for (const p of points) {
    const w = weights[p.code];
    if (!w || p.points === null) continue;
    sw += w;
    swp += w * p.points;
  }
  return sw > 0 ? round2(swp / sw) : null;
}

export const schemeBody = z.object({
  name: z.string().trim().min(2).max(80),
  subjectType: z.enum(subjectTypes),
  weights: z.record(z.string(), z.number().positive().max(1000)),
  minCases: z.number().int().min(0).max(100_000).default(5),
  maxShare: z.number().gt(0).max(1).default(0.3).describe('largest share of the total weight one indicator may carry (default 0.3 = 30 %)'),
  isDefault: z.boolean().optional(),
});
export type SchemeInput = z.infer<typeof schemeBody>;

/** Why a scheme is refused, or null: unknown or unfit indicators, one indicator above its share, satisfaction alone. */
export function schemeProblem(s: Pick<SchemeInput, 'subjectType' | 'weights' | 'maxShare'>): { code: string; detail: string } | null {
  const entries = Object.entries(s.weights);
  if (entries.length < 3) return { code: 'evaluation.scheme_too_narrow', detail: 'a scheme weighs at least 3 indicators: one measure alone (satisfaction above all) breeds fake closures' };
  for (const [code] of entries) {
    const def = indicatorByCode.get(code);
    if (!def) return { code: 'evaluation.unknown_indicator', detail: `indicator ${code} does not exist` };
    if (!def.subjects.includes(s.subjectType)) return { code: 'evaluation.indicator_not_for_subject', detail: `indicator ${code} does not apply to ${s.subjectType}` };
  }
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [code, w] of entries) {
    if (w / total > s.maxShare + 1e-9) {
      return { code: 'evaluation.weight_too_high', detail: `${code} carries ${Math.round((w / total) * 1000) / 10} % of the weight; at most ${Math.round(s.maxShare * 1000) / 10} % per indicator` };
    }
  }
  const sat = s.weights.satisfaction_rate ?? 0;
  if (sat > 0 && sat / total > 0.3 + 1e-9) return { code: 'evaluation.satisfaction_dominant', detail: 'satisfaction may carry at most 30 % of the weight, whatever the scheme maximum' };
  return null;
}

/** The schemes that ship: every weight within 30 %, satisfaction one measure among several. */
export const defaultSchemes: (SchemeInput & { code: string })[] = [
  {
    code: 'department-default', name: '处置单位考核（默认）', subjectType: 'department', minCases: 5, maxShare: 0.3, isDefault: true,
    weights: { handling_ontime_rate: 20, close_rate: 15, close_ontime_rate: 15, satisfaction_rate: 15, rework_rate: 10, reopen_rate: 5, objection_rate: 5, objection_upheld_rate: 5, extension_rate: 5, red_per100: 5 },
  },
  {
    code: 'area-default', name: '区域考核（默认）', subjectType: 'area', minCases: 5, maxShare: 0.3, isDefault: true,
    weights: { filing_rate: 15, dispatch_timely_rate: 15, handling_ontime_rate: 20, close_rate: 20, satisfaction_rate: 15, recurrence_rate: 10, red_per100: 5 },
  },
  {
    code: 'post-default', name: '岗位考核（默认）', subjectType: 'post', minCases: 3, maxShare: 0.3, isDefault: true,
    weights: { reports: 20, valid_report_rate: 25, check_timely_rate: 25, dispatch_timely_rate: 30, intakes: 25 },
  },
];

export const areaLevels = ['district', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof areaLevels)[number];
