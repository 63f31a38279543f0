/**
 * 置信度校准 — making `confidence` mean "this fraction of such calls are right".
 *
 * Method: temperature scaling (Guo et al., 2017). One scalar T divides the logits
 * before the softmax; it is fitted by minimising the negative log-likelihood of
 * *cross-validated* (out-of-fold) predictions, so the fit sees the model's behaviour
 * on texts it was not trained on — exactly the situation in production. One
 * parameter cannot over-fit a few hundred points and it never changes the ranking.
 */
import { softmax } from './model.ts';

export interface OutOfFold {
  logits: Float64Array;
  /** index of the true label */
  y: number;
}

function nll(points: readonly OutOfFold[], t: number): number {
  let loss = 0;
  for (const { logits, y } of points) loss -= Math.log(Math.max(softmax(logits, t)[y]!, 1e-12));
  return loss / Math.max(points.length, 1);
}

/** Golden-section search for T on a log scale; the NLL is unimodal in log T. */
export function fitTemperature(points: readonly OutOfFold[], lo = 0.02, hi = 20): number {
  if (points.length === 0) return 1;
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(lo);
  let b = Math.log(hi);
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = nll(points, Math.exp(c));
  let fd = nll(points, Math.exp(d));
  for (let i = 0; i < 60 && b - a > 1e-4; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = nll(points, Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = nll(points, Math.exp(d));
    }
  }
  return Math.exp((a + b) / 2);
}

export interface Scored {
  confidence: number;
  correct: boolean;
}

export interface ThresholdChoice {
  /** auto-dispatch when confidence ≥ threshold; 1.01 when no threshold qualifies */
  threshold: number;
  /** measured precision among predictions at or above the threshold */
  precision: number;
  /** share of all predictions at or above the threshold */
  coverage: number;
  /** number of predictions at or above the threshold */
  support: number;
  /** false when no threshold reached the target */
  met: boolean;
  target: number;
}

/**
 * 自动派单阈值: the lowest confidence threshold whose measured precision (among the
 * predictions at or above it) reaches `target`. Lowest, because each step down routes
 * more appeals without a human. `minSupport` stops a threshold being justified by a
 * handful of lucky points (1 of 1 correct is "100 %" but proves nothing).
 */
export function pickThreshold(scored: readonly Scored[], target = 0.95, minSupport = 10): ThresholdChoice {
  const sorted = [...scored].sort((a, b) => b.confidence - a.confidence);
  const n = sorted.length;
  let best: ThresholdChoice = { threshold: 1.01, precision: 0, coverage: 0, support: 0, met: false, target };
  let correct = 0;
  for (let i = 0; i < n; i++) {
    correct += sorted[i]!.correct ? 1 : 0;
    // Only evaluate at the last item of a run of equal confidences: a threshold cannot split ties.
    if (i + 1 < n && sorted[i + 1]!.confidence === sorted[i]!.confidence) continue;
    const support = i + 1;
    const precision = correct / support;
    if (support >= minSupport && precision >= target) {
      best = { threshold: sorted[i]!.confidence, precision, coverage: support / n, support, met: true, target };
    }
  }
  return best;
}

/** Precision and coverage of a fixed threshold on a scored set (e.g. a held-out file). */
export function atThreshold(scored: readonly Scored[], threshold: number): { precision: number; coverage: number; support: number } {
  const above = scored.filter((s) => s.confidence >= threshold);
  const correct = above.filter((s) => s.correct).length;
  return {
    precision: above.length ? correct / above.length : 0,
    coverage: scored.length ? above.length / scored.length : 0,
    support: above.length,
  };
}

/** Expected calibration error over equal-width confidence bins — a summary of how honest the confidences are. */
export function expectedCalibrationError(scored: readonly Scored[], bins = 10): number {
  if (scored.length === 0) return 0;
  const sum = new Float64Array(bins);
  const hit = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (const s of scored) {
    const b = Math.min(bins - 1, Math.floor(s.confidence * bins));
    sum[b]! += s.confidence;
    hit[b]! += s.correct ? 1 : 0;
    count[b]! += 1;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]) ece += Math.abs(sum[b]! - hit[b]!) / scored.length;
  return ece;
}
