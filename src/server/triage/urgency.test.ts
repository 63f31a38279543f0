import { describe, expect, it } from 'vitest';
import { normalize } from './text.ts';
import { assessUrgency, findLifeSafetyCues } from './urgency.ts';

const urgent = (text: string, category?: { urgent: boolean }) => assessUrgency(normalize(text), category);

describe('urgency', () => {
  it('flags life-safety cues in any category', () => {
    for (const text of [
      '楼道里有很浓的煤气味',
      '路面塌陷了一个大坑',
      '电梯困人了，里面有小孩',
      '对面楼着火了，一直在冒烟',
      '路边的电线被风刮断了，垂到地面上',
      '有个小孩掉进河里了',
      '工地上有人从脚手架坠落',
      '停电了，我父亲在用制氧机',
      '樓道裡有煤氣味', // traditional script
    ]) {
      expect(urgent(text, { urgent: false }), text).toMatchObject({ urgent: true, reason: 'cue' });
    }
  });

  it('respects an explicit negation in the same clause', () => {
    for (const text of ['不是着火，是邻居在烧烤', '我们检查过了，没有闻到煤气味', '并非漏气，只是燃气表坏了', '未发现漏气']) {
      expect(urgent(text).urgent, text).toBe(false);
    }
  });

  it('does not mistake look-alike words for negation', () => {
    for (const text of ['没想到突然着火了', '是不是漏气了？', '楼下不停冒烟']) {
      expect(urgent(text).urgent, text).toBe(true);
    }
  });

  it('a negation in another clause does not cancel the cue', () => {
    expect(urgent('家里没有人，闻到很浓的煤气味').urgent).toBe(true);
  });

  it('ignores cues that describe pollution rather than fire', () => {
    expect(urgent('化工厂的烟囱冒烟，味道刺鼻').urgent).toBe(false);
    expect(urgent('楼下烧烤摊冒烟').urgent).toBe(false);
  });

  it('an urgent category is urgent even without cues', () => {
    expect(urgent('井盖松了', { urgent: true })).toEqual({ urgent: true, reason: 'category', cues: [] });
    expect(urgent('路灯坏了', { urgent: false })).toEqual({ urgent: false, reason: null, cues: [] });
  });

  it('reports each cue with its kind', () => {
    const hits = findLifeSafetyCues(normalize('闻到煤气味，好像还着火了'));
    expect(hits.map((h) => h.kind).sort()).toEqual(['fire', 'gas']);
  });
});
