// Dev aid (#20): scene-grouped cross-validation over the training corpus, split into the shipped appeals and the
// call-style training rows (calls-train.jsonl), plus the department gate a grouped out-of-fold calibration would
// give. Never reads the test part. `npx tsx scripts/triage-cv.ts [folds]`
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';
import { categoryNameExamples } from '../src/server/triage/corpus.ts';
import { calibrate, outOfFold, trainingCorpus } from '../src/server/triage/engine.ts';
import { computeMetrics, recordsFromOutOfFold } from '../src/server/triage/eval.ts';

const k = Number(process.argv[2] ?? 5);
const taxonomy = loadTaxonomy();
const corpus = trainingCorpus({ taxonomy });
// optional model options as JSON, e.g. '{"softmax":{"epochs":8}}'
const model = process.env.MODEL ? JSON.parse(process.env.MODEL) : undefined;
const oof = outOfFold(taxonomy, corpus, k, { always: categoryNameExamples(taxonomy), ...(model ? { model } : {}) });
const { temperature, choice } = calibrate(taxonomy, oof, 0.95);
const records = recordsFromOutOfFold(taxonomy, oof, temperature);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
for (const [name, keep] of [['shipped', (i: number) => !corpus[i]!.scene], ['call-style', (i: number) => !!corpus[i]!.scene]] as const) {
  const m = computeMetrics(taxonomy, records.filter((_, i) => keep(i)), choice.threshold, 0.95);
  console.log(`${name.padEnd(10)} n=${m.n} category ${pct(m.categoryAccuracy)} (top-3 ${pct(m.top3Accuracy)}) department ${pct(m.departmentAccuracy)} nature ${pct(m.natureAccuracy)}`);
  if (process.argv.includes('-v')) for (const c of m.confusion) console.log(`   ${c.count} ${c.expected}→${c.predicted}`);
}
if (process.argv.includes('-e')) {
  records.forEach((r, i) => {
    if (corpus[i]!.scene && r.predicted.category !== r.expected.category) console.log(`${r.expected.category}→${r.predicted.category} ${r.predicted.confidence.toFixed(2)} ${corpus[i]!.norm}`);
  });
}
