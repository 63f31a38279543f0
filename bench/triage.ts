/**
 * Triage engine benchmark: model build time and single-core classification throughput.
 * Run with `npx tsx bench/triage.ts [rounds]`. Prints figures only; no assertions.
 */
import { readFileSync } from 'node:fs';
import { loadTaxonomy } from '../src/server/taxonomy/taxonomy.ts';
import { createTriageEngine } from '../src/server/triage/engine.ts';

const rounds = Number(process.argv[2] ?? 20);
const holdout = new URL('../test/data/triage-holdout.jsonl', import.meta.url);
const texts = readFileSync(holdout, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text);

const taxonomy = loadTaxonomy();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const engine = createTriageEngine({ taxonomy });
const buildMs = performance.now() - t0;
const buildCpuMs = process.cpuUsage(cpu0).user / 1000;

// Warm-up so the JIT has compiled the hot paths before we time them.
for (const t of texts) engine.classify(t);

const cpu1 = process.cpuUsage();
const t1 = performance.now();
let auto = 0;
for (let r = 0; r < rounds; r++) {
  for (const t of texts) if (engine.classify(t).autoDispatch) auto++;
}
const elapsed = performance.now() - t1;
const cpuMs = process.cpuUsage(cpu1).user / 1000;
const n = rounds * texts.length;

console.log('triage bench');
console.log(`  training examples         ${engine.trainingSize} (+${taxonomy.categories.length} category names)`);
console.log(`  engine build (5-fold calibration + final fit)  ${Math.round(buildMs)} ms wall, ${Math.round(buildCpuMs)} ms cpu`);
console.log(`  auto-dispatch threshold   ${engine.threshold.toFixed(3)}`);
console.log(`  classified                ${n} texts (${texts.length} holdout texts × ${rounds})`);
console.log(`  throughput                ${Math.round(n / (elapsed / 1000))} texts/s wall, ${Math.round(n / (cpuMs / 1000))} texts/s per cpu-second`);
console.log(`  mean latency              ${((elapsed * 1000) / n).toFixed(1)} µs`);
console.log(`  auto-dispatched           ${((auto / n) * 100).toFixed(1)}%`);
