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
  it('nature ≥ 88%', () => {
    expect(m.natureAccuracy).toBeGreaterThanOrEqual(0.88);
  });

  it('department precision ≥ 98% among the appeals the gate lets through', () => {
    expect(m.gate!.precision).toBeGreaterThanOrEqual(0.98);
    expect(m.gate!.support).toBeGreaterThanOrEqual(50);
  });

  // Goal (#20): category ≥ 92%, department ≥ 95%, coverage ≥ 60%. Reached so far: 73.7%, 75.6%, 26.8% at 98.2 %.
  it('category, department and gate coverage do not fall below the level reached (goal not yet met)', () => {
    expect(m.categoryAccuracy).toBeGreaterThanOrEqual(0.73);
    expect(m.departmentAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(m.gate!.coverage).toBeGreaterThanOrEqual(0.26);
  });
});
