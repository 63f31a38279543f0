import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | null = null;
const instance = () => (jieba ??= Jieba.withDict(dict));

/** Words that carry no matter in an enquiry: "怎么办理" asks about 办理, "我想问一下" about nothing. */
const stopwords = new Set(['怎么', '怎样', '如何', '什么', '哪里', '哪儿', '哪个', '多少', '需要', '要', '想', '问', '一下', '请问', '我', '你', '您', '的', '了', '吗', '呢', '吧', '啊', '在', '去', '和', '与', '及', '是', '有', '能', '可以', '办', '为', '给', '到', '这个', '那个', '咨询', '知道']);

const wordOnly = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** The words of an enquiry (jieba, precise mode), without stopwords and punctuation. */
export function queryTerms(text: string): string[] {
  return [...new Set(instance().cut(text, true).map(wordOnly).filter((w) => w && !stopwords.has(w)))];
}

/** Index words of a text: jieba's search mode adds the shorter words inside long ones (居住证 → 居住, 居住证). */
export function indexText(text: string): string {
  return instance().cutForSearch(text, true).map(wordOnly).filter(Boolean).join(' ');
}
