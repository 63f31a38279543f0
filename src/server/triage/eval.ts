/**
 * 分拨评估 — measuring the triage engine: accuracy of category, department and nature,
 * urgent precision/recall, the most confused category pairs, and precision + coverage
 * of auto-dispatch at the calibrated threshold.
 *
 * `evaluateFile(FILE)` trains on taxonomy examples + data/appeals.jsonl, tests on FILE
 * (which must never have been trained on), and also reports k-fold cross-validation over
 * the training corpus — the CV comes for free because the engine already ran it to
 * calibrate itself.
 */
import { loadTaxonomy, type Example, type Taxonomy } from '../taxonomy/taxonomy.ts';
import { atThreshold, expectedCalibrationError, type Scored } from './calibration.ts';
import { categoryNameExamples, loadAppeals, prepare, type LabelledAppeal } from './corpus.ts';
import { calibrate, createTriageEngine, outOfFold, type CrossValidatedPrediction, type TriageEngine } from './engine.ts';
import { rankLogits, softmax, type ModelOptions } from './model.ts';
import { explicitNature, NATURE_CODES, type NatureCode } from './nature.ts';
import { assessUrgency } from './urgency.ts';
import type { DispatchGate } from './dispatch-gate.ts';

export interface PredictionRecord {
  text: string;
  expected: { category: string; nature?: NatureCode; urgent: boolean };
  predicted: { category: string; top3: string[]; confidence: number; nature: NatureCode; urgent: boolean; gate?: { eligible: boolean; confidence: number } };
}

export interface EvalMetrics {
  n: number;
  categoryAccuracy: number;
  top3Accuracy: number;
  departmentAccuracy: number;
  natureAccuracy: number;
  urgent: { precision: number; recall: number; tp: number; fp: number; fn: number };
  /** most frequent (expected → predicted) category mistakes */
  confusion: Array<{ expected: string; predicted: string; count: number }>;
  autoDispatch: { threshold: number; target: number; precision: number; coverage: number; support: number };
  /** 自动派单闸门: department precision and coverage of the calibrated gate on these appeals */
  gate?: { threshold: number; perCategory: number; target: number; precision: number; coverage: number; support: number; source: string };
  /** expected calibration error of the category confidence */
  ece: number;
}

export interface EvalReport {
  file?: string;
  trainingSize: number;
  buildMs: number;
  temperature: number;
  /** the auto-dispatch gate as calibrated when the engine was built */
  gate?: DispatchGate;
  holdout?: EvalMetrics;
  cv?: EvalMetrics & { folds: number };
}

export interface EvalOptions {
  taxonomy?: Taxonomy;
  autoDispatchPrecision?: number;
  /** also report cross-validation over the training corpus (default true) */
  crossValidate?: boolean;
  folds?: number;
  model?: ModelOptions;
  natureModel?: ModelOptions;
  /** reuse an engine built with the default corpus (its build time is then not measured) */
  engine?: TriageEngine;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function computeMetrics(
  taxonomy: Taxonomy,
  records: readonly PredictionRecord[],
  threshold: number,
  target: number,
  gate?: DispatchGate,
): EvalMetrics {
  const dept = (code: string) => taxonomy.category(code)?.department;
  let cat = 0;
  let top3 = 0;
  let dep = 0;
  let nat = 0;
  let natN = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const pairs = new Map<string, number>();
  const scored: Scored[] = [];
  for (const r of records) {
    const ok = r.predicted.category === r.expected.category;
    cat += ok ? 1 : 0;
    top3 += r.predicted.top3.includes(r.expected.category) ? 1 : 0;
    dep += dept(r.predicted.category) === dept(r.expected.category) ? 1 : 0;
    if (r.expected.nature) {
      natN++;
      nat += r.predicted.nature === r.expected.nature ? 1 : 0;
    }
    if (r.predicted.urgent && r.expected.urgent) tp++;
    else if (r.predicted.urgent) fp++;
    else if (r.expected.urgent) fn++;
    if (!ok) {
      const key = `${r.expected.category}>${r.predicted.category}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    scored.push({ confidence: r.predicted.confidence, correct: ok });
  }
  const n = records.length;
  const confusion = [...pairs]
    .map(([key, count]) => {
      const [expected, predicted] = key.split('>') as [string, string];
      return { expected, predicted, count };
    })
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected))
    .slice(0, 10);
  let gated: EvalMetrics['gate'];
  if (gate) {
    const eligible = records.filter((r) => r.predicted.gate?.eligible);
    const right = eligible.filter((r) => dept(r.predicted.category) === dept(r.expected.category)).length;
    gated = {
      threshold: gate.threshold,
      perCategory: Object.keys(gate.perCategory).length,
      target: gate.target,
      precision: ratio(right, eligible.length),
      coverage: ratio(eligible.length, n),
      support: eligible.length,
      source: gate.source,
    };
  }
  return {
    ...(gated ? { gate: gated } : {}),
    n,
    categoryAccuracy: ratio(cat, n),
    top3Accuracy: ratio(top3, n),
    departmentAccuracy: ratio(dep, n),
    natureAccuracy: ratio(nat, natN),
    urgent: { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), tp, fp, fn },
    confusion,
    autoDispatch: { threshold, target, ...atThreshold(scored, threshold) },
    ece: expectedCalibrationError(scored),
  };
}

function expectedUrgent(taxonomy: Taxonomy, e: { category: string; urgent?: boolean }): boolean {
  return e.urgent ?? taxonomy.category(e.category)?.urgent ?? false;
}

/** Runs the engine over labelled appeals. */
export function recordsFromEngine(engine: TriageEngine, examples: readonly LabelledAppeal[]): PredictionRecord[] {
  return examples.map((e) => {
    const r = engine.classify(e.text);
    return {
      text: e.text,
      expected: { category: e.category, nature: e.nature, urgent: expectedUrgent(engine.taxonomy, e) },
      predicted: {
        category: r.category.code,
        top3: [r.category.code, ...r.alternatives.slice(0, 2).map((a) => a.code)],
        confidence: r.category.confidence,
        nature: r.nature.code,
        urgent: r.urgent,
        gate: { eligible: r.dispatchGate.eligible, confidence: r.dispatchGate.confidence },
      },
    };
  });
}

/** Turns out-of-fold logits into records, exactly as the engine would have answered. */
export function recordsFromOutOfFold(
  taxonomy: Taxonomy,
  oof: readonly CrossValidatedPrediction[],
  temperature: number,
): PredictionRecord[] {
  const codes = taxonomy.categories.map((c) => c.code);
  return oof.map(({ example, categoryLogits, natureLogits }) => {
    const ranked = rankLogits(codes, categoryLogits, temperature);
    const predicted = ranked[0]!.label;
    const explicit = explicitNature(example.norm);
    let nature: NatureCode = explicit ?? 'help';
    if (!explicit && natureLogits) {
      const p = softmax(natureLogits);
      nature = NATURE_CODES[p.indexOf(Math.max(...p))]!;
    }
    const expected: PredictionRecord['expected'] = { category: example.category, urgent: expectedUrgent(taxonomy, example) };
    if (example.nature) expected.nature = example.nature;
    return {
      text: example.text,
      expected,
      predicted: {
        category: predicted,
        top3: ranked.slice(0, 3).map((r) => r.label),
        confidence: ranked[0]!.p,
        nature,
        urgent: assessUrgency(example.norm, taxonomy.category(predicted)).urgent,
      },
    };
  });
}

/**
 * k-fold cross-validation over `examples` (category names are added to every training
 * fold, never scored). The threshold is the one the out-of-fold scores justify.
 */
export function crossValidate(
  examples: ReadonlyArray<Example | LabelledAppeal>,
  k = 5,
  opts: Omit<EvalOptions, 'crossValidate' | 'folds'> = {},
): EvalMetrics & { folds: number; temperature: number } {
  const taxonomy = opts.taxonomy ?? loadTaxonomy();
  const target = opts.autoDispatchPrecision ?? 0.95;
  const prepared = examples.map((e) => prepare(e));
  const oof = outOfFold(taxonomy, prepared, k, { model: opts.model, natureModel: opts.natureModel, always: categoryNameExamples(taxonomy) });
  const { temperature, choice } = calibrate(taxonomy, oof, target);
  const metrics = computeMetrics(taxonomy, recordsFromOutOfFold(taxonomy, oof, temperature), choice.threshold, target);
  return { ...metrics, folds: k, temperature };
}

/**
 * Trains on taxonomy examples + data/appeals.jsonl, tests on `path` (when given) and
 * reports k-fold cross-validation over the training corpus (unless turned off).
 */
export function evaluateFile(path?: string | URL, opts: EvalOptions = {}): EvalReport {
  const taxonomy = opts.engine?.taxonomy ?? opts.taxonomy ?? loadTaxonomy();
  const target = opts.engine?.calibration.choice.target ?? opts.autoDispatchPrecision ?? 0.95;
  // Load (and validate) the test file before spending seconds on training.
  const testSet = path === undefined ? undefined : loadAppeals(path, taxonomy);
  const t0 = performance.now();
  const engine =
    opts.engine ??
    createTriageEngine({
      taxonomy,
      autoDispatchPrecision: target,
      folds: opts.folds ?? 5,
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.natureModel ? { natureModel: opts.natureModel } : {}),
    });
  const buildMs = opts.engine ? 0 : performance.now() - t0;
  const { calibration } = engine;
  const report: EvalReport = {
    trainingSize: engine.trainingSize,
    buildMs,
    temperature: calibration.temperature,
    gate: engine.gate,
  };
  if (path !== undefined && testSet) {
    report.file = String(path);
    report.holdout = computeMetrics(taxonomy, recordsFromEngine(engine, testSet), engine.calibration.choice.threshold, target, engine.gate);
  }
  if (opts.crossValidate ?? true) {
    const records = recordsFromOutOfFold(taxonomy, calibration.outOfFold, calibration.temperature);
    report.cv = { ...computeMetrics(taxonomy, records, engine.calibration.choice.threshold, target), folds: calibration.folds };
  }
  return report;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function formatMetrics(m: EvalMetrics, taxonomy: Taxonomy): string[] {
  const name = (code: string) => `${code} ${taxonomy.category(code)?.zh ?? '?'}`;
  const a = m.autoDispatch;
  const lines = [
    `  category accuracy    ${pct(m.categoryAccuracy)}   (top-3 ${pct(m.top3Accuracy)})`,
    `  department accuracy  ${pct(m.departmentAccuracy)}`,
    `  nature accuracy      ${pct(m.natureAccuracy)}`,
    `  urgent               precision ${pct(m.urgent.precision)}  recall ${pct(m.urgent.recall)}  (tp ${m.urgent.tp}, fp ${m.urgent.fp}, fn ${m.urgent.fn})`,
    a.threshold > 1
      ? `  auto-dispatch        no threshold reaches ${pct(a.target)} precision; nothing is auto-dispatched`
      : `  auto-dispatch        threshold ${a.threshold.toFixed(3)} → precision ${pct(a.precision)}, coverage ${pct(a.coverage)} (${a.support}/${m.n}; target ${pct(a.target)})`,
    `  calibration error    ECE ${m.ece.toFixed(3)}`,
  ];
  const g = m.gate;
  if (g) {
    lines.push(
      g.threshold > 1
        ? `  dispatch gate        no department threshold reaches ${pct(g.target)}; every appeal goes to a dispatcher`
        : `  dispatch gate        department confidence ≥ ${g.threshold.toFixed(3)}${g.perCategory ? ` (stricter for ${g.perCategory} categories)` : ''} → department precision ${pct(g.precision)}, coverage ${pct(g.coverage)} (${g.support}/${m.n}; target ${pct(g.target)}, calibrated on ${g.source})`,
    );
  }
  if (m.confusion.length) {
    lines.push('  most confused (expected → predicted):');
    for (const c of m.confusion) lines.push(`    ${String(c.count).padStart(3)}  ${name(c.expected)} → ${name(c.predicted)}`);
  }
  return lines;
}

/** Printable report (Chinese category names, English labels). */
export function formatReport(r: EvalReport, taxonomy: Taxonomy = loadTaxonomy()): string {
  const out = [
    `triage evaluation (智能分拨评估)`,
    `  training examples ${r.trainingSize}${r.buildMs ? `, engine build ${Math.round(r.buildMs)} ms` : ''}, temperature ${r.temperature.toFixed(3)}`,
  ];
  if (r.gate) {
    const g = r.gate;
    const strict = Object.entries(g.perCategory).map(([c, t]) => `${c} ${t > 1 ? 'never' : `≥ ${t.toFixed(3)}`}`);
    out.push(
      g.threshold > 1
        ? `  auto-dispatch gate   none (no threshold reached ${pct(g.target)} department precision on ${g.source})`
        : `  auto-dispatch gate   department confidence ≥ ${g.threshold.toFixed(3)}; on ${g.source} (${g.n}): precision ${pct(g.precision)}, coverage ${pct(g.coverage)}, target ${pct(g.target)}`,
    );
    if (strict.length) out.push(`  stricter per category ${strict.join(', ')}`);
  }
  if (r.holdout) {
    out.push('', `held-out file ${r.file ?? ''} (${r.holdout.n} appeals, never trained on)`, ...formatMetrics(r.holdout, taxonomy));
  }
  if (r.cv) {
    out.push('', `${r.cv.folds}-fold cross-validation over the training corpus (${r.cv.n} appeals)`, ...formatMetrics(r.cv, taxonomy));
  }
  return out.join('\n');
}
