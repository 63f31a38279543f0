// Dev aid (#20): prints the call-style dev rows the engine gets wrong. `npx tsx scripts/triage-errors.ts [file]`
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';
import { loadAppeals } from '../src/server/triage/corpus.ts';
import { createTriageEngine } from '../src/server/triage/engine.ts';
import { normalize } from '../src/server/triage/text.ts';

const file = process.argv[2] ?? 'src/server/triage/data/calls-dev.jsonl';
const only = process.argv[3] ?? 'all';
const taxonomy = loadTaxonomy();
const engine = createTriageEngine({ taxonomy, folds: 2 });
const rows = loadAppeals(file, taxonomy);
let cat = 0, dep = 0, nat = 0;
for (const r of rows) {
  const p = engine.classify(r.text);
  const okC = p.category.code === r.category;
  const okD = taxonomy.category(p.category.code)!.department === taxonomy.category(r.category)!.department;
  const okN = p.nature.code === r.nature;
  cat += +okC; dep += +okD; nat += +okN;
  if ((only === 'all' || only === 'cat') && !okC) console.log(`C ${r.category}→${p.category.code} ${p.category.confidence.toFixed(2)} | ${normalize(r.text)}`);
  if ((only === 'all' || only === 'nat') && !okN) console.log(`N ${r.nature}→${p.nature.code} | ${normalize(r.text)}`);
}
console.log(`category ${(cat / rows.length * 100).toFixed(1)}  department ${(dep / rows.length * 100).toFixed(1)}  nature ${(nat / rows.length * 100).toFixed(1)}  n=${rows.length}`);
