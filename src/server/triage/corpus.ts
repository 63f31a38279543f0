/**
 * 训练语料 — loading, validating and preparing labelled appeals.
 *
 * JSONL, one `{"text","category","nature"}` per line; an optional `"urgent": true|false`
 * overrides the category's urgent flag as ground truth for evaluation (an appeal in a
 * non-urgent category can still be life-threatening, e.g. a power cut for someone on an
 * oxygen machine).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { normalizeCall } from './text.ts';
import { NATURE_CODES, type NatureCode } from './nature.ts';
import { encodeNormalized, type Bag } from './features.ts';
import { rng, shuffle } from './model.ts';
import { selectMainRequest } from './main-request.ts';

export interface LabelledAppeal {
  text: string;
  category: string;
  nature: NatureCode;
  urgent?: boolean;
  /** the scene a generated call-style row was framed from: cross-validation keeps a scene's rows in one fold */
  scene?: string;
}

const line = z.object({
  text: z.string().min(1),
  category: z.string().regex(/^\d{4}$/),
  nature: z.enum(NATURE_CODES as [NatureCode, ...NatureCode[]]),
  urgent: z.boolean().optional(),
  scene: z.string().min(1).optional(),
});

/** The boot-time training file written for the default taxonomy. */
export const DEFAULT_APPEALS_URL = new URL('./data/appeals.jsonl', import.meta.url);
/**
 * Call-style training appeals (#20): transcribed-call framings of scenes written for training only
 * (scripts/call-appeals/train-scenes.mjs), apart from the dev and test scenes.
 */
export const DEFAULT_CALL_TRAINING_URL = new URL('./data/calls-train.jsonl', import.meta.url);

/** Reads a JSONL file of labelled appeals; rejects unknown categories when a taxonomy is given. */
export function loadAppeals(path: string | URL, taxonomy?: Taxonomy): LabelledAppeal[] {
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l !== '');
  return rows.map(([l, lineNo]) => {
    let parsed: LabelledAppeal;
    try {
      parsed = line.parse(JSON.parse(l));
    } catch (err) {
      throw new Error(`triage: ${String(path)}:${lineNo}: ${(err as Error).message}`);
    }
    if (taxonomy && !taxonomy.category(parsed.category)) {
      throw new Error(`triage: ${String(path)}:${lineNo}: unknown category ${parsed.category}`);
    }
    return parsed;
  });
}

/**
 * An appeal with its normalised text and features computed once. Preparing interns the
 * features (grows FEATURES), so use it for training data and corrections only.
 */
export interface PreparedAppeal {
  text: string;
  norm: string;
  /** its features, interned into the shared FEATURES index */
  bag: Bag;
  category: string;
  /** absent for pseudo-examples (category names) that say nothing about nature */
  nature?: NatureCode;
  urgent?: boolean;
  scene?: string;
  /** a transcribed call (fillers stripped), see normalizeCall */
  spoken?: boolean;
}

/**
 * Learned from its main request, as `classify` answers on it: a two-problem call must not teach its category the
 * words of the side matter (nor cross-validation score the whole text the desk never sees).
 */
export function prepare(appeal: { text: string; category: string; nature?: NatureCode; urgent?: boolean; scene?: string }): PreparedAppeal {
  const heard = normalizeCall(appeal.text);
  const norm = selectMainRequest(heard.norm).main;
  const out: PreparedAppeal = { text: appeal.text, norm, bag: encodeNormalized(norm, true), category: appeal.category };
  if (heard.spoken) out.spoken = true;
  if (appeal.nature) out.nature = appeal.nature;
  if (appeal.urgent !== undefined) out.urgent = appeal.urgent;
  if (appeal.scene) out.scene = appeal.scene;
  return out;
}

/**
 * Category names (暴露垃圾, 电梯故障 …) as extra category-only examples: they are the
 * vocabulary dispatchers themselves use, and they anchor a category even when its
 * written examples happen to use other words.
 */
export function categoryNameExamples(taxonomy: Taxonomy): PreparedAppeal[] {
  return taxonomy.categories.map((c) => prepare({ text: c.zh, category: c.code }));
}

/**
 * Stratified k-fold assignment: each category's examples are shuffled (seeded) and dealt
 * round-robin, so every fold sees every category in proportion. Rows that share a `scene`
 * are dealt as one unit: a fold is then scored on scenes it never trained on, as the desk
 * meets new situations, instead of on a re-framing of a scene it learned.
 */
export function stratifiedFolds(items: ReadonlyArray<{ category: string; scene?: string }>, k: number, seed = 7): number[] {
  const byCategory = new Map<string, number[][]>();
  const groupOf = new Map<string, number[]>();
  items.forEach((it, i) => {
    const units = byCategory.get(it.category) ?? [];
    byCategory.set(it.category, units);
    if (it.scene === undefined) return void units.push([i]);
    const group = groupOf.get(it.scene);
    if (group) return void group.push(i);
    const fresh = [i];
    groupOf.set(it.scene, fresh);
    units.push(fresh);
  });
  const random = rng(seed);
  const fold = new Array<number>(items.length).fill(0);
  let offset = 0;
  for (const code of [...byCategory.keys()].sort()) {
    const units = shuffle([...byCategory.get(code)!], random);
    // Rotating the starting fold keeps small categories from all landing in fold 0.
    units.forEach((unit, j) => unit.forEach((i) => (fold[i] = (j + offset) % k)));
    offset += units.length;
  }
  return fold;
}
