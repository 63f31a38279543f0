/**
 * 分拨解释 — the words that decided a category, and why the runner-up lost, in a form a dispatcher can check
 * against the text: each is a word or phrase of the (normalised) text, with its share of the margin between
 * the two categories.
 */
import { FEATURES, type Bag } from './features.ts';
import { lexiconHits } from './lexicon.ts';
import type { TextModel } from './model.ts';

export interface Evidence {
  text: string;
  /** share of the logit margin this word carries (larger = more decisive) */
  weight: number;
}

export interface Explanation {
  /** the words that pushed the chosen category over the runner-up, strongest first */
  words: Evidence[];
  runnerUp: {
    code: string;
    name: string;
    confidence: number;
    /** the runner-up's own evidence, which was outweighed */
    words: Evidence[];
    /** logit margin by which it lost */
    margin: number;
  };
}

/** The text a feature stands for; lexicon hits (`k:`) are shown as the terms of the text that raised them. */
function display(name: string, norm: string, code: string): string[] {
  const fam = name.slice(0, name.indexOf(':'));
  const body = name.slice(fam.length + 1);
  if (fam === 'w' || fam === 'b' || fam === 't') return [body];
  if (fam === 'k') return lexiconHits(norm).filter((h) => h.code === body && body === code).map((h) => h.term);
  return [];
}

function strongest(contrast: Array<{ id: number; amount: number }>, norm: string, code: string, sign: 1 | -1, k: number): Evidence[] {
  const byText = new Map<string, number>();
  for (const { id, amount } of contrast) {
    const a = amount * sign;
    if (a <= 0) continue;
    for (const text of display(FEATURES.nameOf(id), norm, code)) byText.set(text, (byText.get(text) ?? 0) + a);
  }
  const picked: Evidence[] = [];
  for (const [text, weight] of [...byText].sort((x, y) => y[1] - x[1])) {
    // 路灯 and 路灯坏 say the same thing: keep the first (stronger) one
    if (picked.some((p) => p.text.includes(text) || text.includes(p.text))) continue;
    picked.push({ text, weight: Math.round(weight * 1000) / 1000 });
    if (picked.length === k) break;
  }
  return picked;
}

export function explain(
  model: TextModel,
  bag: Bag,
  norm: string,
  chosen: string,
  runnerUp: { code: string; name: string; confidence: number },
  margin: number,
  k = 5,
): Explanation {
  const contrast = model.contrast(bag, chosen, runnerUp.code);
  return {
    words: strongest(contrast, norm, chosen, 1, k),
    runnerUp: { ...runnerUp, words: strongest(contrast, norm, runnerUp.code, -1, 3), margin: Math.round(margin * 1000) / 1000 },
  };
}
