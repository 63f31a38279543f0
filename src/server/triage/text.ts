/**
 * 文本规范化与特征抽取 — text normalisation and feature extraction for 12345 appeals.
 *
 * Real appeals arrive as operator transcripts, WeChat messages and web forms: mixed
 * traditional/simplified script, full-width digits, emoji, phone numbers and addresses.
 * Everything the model learns from goes through `normalize()` first so that the same
 * complaint written two ways produces the same features, and so that personal data
 * (phone, ID, plate …) never becomes a learned feature.
 */
import { readFileSync } from 'node:fs';
import OpenCC from 'opencc-js';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { lexiconFeatures, lexiconTerms } from './lexicon.ts';
import { stripFillers } from './fillers.ts';
import { buildHomophoneIndex, correctHomophones, CUE_WORDS, type HomophoneIndex } from './homophones.ts';

const jieba = Jieba.withDict(dict);

// 'twp' also maps Taiwan vocabulary (計程車→出租车, 網路→网络), not just glyphs; it
// leaves text that is already simplified untouched.
const toSimplified = OpenCC.Converter({ from: 'twp', to: 'cn' });

/** Placeholder tokens that replace personal or case-specific data. */
export const MASKS = {
  email: '<email>',
  idcard: '<idcard>',
  caseNo: '<caseno>',
  phone: '<phone>',
  plate: '<plate>',
  house: '<house>',
} as const;

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';

// Order matters: the longer, more specific numbers are masked before the generic ones,
// otherwise an 18-digit ID would be half-eaten by the phone pattern.
const MASK_RULES: Array<[RegExp, string]> = [
  [/[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g, MASKS.email],
  [/(?<!\d)\d{17}[\dx](?!\d)/g, MASKS.idcard],
  [/(?<!\d)20\d{11}(?!\d)/g, MASKS.caseNo],
  [/(?<![\d])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g, MASKS.phone],
  [/(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)/g, MASKS.phone],
  [new RegExp(`[${PROVINCES}][a-z][·•. -]?[a-z0-9]{5,6}(?![a-z0-9])`, 'g'), MASKS.plate],
  // 门牌/楼栋/房号: "12号楼", "3栋2单元501室", "38号". Kept as one token because the
  // location matters to dispatch but the particular number does not matter to the category.
  [/(?<![月\d])\d+(?:-\d+)*\s*(?:号楼|号院|栋|幢|单元|室|号(?!线))/g, MASKS.house],
];

const NAMES = Object.values(MASKS).map((m) => m.slice(1, -1)).join('|');
/** A '<' or '>' that is not part of one of our placeholders. */
const PLACEHOLDER_GUARD = new RegExp(`<(?!(?:${NAMES})>)|(?<!<(?:${NAMES}))>`, 'g');

const MARKUP = new RegExp(`<(?!(?:${NAMES})>)/?[a-z][^<>]{0,60}>`, 'g');

const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{FE0F}\u{200D}]/gu;

/** Full-width ASCII (ＡＢＣ１２３！) → half-width, ideographic space → space. */
export function toHalfWidth(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/**
 * Canonical form of an appeal: simplified script, half-width, lower-case Latin,
 * personal data masked, emoji removed and runs of punctuation collapsed.
 * Sentence punctuation is kept (as Chinese full stops/commas) because clause
 * boundaries matter to negation handling in urgency detection.
 */
export function normalize(text: string): string {
  return normalizeCall(text).norm;
}

/**
 * `normalize`, and whether the text was spoken: a transcript whose fillers or call opening had to be stripped
 * (喂/那个……/是12345吗). Written appeals and transcribed calls say what the caller wants in different words, so the
 * nature model keeps one reading for each (nature.ts).
 */
export function normalizeCall(text: string): { norm: string; spoken: boolean } {
  let s = toHalfWidth(text.normalize('NFC'));
  s = toSimplified(s).toLowerCase();
  // Web forms sometimes carry markup; drop it, but not our own placeholders, so that
  // normalising already-normalised text (stored corrections) changes nothing.
  s = s.replace(MARKUP, ' ').replace(EMOJI, ' ');
  for (const [re, token] of MASK_RULES) s = s.replace(re, ` ${token} `);
  s = s
    // Stray angle brackets would be mistaken for placeholder tokens further down.
    .replace(PLACEHOLDER_GUARD, ' ')
    .replace(/[!！]+/g, '！')
    .replace(/[?？]+/g, '？')
    .replace(/[,，、;；]+/g, '，')
    .replace(/[.。]{2,}|…+/g, '。')
    .replace(/[~～—_*#=+|^`"“”'‘’「」『』【】[\]()（）《》/\\-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // Sound-alike words first (nihao → 你好 is then a filler), fillers after punctuation is canonical, so they are
  // recognised before a pause.
  const heard = correctHomophones(s, homophoneIndex());
  const norm = stripFillers(heard);
  return { norm, spoken: norm !== heard };
}

let homophones: HomophoneIndex | undefined;
// The shipped appeals are correctly written: their words are the real words a correction must not touch.
const homophoneIndex = () =>
  (homophones ??= buildHomophoneIndex(
    [...lexiconTerms(), ...CUE_WORDS],
    readFileSync(new URL('./data/appeals.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => toSimplified((JSON.parse(l) as { text: string }).text)),
  ));

/**
 * Function words that carry no topical signal. Kept short on purpose: words such as
 * 没/不 or 有 look like noise but matter to nature and urgency, so only the clearly
 * empty ones are dropped from word features (character n-grams still see them).
 */
export const STOP_WORDS = new Set(
  (
    '的 了 着 过 地 得 之 我 我们 你 你们 他 他们 她 它 咱们 自己 请 麻烦 谢谢 您好 你好 ' +
    '吗 呢 啊 吧 呀 啦 哦 嗯 哈 么 嘛 和 与 及 或 也 就 都 还 又 很 太 挺 非常 特别 ' +
    '这 那 这个 那个 这里 那里 这样 那样 一个 一下 一些 是 在 把 被 给 让 对 从 到 ' +
    '为 向 跟 而 但 但是 所以 因为 如果 然后 现在 已经 一直 能 会 要 想 说 去 来 ' +
    '上 下 里 中 后 前 年 月 日 天 点 个 位 些'
  ).split(/\s+/),
);

const HAN = /[\u3400-\u9fff]/;
/** Han runs (digits folded to '#' so that "28路"/"6.8元" keep their shape). */
const SEGMENT = /[\u3400-\u9fff#]+|<[a-z]+>|[a-z][a-z0-9]*/g;

/** Feature families; the prefix keeps a word and an equal-looking bigram apart. */
export interface FeatureOptions {
  bigrams?: boolean;
  trigrams?: boolean;
  /** category lexicon hits `k:<code>` (lexicon.ts), default true */
  lexicon?: boolean;
}

/**
 * Receives the features of a text without building strings for them. Character n-grams
 * arrive as char codes: building and hashing a fresh "b:…" string per n-gram was the
 * single largest cost of classification.
 */
export interface FeatureVisitor {
  /** a jieba word or Latin token (family `w`) */
  word(w: string): void;
  bigram(a: number, b: number): void;
  trigram(a: number, b: number, c: number): void;
  /** a complete feature string from a small closed set: `m:<phone>`, `k:0501` … */
  token(f: string): void;
}

const MASK_FEATURES = new Map<string, string>(Object.values(MASKS).map((m) => [m, `m:${m}`]));

/**
 * Features of an already-normalised text: jieba words (minus stop words), plus character
 * bigrams and trigrams of each Han run, plus category-lexicon hits. Words carry meaning;
 * the n-grams make unseen wording, typos (拉圾/垃圾, 杨尘/扬尘) and segmentation mistakes
 * still overlap. Duplicates are reported each time (the vectoriser counts them).
 */
export function visitFeatures(norm: string, v: FeatureVisitor, opts: FeatureOptions = {}): void {
  const bigrams = opts.bigrams ?? true;
  const trigrams = opts.trigrams ?? true;
  const folded = norm.replace(/\d+(?:\.\d+)?/g, '#');
  for (const m of folded.matchAll(SEGMENT)) {
    const seg = m[0];
    if (seg.startsWith('<')) {
      v.token(MASK_FEATURES.get(seg) ?? `m:${seg}`);
      continue;
    }
    if (!HAN.test(seg) && seg !== '#') {
      v.word(seg);
      continue;
    }
    for (const w of jieba.cut(seg.replace(/#/g, ' '), false)) {
      const word = w.trim();
      if (word === '' || STOP_WORDS.has(word)) continue;
      v.word(word);
    }
    // Han runs are all in the BMP (see SEGMENT), so UTF-16 code units are characters.
    if (bigrams) for (let i = 0; i + 1 < seg.length; i++) v.bigram(seg.charCodeAt(i), seg.charCodeAt(i + 1));
    if (trigrams) {
      for (let i = 0; i + 2 < seg.length; i++) v.trigram(seg.charCodeAt(i), seg.charCodeAt(i + 1), seg.charCodeAt(i + 2));
    }
  }
  if (opts.lexicon ?? true) for (const f of lexiconFeatures(norm)) v.token(f);
}

/** The same features as strings: `w:垃圾`, `b:垃圾`, `t:垃圾堆`, `m:<phone>`, `k:0101`. */
export function featuresOfNormalized(norm: string, opts: FeatureOptions = {}): string[] {
  const out: string[] = [];
  visitFeatures(
    norm,
    {
      word: (w) => out.push(`w:${w}`),
      bigram: (a, b) => out.push(`b:${String.fromCharCode(a, b)}`),
      trigram: (a, b, c) => out.push(`t:${String.fromCharCode(a, b, c)}`),
      token: (f) => out.push(f),
    },
    opts,
  );
  return out;
}

/** `normalize` then `featuresOfNormalized`. */
export function features(text: string, opts?: FeatureOptions): string[] {
  return featuresOfNormalized(normalize(text), opts);
}
