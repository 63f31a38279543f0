#!/usr/bin/env node
// The layering rules of docs/ARCHITECTURE.md, checked on the source text (no build, no type checker):
//   1. every `create*Service(` factory is called once outside tests: in the composition root (services.ts);
//   2. no capability (src/server/<folder>/) imports app.ts, runtime.ts, services.ts or a seeder under seed/;
//      no capability constructs another capability's service or opens another capability's store;
//   3. no import cycles (static imports; type-only ones count, dynamic import() does not);
//   4. the web app (web/src) imports nothing from src/;
//   5. SQL (selectFrom, insertInto, updateTable, deleteFrom, sql`…`) only in *store.ts files and under db/.
// `node scripts/check-layers.mjs` prints the violations and exits 1 if any is not on the allow-list below;
// src/server/layers.test.ts runs the same check with the suite.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Violations tolerated while issue 11 part B was in flight, one exact message a line. Empty since part B
 * landed: every rule holds everywhere, and a new exception has to be argued for here.
 */
export const partBAllowList = [];

const SOURCE_DIRS = ['src', 'shared', 'web/src'];
const isTest = (f) => /\.test\.tsx?$/.test(f) || f.startsWith('test/');
const posix = (p) => p.split(sep).join('/');

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist') continue;
    const rel = `${dir}/${name}`;
    if (statSync(join(root, rel)).isDirectory()) walk(rel, out);
    else if (/\.(ts|tsx|mts|mjs)$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.mts')) out.push(rel);
  }
  return out;
}

/** Static import and re-export specifiers of a file (type-only included); dynamic import() is not a layer edge. */
function importsOf(text) {
  const specs = [];
  const re = /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) specs.push(m[1]);
  return specs;
}

function resolveImport(from, spec) {
  if (!spec.startsWith('.')) return null;
  return posix(relative(root, resolve(root, dirname(from), spec)));
}

/** `src/server/cases/intake.ts` → `cases`; files directly in src/server (app.ts, config.ts …) → null. */
function capabilityOf(file) {
  const m = /^src\/server\/([^/]+)\/.+/.exec(file);
  return m ? m[1] : null;
}

const stripComments = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

export function checkLayers() {
  const files = SOURCE_DIRS.flatMap((d) => walk(d));
  const texts = new Map(files.map((f) => [f, readFileSync(join(root, f), 'utf8')]));
  const violations = [];
  const graph = new Map();

  for (const [file, raw] of texts) {
    const text = stripComments(raw);
    const deps = importsOf(raw).map((s) => resolveImport(file, s)).filter((t) => t && texts.has(t));
    graph.set(file, isTest(file) ? [] : deps);
    if (isTest(file)) continue;
    const cap = capabilityOf(file);

    // 2. a capability imports nothing above it
    if (cap && cap !== 'seed') {
      for (const t of deps) {
        if (['src/server/app.ts', 'src/server/runtime.ts', 'src/server/services.ts'].includes(t) || t.startsWith('src/server/seed/')) {
          violations.push(`${file}: imports ${t} (capabilities never import the app, the runtime, the composition root or seeds)`);
        }
      }
      // … and neither builds another capability's service nor opens its store
      for (const m of text.matchAll(/\b(create\w*(?:Service|Store))\(/g)) {
        const fn = m[1];
        const from = deps.find((t) => new RegExp(`export (?:async )?function ${fn}\\(`).test(texts.get(t)));
        const owner = from && capabilityOf(from);
        if (owner && owner !== cap && file !== 'src/server/services.ts') violations.push(`${file}: calls ${fn} of ${owner}/ (receive the owning service instead)`);
      }
    }

    // the web app imports only shared/ (and its own files), never the server
    if (file.startsWith('web/src/')) {
      for (const t of deps) if (t.startsWith('src/')) violations.push(`${file}: imports ${t} (the web app imports shapes from shared/ only)`);
    }

    // 5. SQL only in stores
    if (!/store\.ts$/.test(file) && !file.startsWith('src/server/db/') && file.startsWith('src/')) {
      const hits = [...new Set([...text.matchAll(/\.(selectFrom|insertInto|updateTable|deleteFrom)\(|\bsql`/g)].map((m) => m[1] ?? 'sql`'))];
      if (hits.length) violations.push(`${file}: SQL outside a store (${hits.join(', ')})`);
    }
  }

  // 1. each service factory is called once outside tests (and outside its own definition)
  const calls = new Map();
  for (const [file, raw] of texts) {
    if (isTest(file)) continue;
    const text = stripComments(raw);
    for (const m of text.matchAll(/(?<![\w.])(create\w*Service)\(/g)) {
      const before = text.slice(Math.max(0, m.index - 16), m.index);
      if (/function\s+$/.test(before)) continue;
      calls.set(m[1], [...(calls.get(m[1]) ?? []), file]);
    }
  }
  for (const [fn, where] of calls) {
    if (where.length > 1) violations.push(`${fn}: called ${where.length} times outside tests (${[...new Set(where)].join(', ')}); build it once in src/server/services.ts`);
  }

  // 3. import cycles (Tarjan's strongly connected components over static imports)
  let index = 0;
  const stack = [];
  const info = new Map();
  const strong = (v) => {
    info.set(v, { index, low: index, on: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        strong(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).on) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).on = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1) violations.push(`import cycle: ${component.sort().join(' ↔ ')}`);
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) strong(v);

  const allowed = new Set(partBAllowList);
  return { violations, open: violations.filter((v) => !allowed.has(v)), allowedButFixed: partBAllowList.filter((a) => !violations.includes(a)) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { violations, open, allowedButFixed } = checkLayers();
  for (const v of violations) console.log(`${open.includes(v) ? 'VIOLATION' : 'allowed (part B)'}  ${v}`);
  for (const a of allowedButFixed) console.log(`fixed, remove from the allow-list: ${a}`);
  console.log(`${violations.length} violation(s), ${open.length} not on the allow-list`);
  process.exitCode = open.length ? 1 : 0;
}
