/**
 * The statistics of the risk scan, kept pure so they are tested and read on their own.
 *
 * Spatio-temporal clusters follow the prospective "count in a window vs the place's own history" test used in
 * syndromic surveillance (Kulldorff's space-time scan statistic reduced to fixed cells; the CDC EARS C-family
 * and Poisson-based detectors alike): the cases of one category in an H3 cell and its ring of neighbours over
 * the last 24 hours are compared with the mean daily count of the same cells over the trailing 8 weeks, and a
 * warning is raised only when (1) at least MIN_COUNT cases fell in the window and (2) the Poisson upper tail
 * P(X ≥ k | λ = baseline) is below P_THRESHOLD. A busy place at its usual level therefore raises nothing, and a
 * quiet one needs several cases at once.
 */
export const CLUSTER = {
  windowHours: 24,
  baselineDays: 56,
  minCount: 5,
  pThreshold: 1e-3,
  /** prior for a cell without history: one case in ten days, so the first cases of a new place are not "infinitely" unusual */
  minLambda: 0.1,
} as const;

/** 涉众: categories where several complaints about one organisation or building signal a mass risk */
export const MASS_CATEGORIES = ['1001', '1505', '1701', '1702', '0902'] as const;
export const MASS = { windowDays: 7, minCount: 3 } as const;
export const REPEAT_CALLER = { windowDays: 30, minCount: 3 } as const;

const lnFactorial = (n: number) => {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
};

/** P(X ≥ k) for X ~ Poisson(λ), summed from k upwards (no 1 − cdf cancellation for tiny tails). */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda + k * Math.log(lambda) - lnFactorial(k));
  let sum = 0;
  for (let i = k; i < k + 1000; i++) {
    sum += term;
    term *= lambda / (i + 1);
    if (term < sum * 1e-16) break;
  }
  return Math.min(1, sum);
}

export const clusterLevel = (p: number): 'yellow' | 'orange' | 'red' => (p < 1e-8 ? 'red' : p < 1e-5 ? 'orange' : 'yellow');
export const countLevel = (n: number, orange: number, red: number): 'yellow' | 'orange' | 'red' => (n >= red ? 'red' : n >= orange ? 'orange' : 'yellow');
const rank = { yellow: 0, orange: 1, red: 2 } as const;
export const higherLevel = (a: keyof typeof rank, b: keyof typeof rank) => (rank[a] >= rank[b] ? a : b);

/** The deepest area containing every path (ltree labels): the area a warning belongs to, so its users see it. */
export function commonPath(paths: readonly string[]): string {
  if (!paths.length) throw new Error('commonPath of nothing');
  let common = paths[0]!.split('.');
  for (const p of paths.slice(1)) {
    const labels = p.split('.');
    let i = 0;
    while (i < common.length && i < labels.length && common[i] === labels[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('.') || paths[0]!.split('.')[0]!;
}

/** Formats a probability for an explanation: `p≈3.2e-6`. */
export const formatP = (p: number) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
