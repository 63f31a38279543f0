/**
 * 同音纠错 — voice-to-text homophone errors, corrected against the domain vocabulary by sound.
 *
 * A transcribed call writes a word with the wrong characters of the same sound: 路等 for 路灯, 再哪 for 在哪,
 * 然气 for 燃气, 小曲 for 小区, or spells it out in pinyin (dianti, ludeng). Character n-grams cannot match those,
 * so before features are taken every window of the text whose toneless pinyin equals a vocabulary term's is
 * rewritten to that term. The vocabulary is the category lexicon and descriptions (lexicon.ts, concepts.ts) plus
 * the words nature cues need; no table of known misspellings, so an error never seen still corrects.
 *
 * Guard against turning one real word into another: a Han window must share at least one character with the
 * term in the same place (路等/路灯, 拉圾/垃圾), and terms a caller could equally mean with other characters are
 * left out (see AMBIGUOUS). Syllables are per character, without context; 行 is always xing, which is
 * consistent on both sides, so it does not matter.
 */
import { dict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';

/** Words the nature cues and fillers look for, beyond the category vocabulary. */
export const CUE_WORDS = [
  '反映', '投诉', '举报', '表扬', '处理', '派人', '麻烦', '尽快', '小区', '你好', '您好', '请问', '咨询',
  '建议', '感谢', '谢谢', '师傅', '工作人员', '解决', '修好', '赶紧', '帮忙', '怎么办', '哪个部门', '多久', '物业', '楼道',
];

/**
 * Real words that sound like a vocabulary term (事业/失业, 调节/调解, 过度/过渡 …): never rewritten, and never
 * rewritten to. A function character (以 in 可以, 和 in 和里面) is never replaced either: 可以 must not become 可疑.
 */
const AMBIGUOUS = new Set(['公式', '公事', '事故', '实施', '事业', '实业', '无业', '调节', '过度', '受益', '连接', '登机', '打假', '和面', '露面', '一生', '表现', '开户', '大车']);
const FUNCTION_CHARS = new Set(Array.from('的地得了着过和与在再是有一不没我你他她它这那哪就也都要会可以上下里中把被给让对从到为又还很太吧吗呢啊'));

/**
 * A replaced character that forms a common word with its neighbour outside the window was heard right: 的施|工 is
 * 的施工 (not 的士), 大灯干|活 is 干活 (not 灯杆). Common: a two-character word of jieba's dictionary at or above
 * this frequency, neither character a function word (路等|了 still corrects).
 */
const NEIGHBOUR_WORD_FREQUENCY = 300;
let commonPairs: Set<string> | undefined;
function isCommonPair(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || FUNCTION_CHARS.has(a) || FUNCTION_CHARS.has(b)) return false;
  if (!commonPairs) {
    commonPairs = new Set();
    for (const line of Buffer.from(dict).toString('utf8').split('\n')) {
      const [word, freq] = line.split(' ');
      if (word?.length === 2 && Number(freq) >= NEIGHBOUR_WORD_FREQUENCY) commonPairs.add(word);
    }
  }
  return commonPairs.has(a + b);
}

const syllableIds = new Map<string, number>();
const charSyllable = new Map<number, number>();

function syllableId(s: string): number {
  let id = syllableIds.get(s);
  if (id === undefined) {
    id = syllableIds.size + 1;
    syllableIds.set(s, id);
  }
  return id;
}

/** Toneless syllable id of one Han character (0 for anything else); pinyin-pro is asked once per character. */
export function syllableOf(code: number): number {
  let id = charSyllable.get(code);
  if (id === undefined) {
    const ch = String.fromCharCode(code);
    id = code >= 0x3400 && code <= 0x9fff ? syllableId(pinyin(ch, { toneType: 'none', v: true })) : 0;
    charSyllable.set(code, id);
  }
  return id;
}

const BASE = 1024;
/** number of syllables in a key (ids are ≥ 1, so no leading zeros) */
const keyLength = (key: number) => {
  let n = 1;
  while (key >= BASE ** n) n++;
  return n;
};
const keyOf = (ids: ArrayLike<number>, from: number, len: number) => {
  let k = 0;
  for (let j = 0; j < len; j++) k = k * BASE + ids[from + j]!;
  return k;
};

export interface HomophoneIndex {
  /** length → syllable key → term */
  byLength: Map<number, Map<number, string>>;
  /** "dianti" → 电梯 */
  latin: Map<string, string>;
  maxLength: number;
  /** sound-alike windows that occur in correctly written text: real words, never corrected (小饭 of 小饭馆) */
  real: Set<string>;
  /** first syllables of the terms: most characters start none, and are skipped at once */
  starts: Set<number>;
}

/**
 * Builds the sound index of a vocabulary (terms of 2–4 Han characters; a sound shared by two terms is dropped).
 * `written` is correctly written text (the training appeals): any window of it that sounds like a term but is
 * spelled otherwise is a real word (满意 beside 满溢, 接了 beside 借了) and is left alone.
 */
export function buildHomophoneIndex(terms: Iterable<string>, written: Iterable<string> = []): HomophoneIndex {
  const byLength = new Map<number, Map<number, string>>();
  const latin = new Map<string, string>();
  const clash = new Set<string>();
  let maxLength = 0;
  for (const term of new Set(terms)) {
    if (!/^[\u3400-\u9fff]{2,4}$/.test(term) || AMBIGUOUS.has(term)) continue;
    const ids = Array.from(term, (c) => syllableOf(c.charCodeAt(0)));
    const key = keyOf(ids, 0, ids.length);
    const map = byLength.get(term.length) ?? new Map<number, string>();
    byLength.set(term.length, map);
    const seen = map.get(key);
    if (seen !== undefined && seen !== term) clash.add(`${term.length}:${key}`);
    else map.set(key, term);
    const spelled = pinyin(term, { toneType: 'none', v: true, separator: '' }).replace(/\s+/g, '');
    if (spelled.length >= 5) latin.set(spelled, term);
    maxLength = Math.max(maxLength, term.length);
  }
  for (const c of clash) {
    const [len, key] = c.split(':');
    byLength.get(Number(len))!.delete(Number(key));
  }
  const starts = new Set<number>();
  for (const map of byLength.values()) for (const key of map.keys()) starts.add(Math.floor(key / BASE ** (keyLength(key) - 1)));
  const real = new Set<string>();
  for (const text of written) {
    const ids = Array.from(text, (c) => syllableOf(c.charCodeAt(0)));
    for (const [len, map] of byLength) {
      for (let i = 0; i + len <= ids.length; i++) {
        let gap = false;
        for (let j = 0; j < len; j++) if (ids[i + j] === 0) gap = true;
        if (gap) continue;
        const term = map.get(keyOf(ids, i, len));
        const window = text.slice(i, i + len);
        if (term !== undefined && term !== window) real.add(window);
      }
    }
  }
  return { byLength, latin, maxLength, real, starts };
}

/**
 * Rewrites sound-alike windows of a normalised text to the vocabulary term, longest first, and pinyin words that
 * spell a term to its characters. Text already written correctly is returned unchanged.
 */
export function correctHomophones(norm: string, index: HomophoneIndex): string {
  let s = norm;
  if (/[a-z]{5,}/.test(s)) s = s.replace(/[a-z]{5,}/g, (w) => index.latin.get(w) ?? w);
  const n = s.length;
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = syllableOf(s.charCodeAt(i));
  let out = '';
  let i = 0;
  while (i < n) {
    let replaced = false;
    if (ids[i] !== 0 && index.starts.has(ids[i]!)) {
      for (let len = Math.min(index.maxLength, n - i); len >= 2; len--) {
        let ok = true;
        for (let j = 1; j < len; j++) if (ids[i + j] === 0) ok = false;
        if (!ok) continue;
        const term = index.byLength.get(len)?.get(keyOf(ids, i, len));
        if (term === undefined) continue;
        const window = s.slice(i, i + len);
        if (window !== term) {
          if (AMBIGUOUS.has(window) || index.real.has(window)) continue;
          let same = 0;
          let fn = false;
          for (let j = 0; j < len; j++) {
            if (window[j] === term[j]) same++;
            else if (FUNCTION_CHARS.has(window[j]!)) fn = true;
          }
          if (fn || same * 2 < len) continue;
          if (window[0] !== term[0] && isCommonPair(s[i - 1], window[0])) continue;
          if (window[len - 1] !== term[len - 1] && isCommonPair(window[len - 1], s[i + len])) continue;
        }
        out += term;
        i += len;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}
