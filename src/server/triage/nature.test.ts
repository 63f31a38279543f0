import { beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../taxonomy/taxonomy.ts';
import { DEFAULT_APPEALS_URL, loadAppeals, prepare } from './corpus.ts';
import { encodeNormalized } from './features.ts';
import { explicitNature, natureCueFeatures, NatureModel } from './nature.ts';
import { normalize } from './text.ts';

describe('nature cues', () => {
  it('finds consult, help, complaint, report, suggest and praise cues', () => {
    expect(natureCueFeatures(normalize('请问办理居住证需要什么材料？'))).toEqual(
      expect.arrayContaining(['cue:ask', 'cue:need', 'cue:ends-question']),
    );
    expect(natureCueFeatures(normalize('请尽快派人来处理'))).toContain('cue:please-act');
    expect(natureCueFeatures(normalize('投诉了好几次还是没人管'))).toEqual(expect.arrayContaining(['cue:complain', 'cue:again', 'cue:bad']));
    expect(natureCueFeatures(normalize('有人偷偷往河里排污水'))).toEqual(expect.arrayContaining(['cue:someone', 'cue:illicit']));
    expect(natureCueFeatures(normalize('建议在路口增设红绿灯'))).toContain('cue:suggest');
    expect(natureCueFeatures(normalize('感谢环卫站的师傅'))).toEqual(expect.arrayContaining(['cue:thanks-first', 'cue:thanks-who']));
  });

  it('a rhetorical question inside a complaint is not an ending question', () => {
    expect(natureCueFeatures(normalize('到底管不管？已经一个月了'))).not.toContain('cue:ends-question');
  });

  it('honours an explicit self-declaration', () => {
    expect(explicitNature(normalize('我要举报楼下的赌博窝点'))).toBe('report');
    expect(explicitNature(normalize('我要投诉这个司机'))).toBe('complaint');
    expect(explicitNature(normalize('特此表扬社区的王主任'))).toBe('praise');
    expect(explicitNature(normalize('路灯坏了'))).toBeUndefined();
  });
});

describe('NatureModel', () => {
  let model: NatureModel;
  beforeAll(() => {
    const taxonomy = loadTaxonomy();
    const examples = [...taxonomy.examples, ...loadAppeals(DEFAULT_APPEALS_URL, taxonomy)].map((e) => prepare(e));
    model = new NatureModel().train(examples.map((e) => ({ norm: e.norm, bag: e.bag, nature: e.nature! })));
  });

  const predict = (text: string) => {
    const norm = normalize(text);
    return model.predict(norm, encodeNormalized(norm, false));
  };

  it.each([
    ['请问新生儿办医保要带哪些证件？', 'consult'],
    ['家里水管爆了水一直往外冒，请马上派人来关阀门', 'help'],
    ['物业费交了，电梯坏了三个月还不修，反映了好多次都没人理', 'complaint'],
    ['有家小作坊偷偷在夜里往河里排黑水，我拍了视频', 'report'],
    ['建议在学校门口增设一个红绿灯和减速带', 'suggest'],
    ['非常感谢派出所的民警同志帮我找回了孩子', 'praise'],
  ])('%s → %s', (text, nature) => {
    const p = predict(text);
    expect(p.code).toBe(nature);
    expect(p.confidence).toBeGreaterThan(0);
    expect(p.confidence).toBeLessThanOrEqual(1);
  });
});
