/**
 * The call-style pipeline (#20): fillers, homophones, main-request selection, praise / 举报 vs 投诉, the
 * department gate and explanations — each step pinned on its own, then the engine on whole calls.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy, type Taxonomy } from '../taxonomy/taxonomy.ts';
import { prepare, stratifiedFolds } from './corpus.ts';
import { calibrateGate, measureGate, thresholdFor, type GatePoint } from './dispatch-gate.ts';
import { createTriageEngine, type TriageEngine } from './engine.ts';
import { stripFillers } from './fillers.ts';
import { buildHomophoneIndex, correctHomophones } from './homophones.ts';
import { selectMainRequest } from './main-request.ts';
import { explicitNature, NatureModel } from './nature.ts';
import { normalize, normalizeCall } from './text.ts';

describe('fillers', () => {
  it('drops a call opening and keeps 这个 before a time word', () => {
    expect(stripFillers('喂，是12345吗？能听见吗？我说一下，这个月已经停了三次电')).toBe('这个月已经停了三次电');
  });

  it('leaves no stray pause where a filler stood before "……"', () => {
    expect(normalize('我叫的车，那个……司机故意绕远路')).toBe('我叫的车，司机故意绕远路');
  });
});

describe('homophones', () => {
  const index = buildHomophoneIndex(['路灯', '小区', '电梯', '燃气', '可疑', '满溢'], ['大家对服务很不满意']);

  it('corrects a wrong character of the same sound to the domain word', () => {
    expect(correctHomophones('小曲门口的路等坏了', index)).toBe('小区门口的路灯坏了');
    expect(correctHomophones('然气打不着', index)).toBe('燃气打不着');
  });

  it('reads a word spelled out in pinyin', () => {
    expect(correctHomophones('dianti坏了', index)).toBe('电梯坏了');
  });

  it('never rewrites a real word: one seen in written text, or one whose other character is a function word', () => {
    expect(correctHomophones('我对处理很不满意', index)).toBe('我对处理很不满意');
    expect(correctHomophones('可以来看看吗', index)).toBe('可以来看看吗');
  });

  it('runs inside normalize, with the shipped vocabulary', () => {
    expect(normalize('我们小曲门口的路等不亮了')).toBe('我们小区门口的路灯不亮了');
  });

  it('leaves a character that forms a common word with its neighbour: 的施|工 is 施工, 灯干|活 is 干活', () => {
    expect(correctHomophones('那边的施工一直不停', index2)).toBe('那边的施工一直不停');
    expect(correctHomophones('晚上开着大灯干活', index2)).toBe('晚上开着大灯干活');
    expect(correctHomophones('路等了好几天都不亮', index2)).toBe('路灯了好几天都不亮');
    expect(normalize('运土的大车晚上跑得飞快')).toBe('运土的大车晚上跑得飞快');
  });
});

const index2 = buildHomophoneIndex(['的士', '灯杆', '路灯']);

describe('training on call-style rows', () => {
  it('keeps the rows of one scene in one fold, so a fold is scored on situations it never trained on', () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ category: '0501', scene: `0501-${i % 6}` }));
    const fold = stratifiedFolds(items, 3);
    for (let s = 0; s < 6; s++) expect(new Set(items.flatMap((it, i) => (it.scene === `0501-${s}` ? [fold[i]] : []))).size).toBe(1);
    expect(new Set(fold).size).toBe(3);
  });

  it('learns a two-problem call from its main request, as classify answers on it', () => {
    const p = prepare({ text: '路边堆了好多纸箱子，这个先放一放，以后再说。最要紧的是，电梯卡在七楼不动了，里面有人。', category: '0904' });
    expect(p.norm).toBe('电梯卡在七楼不动了，里面有人。');
  });
});

describe('main request', () => {
  it('keeps the first matter when the second is introduced and set aside', () => {
    const r = selectMainRequest('人行道上那块铁板松了，一踩就晃。另外还有个小事，楼下桶满了，那个不急，以后再说，先把这个管了。');
    expect(r.main).toContain('铁板松了');
    expect(r.main).not.toContain('桶满了');
    expect(r.secondary).toContain('楼下桶满了');
  });

  it('takes the matter the caller says the call is about, wherever it comes', () => {
    const r = selectMainRequest('顺便说一下，路口那个灯坏了，不过那个是小事。今天打电话主要是楼道里一股怪味，像臭鸡蛋。');
    expect(r.main).toBe('楼道里一股怪味，像臭鸡蛋。');
    expect(r.secondary).toContain('路口那个灯坏了');
    const later = selectMainRequest('路边堆了好多纸箱子，这个先放一放，以后再说。最要紧的是，电梯卡在七楼不动了，里面有人。');
    expect(later.main).toBe('电梯卡在七楼不动了，里面有人。');
  });

  it('does not split a single request', () => {
    const text = '楼上那家天天半夜拖椅子，还有小孩跑来跑去，吵得根本睡不着';
    expect(selectMainRequest(text)).toEqual({ main: text });
  });
});

describe('nature: a written and a spoken reading', () => {
  it('knows a transcribed call by the fillers it had to strip', () => {
    expect(normalizeCall('喂，你好，是这样的，我们楼下的路灯坏了').spoken).toBe(true);
    expect(normalizeCall('我们楼下的路灯坏了三天了，请尽快修理').spoken).toBe(false);
  });

  it('reads a written appeal with what written appeals taught, whatever the call-style rows say', () => {
    const row = (text: string, nature: 'report' | 'help', callStyle = false) => {
      const p = prepare({ text, category: '0103' });
      return { norm: p.norm, bag: p.bag, nature, callStyle, spoken: !!p.spoken };
    };
    const written = [row('邻居在楼顶私自加盖了一层', 'report'), row('楼顶有人违建还在施工', 'report'), row('我家漏水请派人修一下', 'help')];
    const calls = [row('喂，你好，邻居在楼顶私自加盖了一层，麻烦派人来处理', 'help', true), row('那个，楼顶有人违建，帮帮忙吧', 'help', true)];
    const alone = new NatureModel().train(written);
    const both = new NatureModel().train([...written, ...calls]);
    const text = prepare({ text: '邻居在楼顶私自加盖', category: '0103' });
    expect(Array.from(both.logits(text.norm, text.bag, false))).toEqual(Array.from(alone.logits(text.norm, text.bag, false)));
    expect(Array.from(both.logits(text.norm, text.bag, true))).not.toEqual(Array.from(alone.logits(text.norm, text.bag, false)));
  });
});

describe('nature: praise, 举报 and 投诉', () => {
  it('thanks for a problem solved is praise, even when it starts "我不是来投诉的"', () => {
    expect(explicitNature(normalize('我不是来投诉的，上个月路灯坏了，你们很快就处理好了，真心感谢工作人员。'))).toBe('praise');
    expect(explicitNature(normalize('想给你们点个赞，上回反映的井盖当天就换好了'))).toBe('praise');
  });

  it('politeness at the end of a request is not praise', () => {
    expect(explicitNature(normalize('路灯坏了三天了，请安排人来修一下，谢谢啊。'))).toBeUndefined();
  });

  it('举报 names wrongdoing by someone else; 投诉 is the caller dissatisfied; 建议 a proposal', () => {
    expect(explicitNature(normalize('我要举报，厂子后面有根管子一直往河里放红颜色的水'))).toBe('report');
    expect(explicitNature(normalize('反映了三次没人管，我要投诉'))).toBe('complaint');
    expect(explicitNature(normalize('我有个建议，路口能不能加个减速带'))).toBe('suggest');
  });
});

describe('dispatch gate', () => {
  const pts = (category: string, list: Array<[number, boolean]>): GatePoint[] => list.map(([confidence, correct]) => ({ category, confidence, correct }));

  it('picks the lowest global threshold reaching the target and a stricter one for a category that errs above it', () => {
    const points = [
      ...pts('0501', Array.from({ length: 60 }, (_, i) => [0.9 + i * 0.001, true] as [number, boolean])),
      ...pts('0801', [[0.95, false], [0.96, true], [0.97, true], [0.99, true]]),
      ...pts('1501', [[0.5, false], [0.6, true]]),
    ];
    const gate = calibrateGate(points, 0.98);
    expect(gate.threshold).toBeLessThanOrEqual(0.9);
    expect(gate.perCategory['0801']).toBeGreaterThan(0.95);
    expect(thresholdFor(gate, '0501')).toBe(gate.threshold);
    expect(measureGate(gate, points).precision).toBe(1);
    expect(gate.precision).toBe(1);
  });

  it('abstains entirely when no threshold is precise enough', () => {
    const gate = calibrateGate(pts('0501', Array.from({ length: 20 }, (_, i) => [0.99, i % 2 === 0] as [number, boolean])), 0.98);
    expect(gate.threshold).toBeGreaterThan(1);
    expect(gate.coverage).toBe(0);
  });
});

describe('engine on whole calls', () => {
  let taxonomy: Taxonomy;
  let engine: TriageEngine;
  beforeAll(() => {
    taxonomy = loadTaxonomy();
    engine = createTriageEngine({ taxonomy, folds: 2 });
  });

  it('classifies the main request and offers the other matter as a second case', () => {
    const r = engine.classify('喂，你好，是这样的，我们小区门口那个垃圾桶满得盖子都盖不上了，这个先放一放，以后再说。最要紧的是，单元里的电梯卡在七楼不动了，里面还有个老人，麻烦赶紧派人！');
    expect(r.category.code).toBe('0904');
    expect(r.secondary?.code).toBe('0106');
    expect(r.secondary?.department.code).toBe(taxonomy.category('0106')!.department);
  });

  it('hears 路等 as 路灯 and explains the decision with words of the text', () => {
    const r = engine.classify('喂，那个，我们小曲门口的路等坏了好几天了，晚上黑漆漆的', { explain: true });
    expect(r.category.code).toBe('0501');
    const words = r.explanation!.words.map((w) => w.text);
    expect(words.some((w) => w.includes('路灯') || w.includes('灯'))).toBe(true);
    expect(r.explanation!.runnerUp.code).toBe(r.alternatives[0]!.code);
    expect(r.explanation!.runnerUp.margin).toBeGreaterThan(0);
  });

  it('reports the gate behind each answer: department confidence against the category threshold', () => {
    const r = engine.classify('人行道上那块铁板松了，一踩就晃，哐当哐当响');
    expect(r.category.code).toBe('0502');
    expect(r.dispatchGate.confidence).toBeGreaterThanOrEqual(r.category.confidence);
    expect(r.dispatchGate.threshold).toBe(thresholdFor(engine.gate, '0502'));
    expect(r.autoDispatch).toBe(r.dispatchGate.eligible);
    expect(r.dispatchGate.precision).toBe(engine.gate.precision);
  });

  it('predicts praise, which the shipped appeals rarely teach', () => {
    expect(engine.classify('上周反映的路灯已经修好了，晚上亮堂堂的，感谢市政的师傅，给你们点个赞').nature.code).toBe('praise');
  });
});
