/**
 * 口语填充词 — speech fillers in operator transcripts of 12345 calls.
 *
 * A transcribed call is full of 嗯/呃/那个/就是说 and stutters (我我我, 这个这个) that
 * carry no topical signal but crowd out the real words in n-gram features. Only fillers
 * that stand alone (at a clause start, or before a pause) are removed, because 那个/这个
 * in "那个路灯" is a demonstrative that belongs to the sentence.
 */

// Pure interjections: never part of a complaint's content.
const INTERJECTIONS = /[嗯呃额唔哦噢诶欸哎]+[，。,\s]*/g;
// Discourse fillers, removed only at a clause start or right before a pause. 这个/那个 stay before a word they
// determine as a time or a count (这个月, 那个时候, 这个人): dropping those changes what the caller said.
const DISCOURSE = '就是说|怎么说呢|然后呢|那个那个|这个这个|(?:那个|这个)(?![月星礼时事人点周])|就是|然后|对吧|你知道吧|喂+|你好|您好';
// A call's opening formula: "是12345吗？", "能听见吗？", "我说一下".
const OPENING = /(^|[，。！？\s])(?:(?:是\s?12345吗|能听见吗|听得见吗|我说一下|我想说个情况)[，。？！\s]*)+/g;
const AT_CLAUSE_START = new RegExp(`(^|[，。！？,\\s])(?:(?:${DISCOURSE})[，,\\s]*)+`, 'g');
const BEFORE_PAUSE = new RegExp(`(?:${DISCOURSE})(?=[，。！？,])`, 'g');
// Stutters: the same 1–2 characters said three or more times ("我我我", "那个那个那个").
const STUTTER = /(\p{Script=Han}{1,2}?)\1{2,}/gu;

/** Removes speech fillers and stutters from simplified, lower-cased text. */
export function stripFillers(text: string): string {
  return text
    .replace(STUTTER, '$1')
    .replace(INTERJECTIONS, '')
    .replace(OPENING, '$1')
    .replace(AT_CLAUSE_START, '$1')
    .replace(BEFORE_PAUSE, '')
    // a filler before "……" leaves "，。" behind
    .replace(/([，。！？])[，。]+/g, '$1')
    .replace(/^[，。！？\s]+/, '');
}
