import { describe, expect, it } from 'vitest';
import { encodeNormalized, FEATURES } from './features.ts';
import { rankLogits, rng, softmax, TextModel, topLabels, Vocabulary } from './model.ts';
import { normalize } from './text.ts';

const bag = (text: string) => encodeNormalized(normalize(text), true);

// A small three-category world, written for this test only.
const TRAIN: Array<[string, string]> = [
  ['路灯坏了好几天，晚上黑漆漆的', 'light'],
  ['这条路的路灯一直不亮', 'light'],
  ['小区门口路灯闪个不停', 'light'],
  ['桥上的照明灯全坏了，晚上看不见路', 'light'],
  ['电梯又坏了，困了人', 'lift'],
  ['电梯运行时异响还会突然下坠', 'lift'],
  ['单元电梯门关不上', 'lift'],
  ['商场扶梯突然停了，有人摔倒', 'lift'],
  ['楼下烧烤店油烟太大，窗户都是油', 'fumes'],
  ['饭店的排烟管对着我家，油烟呛人', 'fumes'],
  ['餐馆没装油烟净化器', 'fumes'],
  ['火锅店的油烟味飘进卧室', 'fumes'],
];

function trained(): TextModel {
  return new TextModel(['light', 'lift', 'fumes']).train(TRAIN.map(([t, label]) => ({ bag: bag(t), label })));
}

describe('TextModel', () => {
  it('learns: unseen paraphrases land in the right class', () => {
    const m = trained();
    expect(m.rank(bag('晚上小区外面的路灯都不亮了'))[0]!.label).toBe('light');
    expect(m.rank(bag('我们楼电梯卡住了，里面有老人'))[0]!.label).toBe('lift');
    expect(m.rank(bag('楼下小吃店的油烟熏得家里没法开窗'))[0]!.label).toBe('fumes');
  });

  it('returns a probability distribution over all labels, best first', () => {
    const ranked = trained().rank(bag('电梯坏了'));
    expect(ranked.map((r) => r.label).sort()).toEqual(['fumes', 'lift', 'light']);
    expect(ranked.reduce((s, r) => s + r.p, 0)).toBeCloseTo(1, 9);
    expect(ranked[0]!.p).toBeGreaterThanOrEqual(ranked[1]!.p);
  });

  it('is deterministic for a given corpus and seed', () => {
    const a = trained().logits(bag('路灯和电梯都坏了'));
    const b = trained().logits(bag('路灯和电梯都坏了'));
    expect([...a]).toEqual([...b]);
  });

  it('learn() changes the outcome for the corrected text and for similar text only', () => {
    const m = trained();
    const corrected = '快递柜把消防通道堵住了';
    const similar = '快递柜又把楼下的消防通道堵了';
    const unrelated = '路灯坏了一个星期';
    expect(m.rank(bag(corrected))[0]!.label).not.toBe('fumes');
    const before = m.rank(bag(unrelated))[0]!;
    m.learn(bag(corrected), 'fumes');
    expect(m.rank(bag(corrected))[0]!.label).toBe('fumes');
    expect(m.rank(bag(similar))[0]!.label).toBe('fumes');
    expect(m.rank(bag(unrelated))[0]!.label).toBe(before.label);
    expect(m.corpusSize).toBe(TRAIN.length + 1);
  });

  it('retrain() keeps corrections', () => {
    const m = trained();
    m.learn(bag('快递柜把消防通道堵住了'), 'fumes');
    m.retrain();
    expect(m.rank(bag('快递柜把消防通道堵住了'))[0]!.label).toBe('fumes');
  });

  it('rejects unknown labels', () => {
    expect(() => trained().learn(bag('随便'), 'nope')).toThrow(/unknown label/);
  });
});

describe('vectorisation and helpers', () => {
  it('drops unknown features at prediction time without growing the shared index', () => {
    const size = FEATURES.size;
    const b = encodeNormalized(normalize('一个从未见过的词组鳄鱼霹雳'), false);
    expect(FEATURES.size).toBe(size);
    const v = new Vocabulary();
    v.fit([bag('路灯坏了')]);
    const x = v.vectorize(b, false);
    expect(x.idx.length).toBeLessThan(b.ids.length + 1);
  });

  it('produces unit-length vectors', () => {
    const v = new Vocabulary();
    const b = bag('井盖丢了，井盖丢了，晚上很危险');
    v.fit([b, bag('路灯坏了')]);
    const x = v.vectorize(b, false);
    const norm = Math.sqrt(x.val.reduce((s, a) => s + a * a, 0));
    expect(norm).toBeCloseTo(1, 9);
  });

  it('softmax is stable for large logits and temperature sharpens it', () => {
    const p = softmax([1000, 999, 0]);
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
    expect(softmax([2, 1], 0.5)[0]!).toBeGreaterThan(softmax([2, 1], 1)[0]!);
  });

  it('topLabels agrees with a full ranking', () => {
    const random = rng(3);
    const labels = Array.from({ length: 71 }, (_, i) => `c${i}`);
    for (let trial = 0; trial < 20; trial++) {
      const logits = labels.map(() => random() * 10);
      const full = rankLogits(labels, logits, 0.7).slice(0, 4);
      expect(topLabels(labels, logits, 0.7, 4)).toEqual(full);
    }
  });
});
