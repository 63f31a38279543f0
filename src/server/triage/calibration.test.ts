import { describe, expect, it } from 'vitest';
import { atThreshold, expectedCalibrationError, fitTemperature, pickThreshold, type OutOfFold, type Scored } from './calibration.ts';
import { rng, softmax } from './model.ts';

const s = (confidence: number, correct: boolean): Scored => ({ confidence, correct });

describe('pickThreshold', () => {
  it('picks the lowest threshold whose precision reaches the target', () => {
    // 20 sure and right, then 10 at 0.6 of which 8 right, then 10 at 0.3 of which 2 right.
    const scored = [
      ...Array.from({ length: 20 }, () => s(0.9, true)),
      ...Array.from({ length: 8 }, () => s(0.6, true)),
      ...Array.from({ length: 2 }, () => s(0.6, false)),
      ...Array.from({ length: 2 }, () => s(0.3, true)),
      ...Array.from({ length: 8 }, () => s(0.3, false)),
    ];
    const t90 = pickThreshold(scored, 0.9);
    expect(t90).toMatchObject({ threshold: 0.6, met: true, support: 30 });
    expect(t90.precision).toBeCloseTo(28 / 30);
    expect(t90.coverage).toBeCloseTo(30 / 40);
    const t95 = pickThreshold(scored, 0.95);
    expect(t95).toMatchObject({ threshold: 0.9, precision: 1, support: 20, met: true });
    expect(t95.coverage).toBeCloseTo(0.5);
  });

  it('never splits ties: a threshold admits all predictions with that confidence', () => {
    const scored = [s(0.8, true), s(0.8, true), s(0.8, false), ...Array.from({ length: 10 }, () => s(0.9, true))];
    const t = pickThreshold(scored, 0.9, 1);
    expect(t.threshold).toBe(0.8);
    expect(t.support).toBe(13);
  });

  it('requires a minimum support so a few lucky points cannot justify a threshold', () => {
    const scored = [s(0.99, true), s(0.98, true), ...Array.from({ length: 20 }, (_, i) => s(0.5 - i * 0.01, i % 2 === 1))];
    const t = pickThreshold(scored, 0.95, 10);
    expect(t.met).toBe(false);
    expect(t.threshold).toBeGreaterThan(1);
    expect(t.coverage).toBe(0);
    expect(pickThreshold(scored, 0.95, 2).threshold).toBe(0.98);
  });

  it('reports precision and coverage of a fixed threshold', () => {
    const scored = [s(0.9, true), s(0.8, false), s(0.7, true), s(0.2, false)];
    expect(atThreshold(scored, 0.75)).toEqual({ precision: 0.5, coverage: 0.5, support: 2 });
    expect(atThreshold(scored, 0.95)).toEqual({ precision: 0, coverage: 0, support: 0 });
  });
});

describe('fitTemperature', () => {
  // Draw labels from softmax(logits / T0): the maximum-likelihood temperature is then ≈ T0.
  function synthetic(t0: number, n: number, classes = 8): OutOfFold[] {
    const random = rng(11);
    return Array.from({ length: n }, () => {
      const logits = Float64Array.from({ length: classes }, () => random() * 6);
      const p = softmax(logits, t0);
      let u = random();
      let y = 0;
      while (y < classes - 1 && u > p[y]!) u -= p[y++]!;
      return { logits, y };
    });
  }

  it('recovers the temperature that generated the data', () => {
    expect(fitTemperature(synthetic(0.5, 4000))).toBeCloseTo(0.5, 1);
    expect(fitTemperature(synthetic(2, 4000))).toBeCloseTo(2, 0);
  });

  it('makes confidences honest (low calibration error) where T = 1 was not', () => {
    const data = synthetic(0.4, 3000);
    const scoredAt = (t: number) =>
      data.map(({ logits, y }) => {
        const p = softmax(logits, t);
        const best = p.indexOf(Math.max(...p));
        return s(p[best]!, best === y);
      });
    const fitted = fitTemperature(data);
    expect(expectedCalibrationError(scoredAt(fitted))).toBeLessThan(0.03);
    expect(expectedCalibrationError(scoredAt(1))).toBeGreaterThan(0.1);
  });

  it('returns 1 for no data', () => {
    expect(fitTemperature([])).toBe(1);
  });
});
