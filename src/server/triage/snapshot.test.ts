import { describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../taxonomy/taxonomy.ts';
import { DEFAULT_APPEALS_URL, loadAppeals } from './corpus.ts';
import { createTriageEngine } from './engine.ts';
import { encodeNormalized, FeatureIndex } from './features.ts';
import { modelKey, restoreEngine, snapshotEngine } from './snapshot.ts';
import { normalize } from './text.ts';

const taxonomy = loadTaxonomy();

describe('triage model snapshot', () => {
  it('a restored engine predicts exactly what the trained one does, corrections included', () => {
    const trained = createTriageEngine({ taxonomy });
    // a correction with words seen in no training text grows the vocabulary: those columns must survive too
    trained.learn('氪星人飞碟停在小区门口挡住消防通道', '0501');
    const restored = restoreEngine(taxonomy, snapshotEngine(trained));
    const evalSet = loadAppeals(DEFAULT_APPEALS_URL, taxonomy);
    expect(evalSet.length).toBeGreaterThan(500);
    for (const a of evalSet) expect(restored.classify(a.text)).toEqual(trained.classify(a.text));
    expect(restored.classify('氪星人飞碟挡路')).toEqual(trained.classify('氪星人飞碟挡路'));
    expect({ ...restored.calibration, outOfFold: [] }).toEqual({ ...trained.calibration, outOfFold: [] });
    expect(restored.trainingSize).toBe(trained.trainingSize);

    // and both keep learning the same way
    for (const e of [trained, restored]) e.learn('楼道里堆满了纸箱', '0801', 'report');
    for (const a of evalSet.slice(0, 200)) expect(restored.classify(a.text)).toEqual(trained.classify(a.text));
    expect(restored.gate).toEqual(trained.gate);
    // training plus the gate's calibration pass takes seconds of CPU, more on a shared machine
  }, 120_000);

  it('feature names re-intern into an index that numbers them differently', () => {
    const a = new FeatureIndex();
    const b = new FeatureIndex();
    b.encode(['w:先占号', 'b:占号', 'cue:x'], true); // b's ids are shifted
    const bag = encodeNormalized(normalize('路灯不亮了 ok'), true, undefined, a);
    const names = a.namesOf(bag.ids);
    const ids = names.map((n) => b.intern(n));
    expect(b.namesOf(ids)).toEqual(names);
    expect(encodeNormalized(normalize('路灯不亮了 ok'), false, undefined, b).ids).toEqual(Int32Array.from(ids));
  });

  it('keys change with any training input', () => {
    const k = modelKey(taxonomy, [[{ text: 'a', category: '0501' }]]);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(modelKey(taxonomy, [[{ text: 'a', category: '0501' }]])).toBe(k);
    expect(modelKey(taxonomy, [[{ text: 'a', category: '0502' }]])).not.toBe(k);
  });
});
