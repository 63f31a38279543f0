/**
 * 自动派单闸门 — when the desk may dispatch without a person, calibrated on call-style appeals the models never saw.
 *
 * What must be right for an unattended dispatch is the department, so the gate scores the department's
 * confidence (the summed probability of its categories: 0501 and 0502 both go to 市政) and measures department
 * precision. It is calibrated on scores of appeals the models never trained on (by default the out-of-fold scores of the
call-style training rows, folds grouped by scene; engine.ts), never on the test part, so its figures measure it: the
 * lowest global threshold whose precision reaches the target, then, per predicted category, a higher threshold
 * where that category's own mistakes above the global one would pull it below the target. Below its threshold
 * the engine abstains and a dispatcher decides.
 */
import { pickThreshold, type Scored } from './calibration.ts';

export interface GatePoint extends Scored {
  /** predicted category */
  category: string;
}

export interface DispatchGate {
  /** department precision the gate was calibrated for */
  target: number;
  /** global threshold on department confidence; > 1 means never dispatch unattended */
  threshold: number;
  /** stricter thresholds for categories that needed one */
  perCategory: Record<string, number>;
  /** measured on the calibration set with these thresholds */
  precision: number;
  coverage: number;
  support: number;
  n: number;
  /** where the figures come from */
  source: string;
}

export const NO_GATE: DispatchGate = { target: 0.98, threshold: 1.01, perCategory: {}, precision: 0, coverage: 0, support: 0, n: 0, source: 'none' };

export function thresholdFor(gate: DispatchGate, category: string): number {
  return Math.max(gate.threshold, gate.perCategory[category] ?? 0);
}

/** Precision and coverage of a gate on scored points. */
export function measureGate(gate: DispatchGate, points: readonly GatePoint[]): { precision: number; coverage: number; support: number } {
  let support = 0;
  let correct = 0;
  for (const p of points) {
    if (p.confidence < thresholdFor(gate, p.category)) continue;
    support++;
    if (p.correct) correct++;
  }
  return { precision: support ? correct / support : 0, coverage: points.length ? support / points.length : 0, support };
}

/**
 * Calibrates the gate. A category gets its own threshold just above its highest-confidence mistake when, at the
 * global threshold, its predictions fall below the target; a category with too few points to show it
 * (`minSupport`) keeps the global one.
 */
export function calibrateGate(points: readonly GatePoint[], target = 0.98, source = 'calibration set', minSupport = 3): DispatchGate {
  const global = pickThreshold(points, target, 10);
  const perCategory: Record<string, number> = {};
  if (global.met) {
    const byCategory = new Map<string, GatePoint[]>();
    for (const p of points) if (p.confidence >= global.threshold) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
    for (const [code, list] of byCategory) {
      const wrong = list.filter((p) => !p.correct);
      if (wrong.length === 0 || list.length < minSupport) continue;
      if (list.filter((p) => p.correct).length / list.length >= target) continue;
      const worst = Math.max(...wrong.map((p) => p.confidence));
      perCategory[code] = Math.min(1.01, worst + 1e-6);
    }
  }
  const gate: DispatchGate = { target, threshold: global.met ? global.threshold : 1.01, perCategory, precision: 0, coverage: 0, support: 0, n: points.length, source };
  return { ...gate, ...measureGate(gate, points) };
}
