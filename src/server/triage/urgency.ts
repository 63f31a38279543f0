/**
 * 紧急判定 — is this appeal urgent (紧急件)?
 *
 * Urgent when the category itself is flagged urgent in the taxonomy (井盖缺失, 燃气泄漏 …)
 * OR the text carries a life-safety cue whatever the category: a fallen tree that
 * trapped someone, a power cut where someone relies on an oxygen machine. Cues are
 * deliberately few and concrete; a long fuzzy list would make everything urgent and
 * the flag would stop being read. Cheap negation handling ("不是着火", "没有闻到煤气味")
 * avoids the commonest false alarm: callers who explicitly rule the danger out.
 */

export interface Cue {
  /** short label used in explanations, e.g. 'fire' */
  kind: string;
  pattern: RegExp;
  /** the cue does not count when its clause matches this (烟囱冒烟 is pollution, not fire) */
  unless?: RegExp;
}

/** 生命安全线索. Patterns run on normalised (simplified, lower-case) text. */
export const LIFE_SAFETY_CUES: readonly Cue[] = [
  { kind: 'gas', pattern: /(燃气|煤气|天然气|液化气)(泄漏|泄露|漏了|外泄)|漏气|(煤气|燃气|天然气|液化气)味|臭鸡蛋(一样的|似的)?(气)?味/g },
  { kind: 'collapse', pattern: /塌陷|塌方|坍塌|倒塌|塌了|塌下|陷下去/g },
  { kind: 'trapped', pattern: /被困|困人|困在|关在电梯/g },
  { kind: 'fire', pattern: /着火|起火|失火|火灾|冒烟|明火|爆炸|火苗窜/g, unless: /烟囱|油烟|排烟|炊烟|烧烤/ },
  { kind: 'electric', pattern: /触电|漏电|电线.{0,8}(垂|掉|落)(到|在)?地/g },
  { kind: 'drowning', pattern: /落水|溺水|掉进(河|湖|水|江)/g },
  { kind: 'fall', pattern: /坠落|坠楼|跳楼|高空坠物|往下坠|下坠/g },
  { kind: 'oxygen', pattern: /制氧机|呼吸机/g },
];

// A negator in the same clause, at most a few characters before the cue
// ("没有闻到煤气味", "不是着火", "未发现漏气"). Clause = since the last punctuation.
const NEGATION = /(不是|并非|没有|没|未|无|不像|排除|不存在)[^不没未无]{0,4}$/;
// Look like negators but are not: 没想到 (didn't expect), 无法 (unable), 不停/不断 (keeps on) …
const FALSE_NEGATION = /没想到|没多久|无法|没法|不停|不断|是不是|有没有|会不会/;
const CLAUSE_BREAK = /[，。！？,.!?;；\n]/;

export interface CueHit {
  kind: string;
  text: string;
  negated: boolean;
}

/** All life-safety cues in a normalised text, each marked negated or not. */
export function findLifeSafetyCues(norm: string): CueHit[] {
  const hits: CueHit[] = [];
  for (const cue of LIFE_SAFETY_CUES) {
    for (const m of norm.matchAll(cue.pattern)) {
      const start = m.index ?? 0;
      let from = start;
      while (from > 0 && !CLAUSE_BREAK.test(norm[from - 1]!)) from--;
      const clause = norm.slice(from, start);
      if (cue.unless?.test(clause)) continue;
      const negated = NEGATION.test(clause) && !FALSE_NEGATION.test(clause.slice(-6) + m[0]);
      hits.push({ kind: cue.kind, text: m[0], negated });
    }
  }
  return hits;
}

export interface Urgency {
  urgent: boolean;
  /** 'category' when the taxonomy says so, 'cue' when only the text does */
  reason: 'category' | 'cue' | null;
  /** the non-negated cues found */
  cues: string[];
}

/** Urgent = the category is urgent OR a non-negated life-safety cue is present. */
export function assessUrgency(norm: string, category?: { urgent: boolean }): Urgency {
  const cues = findLifeSafetyCues(norm)
    .filter((h) => !h.negated)
    .map((h) => h.text);
  if (category?.urgent) return { urgent: true, reason: 'category', cues };
  if (cues.length > 0) return { urgent: true, reason: 'cue', cues };
  return { urgent: false, reason: null, cues };
}
