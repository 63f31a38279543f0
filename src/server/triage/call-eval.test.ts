/**
 * #20 done-when, measured on the held-out part of the call-style set (data/calls-test.jsonl: scenes never used
 * while tuning, never trained on, and not what the gate is calibrated on). Nature and gate precision are held to
 * the issue's own thresholds where reached. The rest is held to the level reached, so a change that loses ground
 * fails, and the goal stays written beside them — raise the floors as it improves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../taxonomy/taxonomy.ts';
import { loadAppeals } from './corpus.ts';
import { DEFAULT_CALL_TRAINING_URL } from './corpus.ts';
import { evaluateFile, type EvalMetrics } from './eval.ts';

const DEV = new URL('./data/calls-dev.jsonl', import.meta.url);
const TEST = new URL('./data/calls-test.jsonl', import.meta.url);
const taxonomy = loadTaxonomy();
let m: EvalMetrics;

beforeAll(() => {
  m = evaluateFile(TEST, { taxonomy, crossValidate: false }).holdout!;
});

describe('call-style set', () => {
  it('covers every leaf category and all six natures in both parts, and the parts share no text', () => {
    const test = loadAppeals(TEST, taxonomy);
    const dev = loadAppeals(DEV, taxonomy);
    for (const part of [test, dev]) {
      expect(new Set(part.map((a) => a.category)).size).toBe(taxonomy.categories.length);
      expect(new Set(part.map((a) => a.nature)).size).toBe(6);
    }
    const devTexts = new Set(dev.map((a) => a.text));
    expect(test.filter((a) => devTexts.has(a.text))).toEqual([]);
    expect(test.length + dev.length).toBeGreaterThanOrEqual(600);
  });

  it('the call-style training rows cover every leaf category and share no text with either part', () => {
    const train = loadAppeals(DEFAULT_CALL_TRAINING_URL, taxonomy);
    expect(new Set(train.map((a) => a.category)).size).toBe(taxonomy.categories.length);
    expect(new Set(train.map((a) => a.nature)).size).toBe(6);
    const evaluated = new Set([...loadAppeals(TEST, taxonomy), ...loadAppeals(DEV, taxonomy)].map((a) => a.text));
    expect(train.filter((a) => evaluated.has(a.text))).toEqual([]);
  });
});

describe('held-out call-style appeals (#20 done-when)', () => {
  // Reached (`civicgrid triage eval src/server/triage/data/calls-test.jsonl`): nature 98.4%, gate department
  // precision 99.0% at coverage 73.0% — the 88 / 98 / 60 % are met, the floors sit just below what is reached.
  it('nature ≥ 96% (goal 88%)', () => {
    expect(m.natureAccuracy).toBeGreaterThanOrEqual(0.96);
  });

  it('department precision ≥ 98% among the appeals the gate lets through, for ≥ 70% of them (goal 60%)', () => {
    expect(m.gate!.precision).toBeGreaterThanOrEqual(0.98);
    expect(m.gate!.coverage).toBeGreaterThanOrEqual(0.7);
    expect(m.gate!.support).toBeGreaterThanOrEqual(250);
  });

  // Goal (#20): category ≥ 92%, department ≥ 95%. Reached: 91.8%, 93.2% (from 73.7%, 75.6%).
  it('category and department do not fall below the level reached (goal not yet met)', () => {
    expect(m.categoryAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(m.departmentAccuracy).toBeGreaterThanOrEqual(0.915);
  });
});
