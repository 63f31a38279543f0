/**
 * #20 done-when, measured on the held-out part of the call-style set (data/calls-test.jsonl: scenes written blind
 * from the taxonomy alone (scripts/call-appeals/scenes-fresh.mjs), never read while tuning, never trained on, and
 * not what the gate is calibrated on). The two dev parts (calls-dev, and calls-dev2, the test part until
 * 2026-12-04) may be read while tuning. Every figure is held just below the level reached, which is above the
 * issue's goal, so a change that loses ground fails; the goal stays written beside each.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../taxonomy/taxonomy.ts';
import { loadAppeals } from './corpus.ts';
import { DEFAULT_CALL_TRAINING_URL } from './corpus.ts';
import { evaluateFile, type EvalMetrics } from './eval.ts';

const DEV = new URL('./data/calls-dev.jsonl', import.meta.url);
const DEV2 = new URL('./data/calls-dev2.jsonl', import.meta.url);
const TEST = new URL('./data/calls-test.jsonl', import.meta.url);
const taxonomy = loadTaxonomy();
let m: EvalMetrics;

beforeAll(() => {
  m = evaluateFile(TEST, { taxonomy, crossValidate: false }).holdout!;
});

describe('call-style set', () => {
  it('covers every leaf category and all six natures in each part, and the test part shares no text with the dev parts', () => {
    const [test, dev, dev2] = [TEST, DEV, DEV2].map((f) => loadAppeals(f, taxonomy));
    for (const part of [test!, dev!, dev2!]) {
      expect(new Set(part.map((a) => a.category)).size).toBe(taxonomy.categories.length);
      expect(new Set(part.map((a) => a.nature)).size).toBe(6);
    }
    const devTexts = new Set([...dev!, ...dev2!].map((a) => a.text));
    expect(test!.filter((a) => devTexts.has(a.text))).toEqual([]);
    expect(test!.length).toBeGreaterThanOrEqual(500);
  });

  it('the call-style training rows cover every leaf category and share no text with any evaluated part', () => {
    const train = loadAppeals(DEFAULT_CALL_TRAINING_URL, taxonomy);
    expect(new Set(train.map((a) => a.category)).size).toBe(taxonomy.categories.length);
    expect(new Set(train.map((a) => a.nature)).size).toBe(6);
    const evaluated = new Set([TEST, DEV, DEV2].flatMap((f) => loadAppeals(f, taxonomy)).map((a) => a.text));
    expect(train.filter((a) => evaluated.has(a.text))).toEqual([]);
  });
});

describe('held-out call-style appeals (#20 done-when)', () => {
  // Reached (`civicgrid triage eval src/server/triage/data/calls-test.jsonl`, 594 appeals of 198 blind scenes):
  // category 96.5%, department 97.3%, nature 98.3%, gate department precision 100.0% at coverage 85.0%.
  it('category ≥ 95% (goal 92%) and department ≥ 96% (goal 95%)', () => {
    expect(m.categoryAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(m.departmentAccuracy).toBeGreaterThanOrEqual(0.96);
  });

  it('nature ≥ 96% (goal 88%)', () => {
    expect(m.natureAccuracy).toBeGreaterThanOrEqual(0.96);
  });

  it('department precision ≥ 98% among the appeals the gate lets through, for ≥ 80% of them (goal 60%)', () => {
    expect(m.gate!.precision).toBeGreaterThanOrEqual(0.98);
    expect(m.gate!.coverage).toBeGreaterThanOrEqual(0.8);
    expect(m.gate!.support).toBeGreaterThanOrEqual(400);
  });
});
