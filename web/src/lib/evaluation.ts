/** GET /api/v1/evaluation/scores as the console reads it (src/server/evaluation/schema.ts). */
export interface EvalIndicator {
  code: string;
  value: number | null;
  numerator: number;
  denominator: number | null;
  points: number | null;
  drill: { numerator: Record<string, string> | null; denominator: Record<string, string> | null };
}

export interface EvalItem {
  subject: { type: string; code: string; name: string };
  score: number | null;
  rank: number | null;
  ranked: boolean;
  caseCount: number;
  previousRank: number | null;
  rankDelta: number | null;
  indicators: EvalIndicator[];
}

export interface EvalScores {
  from: string;
  to: string;
  scheme: { code: string; name: string; weights: Record<string, number>; minCases: number; normalisation: string };
  items: EvalItem[];
}

/** City-wide rate of an indicator: Σ numerators ÷ Σ denominators over the listed subjects. */
export function pooledRate(s: EvalScores | null, code: string): number | null {
  if (!s) return null;
  let n = 0;
  let d = 0;
  for (const it of s.items) {
    const i = it.indicators.find((x) => x.code === code);
    if (!i || i.denominator === null) continue;
    n += i.numerator;
    d += i.denominator;
  }
  return d > 0 ? n / d : null;
}
