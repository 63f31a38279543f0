import { describe, expect, it } from 'vitest';
import { encodeNormalized, FEATURES } from './features.ts';
import { features, featuresOfNormalized, normalize, toHalfWidth } from './text.ts';

describe('normalize', () => {
  it('folds traditional characters and Taiwan vocabulary to simplified', () => {
    expect(normalize('樓道裡有煤氣味，請儘快處理')).toBe('楼道里有煤气味，请尽快处理');
    expect(normalize('計程車司機拒載')).toBe('出租车司机拒载');
  });

  it('leaves simplified text unchanged', () => {
    const s = '小区门口的垃圾堆了好几天没人清理，臭气熏天。';
    expect(normalize(s)).toBe(s);
  });

  it('turns full-width ASCII into half-width and lower-cases Latin', () => {
    expect(toHalfWidth('ＫＴＶ１２３　ａｂ')).toBe('KTV123 ab');
    expect(normalize('隔壁ＫＴＶ唱到凌晨２点')).toBe('隔壁ktv唱到凌晨2点');
  });

  it('masks phone numbers in their usual spellings', () => {
    for (const phone of ['13812345678', '138-1234-5678', '+86 138 1234 5678', '010-62345678', '0755 8888 6666'.replace(/ /g, '')]) {
      const out = normalize(`联系电话${phone}谢谢`);
      expect(out, phone).toContain('<phone>');
      expect(out, phone).not.toMatch(/\d{4}/);
    }
  });

  it('masks ID numbers (with X), case numbers and e-mail addresses', () => {
    expect(normalize('身份证11010519491231002X')).toBe('身份证 <idcard>');
    expect(normalize('身份证11010519491231002x')).toBe('身份证 <idcard>');
    expect(normalize('工单号2026112200123已办结')).toBe('工单号 <caseno> 已办结');
    expect(normalize('邮箱 Zhang.San@example.com')).toBe('邮箱 <email>');
  });

  it('masks plate numbers and house numbers but not metro lines or dates', () => {
    expect(normalize('粤B·12345的渣土车')).toBe('<plate> 的渣土车');
    expect(normalize('京A88888停在路口')).toBe('<plate> 停在路口');
    const addr = normalize('幸福路38号3栋2单元501室，坐地铁2号线，3月15号');
    expect(addr.match(/<house>/g)?.length).toBe(4);
    expect(addr).toContain('2号线');
    expect(addr).toContain('3月15号');
  });

  it('is idempotent, so stored (already normalised) corrections keep their placeholders', () => {
    for (const t of ['幸福路38号3栋，电话13812345678，粤B·12345', '樓道裡有煤氣味！！！😡 <i>快</i>', '工单2026112200123，邮箱 a.b@c.com']) {
      const once = normalize(t);
      expect(normalize(once), t).toBe(once);
    }
  });

  it('strips emoji, markup and punctuation noise but keeps clause punctuation', () => {
    expect(normalize('电梯又坏了😡😡！！！<b>快来人</b>……')).toBe('电梯又坏了 ！ 快来人 。');
    expect(normalize('怎么办？？？【紧急】')).toBe('怎么办？ 紧急');
  });
});

describe('features', () => {
  it('gives jieba words without stop words, plus character bigrams and trigrams', () => {
    const f = features('我们小区的垃圾桶满了');
    expect(f).toContain('w:垃圾桶');
    expect(f).toContain('b:垃圾');
    expect(f).toContain('t:垃圾桶');
    expect(f).not.toContain('w:的');
    expect(f).not.toContain('w:我们');
  });

  it('adds category-lexicon hits', () => {
    expect(features('路灯不亮')).toContain('k:0501');
    expect(features('路灯不亮', { lexicon: false })).not.toContain('k:0501');
  });

  it('turns masked data into placeholder features, never into digits', () => {
    const f = features('电话13812345678，车牌粤A·D6352');
    expect(f).toContain('m:<phone>');
    expect(f).toContain('m:<plate>');
    expect(f.join(' ')).not.toMatch(/1381|6352/);
  });

  it('lets a typo still overlap with the correct spelling through n-grams', () => {
    const typo = new Set(features('拉圾堆在路边好几天'));
    const right = features('垃圾堆在路边好几天');
    const shared = right.filter((x) => typo.has(x) && (x.startsWith('b:') || x.startsWith('t:')));
    expect(shared).toContain('b:圾堆');
    expect(shared.length).toBeGreaterThan(5);
  });

  it('traditional and simplified spellings of one appeal have the same features', () => {
    expect(features('電梯壞了，裡面有人被困')).toEqual(features('电梯坏了，里面有人被困'));
  });

  it('the id fast path and the string form intern to the same ids', () => {
    const norm = normalize('小区门口的井盖丢了，电话13800001111，晚上很危险');
    const viaStrings = FEATURES.encode(featuresOfNormalized(norm), true);
    const direct = encodeNormalized(norm, false);
    const asMap = (b: { ids: Int32Array; counts: Float64Array }) => new Map([...b.ids].map((id, i) => [id, b.counts[i]]));
    expect(asMap(direct)).toEqual(asMap(viaStrings));
  });
});
