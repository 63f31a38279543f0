import { describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../taxonomy/taxonomy.ts';
import { computeMetrics, crossValidate, formatReport, type PredictionRecord } from './eval.ts';

const taxonomy = loadTaxonomy();

function record(expected: string, predicted: string, opts: Partial<{ confidence: number; nature: [string, string]; urgent: [boolean, boolean] }> = {}): PredictionRecord {
  const [en, pn] = opts.nature ?? ['help', 'help'];
  const [eu, pu] = opts.urgent ?? [false, false];
  return {
    text: `${expected}->${predicted}`,
    expected: { category: expected, nature: en as 'help', urgent: eu },
    predicted: { category: predicted, top3: [predicted, expected], confidence: opts.confidence ?? 0.5, nature: pn as 'help', urgent: pu },
  };
}

describe('computeMetrics', () => {
  it('computes accuracies, department accuracy, urgent precision/recall and confusions', () => {
    const records = [
      record('0501', '0501', { confidence: 0.9, urgent: [false, false] }),
      record('0502', '0502', { confidence: 0.9, urgent: [true, true] }),
      // wrong category, same department (SZ): counts for department accuracy
      record('0503', '0501', { confidence: 0.4 }),
      // wrong category and department, twice: the top confusion
      record('0801', '1501', { confidence: 0.3, nature: ['complaint', 'help'] }),
      record('0801', '1501', { confidence: 0.95, urgent: [false, true] }),
      record('0701', '0503', { confidence: 0.2, urgent: [true, false] }),
    ];
    const m = computeMetrics(taxonomy, records, 0.9, 0.95);
    expect(m.n).toBe(6);
    expect(m.categoryAccuracy).toBeCloseTo(2 / 6);
    expect(m.departmentAccuracy).toBeCloseTo(4 / 6); // 0501,0502,0503→0501 (SZ), 0701→0503 (SZ)
    expect(m.top3Accuracy).toBe(1);
    expect(m.natureAccuracy).toBeCloseTo(5 / 6);
    expect(m.urgent).toEqual({ precision: 0.5, recall: 0.5, tp: 1, fp: 1, fn: 1 });
    expect(m.confusion[0]).toEqual({ expected: '0801', predicted: '1501', count: 2 });
    expect(m.autoDispatch).toMatchObject({ threshold: 0.9, support: 3, precision: 2 / 3, coverage: 0.5 });
  });

  it('formats a printable report', () => {
    const m = computeMetrics(taxonomy, [record('0501', '0501', { confidence: 0.99 }), record('0801', '1501')], 0.9, 0.95);
    const text = formatReport({ file: 'x.jsonl', trainingSize: 10, buildMs: 12, temperature: 0.5, holdout: m }, taxonomy);
    expect(text).toMatch(/category accuracy\s+50\.0%/);
    expect(text).toMatch(/threshold 0\.900 → precision 100\.0%, coverage 50\.0%/);
    expect(text).toContain('0801 社会生活噪声 → 1501 邻里纠纷');
  });
});

describe('crossValidate', () => {
  it('reports out-of-fold figures for any labelled set', () => {
    const result = crossValidate(taxonomy.examples, 2, { taxonomy });
    expect(result.n).toBe(taxonomy.examples.length);
    expect(result.folds).toBe(2);
    expect(result.temperature).toBeGreaterThan(0);
    // Two examples per category and one held out: far from the product target, but well above chance (1/71).
    expect(result.categoryAccuracy).toBeGreaterThan(0.2);
    expect(result.categoryAccuracy).toBeLessThanOrEqual(1);
    expect(result.departmentAccuracy).toBeGreaterThanOrEqual(result.categoryAccuracy);
  });

  it('rejects fewer than two folds', () => {
    expect(() => crossValidate(taxonomy.examples, 1, { taxonomy })).toThrow(/at least 2 folds/);
  });
});
