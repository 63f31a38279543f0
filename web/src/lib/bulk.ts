import { CONFIDENT } from './format.ts';

export interface TriageGuess {
  code: string;
  confidence: number;
  /** triage's calibrated threshold for this model, when it sends one; else the console's default */
  threshold?: number;
}

/**
 * Which selected cases bulk dispatch may take: triage is confident, and it agrees with the category already
 * on the case (a clerk's different choice means a human should look first).
 */
export function confidentCases<T extends { code: string; state: string; category: { code: string } | null }>(rows: readonly T[], guesses: ReadonlyMap<string, TriageGuess>, threshold = CONFIDENT): T[] {
  return rows.filter((r) => {
    if (r.state !== 'received' && r.state !== 'filed') return false;
    const g = guesses.get(r.code);
    if (!g || g.confidence < (g.threshold ?? threshold)) return false;
    return !r.category || r.category.code === g.code;
  });
}
