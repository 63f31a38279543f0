/**
 * 模型持久化 — a trained triage engine as bytes, so a restart loads in milliseconds what took seconds of CPU
 * to train. v8 structured serialisation keeps typed arrays bit-exact; feature ids are process-local, so the
 * vocabularies are stored by feature name (model.ts snapshot()).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { DEFAULT_APPEALS_URL, DEFAULT_CALL_TRAINING_URL } from './corpus.ts';
import { engineFrom, type TriageEngine } from './engine.ts';
import { TextModel } from './model.ts';
import { NatureModel } from './nature.ts';

/** Bump when the snapshot layout, the features or the training procedure change: old rows then no longer match. */
// v2 (#20): homophone correction, description concepts, main-request selection and the department gate.
// v3 (#20): call-style training rows, a spoken reading of nature, the gate calibrated by scene-grouped CV.
export const MODEL_FORMAT_VERSION = 3;

export interface Snapshot {
  version: number;
  category: ReturnType<TextModel['snapshot']>;
  nature: ReturnType<NatureModel['snapshot']>;
  temperature: number;
  natureTemperature: number;
  choice: TriageEngine['calibration']['choice'];
  gate: TriageEngine['gate'];
  folds: number;
  trainingSize: number;
}

export function snapshotEngine(e: TriageEngine): Buffer {
  const c = e.calibration;
  const s: Snapshot = {
    version: MODEL_FORMAT_VERSION,
    category: e.models.category.snapshot(),
    nature: e.models.nature.snapshot(),
    temperature: c.temperature,
    natureTemperature: c.natureTemperature,
    choice: c.choice,
    gate: e.gate,
    folds: c.folds,
    trainingSize: e.trainingSize,
  };
  return serialize(s);
}

export function restoreEngine(taxonomy: Taxonomy, bytes: Uint8Array): TriageEngine {
  return restoreSnapshot(taxonomy, decodeSnapshot(bytes));
}

/** The bytes as a snapshot object (v8 deserialisation, the part a worker thread can do and hand back). */
export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const s = deserialize(bytes) as Snapshot;
  if (s?.version !== MODEL_FORMAT_VERSION) throw new Error(`triage: model snapshot version ${s?.version}, expected ${MODEL_FORMAT_VERSION}`);
  return s;
}

/** The typed arrays of a snapshot's weights: what a worker transfers instead of copying (postMessage). */
export function snapshotBuffers(s: Snapshot): ArrayBuffer[] {
  const all = new Set<ArrayBuffer>();
  for (const clf of [s.category.clf, s.nature.model.clf]) {
    for (const a of [clf.w, clf.g2, clf.bias, clf.biasGrad2]) if (a.buffer instanceof ArrayBuffer) all.add(a.buffer);
  }
  return [...all];
}

/** An engine from a decoded snapshot: features re-interned into this thread's index (ids are thread-local). */
export function restoreSnapshot(taxonomy: Taxonomy, s: Snapshot): TriageEngine {
  if (s.version !== MODEL_FORMAT_VERSION) throw new Error(`triage: model snapshot version ${s.version}, expected ${MODEL_FORMAT_VERSION}`);
  return engineFrom(taxonomy, {
    models: { category: TextModel.restore(s.category), nature: NatureModel.restore(s.nature) },
    temperature: s.temperature,
    natureTemperature: s.natureTemperature,
    choice: s.choice,
    gate: s.gate,
    folds: s.folds,
    trainingSize: s.trainingSize,
    outOfFold: [],
  });
}

let codeDigest: string | undefined;

/** The triage code and shipped data as they run: a deploy that changes how models train changes every key. */
function triageCodeDigest(): string {
  const h = createHash('sha256');
  const dir = new URL('./', import.meta.url);
  for (const f of readdirSync(dir).sort()) {
    if (/\.(ts|js)$/.test(f) && !/\.test\./.test(f)) h.update(f).update(readFileSync(new URL(f, dir)));
  }
  h.update(readFileSync(DEFAULT_APPEALS_URL));
  h.update(readFileSync(DEFAULT_CALL_TRAINING_URL));
  return h.digest('hex');
}

/**
 * The key of a model: sha256 over everything it was trained on (taxonomy, the triage code and shipped appeals, the city's
 * history, the corrections in order) and the format version. Any change means a different key, so a stale
 * model is never loaded.
 */
export function modelKey(taxonomy: Taxonomy, parts: readonly unknown[]): string {
  codeDigest ??= triageCodeDigest();
  const h = createHash('sha256');
  h.update(`v${MODEL_FORMAT_VERSION}\n${codeDigest}\n`);
  h.update(JSON.stringify({ categories: taxonomy.categories, examples: taxonomy.examples }));
  for (const p of parts) h.update(`\n${JSON.stringify(p)}`);
  return h.digest('hex');
}
