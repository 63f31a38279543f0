/**
 * 主诉求 — picking the main request out of a call that raises two problems.
 *
 * Callers who mention a second matter say which one they are calling about: "……另外那个小事以后再说，先管这个",
 * "顺便说一下……不过那个是小事。今天打电话主要是……", "……这个先放一放。最要紧的是……". The words that say so
 * are the evidence, not the order: the main request may come first or last. Without such words the text is one
 * request (a long description of one problem mentions many things), so nothing is split.
 */

/** Brings up the main matter: what follows is the request. */
const PROMOTE = /(?:今天)?(?:打电话|来电|找你们)?(?:主要是|主要想说|最要紧的是|最主要的是|关键是|重点是|要紧的是)[，\s]*/;
/** Introduces a side matter: what follows is secondary. */
const SIDE = /(?:另外|顺便|还有就是|还有个事|还有一件事|还有一个事|再有就是|此外)(?:说一下|问一下|提一下|反映一下|还有)?(?:个|一个|件)?(?:小事|事)?[，\s]*/;
/** Demotes what was just said ("那个不急", "以后再说", "这个先放一放", "你们有空再看"). */
const DEMOTE = /[，。\s]*(?:不过)?(?:那个|这个)?(?:是小事|不急|先放一放|以后再说|回头再说|有空再看|你们有空再看|可以慢慢来|不着急)[，。！\s]*(?:以后再说[，。\s]*)?/;
/** Points back to the first matter as the one to handle ("先把这个管了", "先处理前面那个"). */
const BACK = /[，。\s]*(?:先(?:把这个|处理前面|管这个|把前面|解决前面|处理这个)[^，。！？]*)[，。！？\s]*/;

export interface MainRequest {
  main: string;
  /** the other matter, when the caller marked one */
  secondary?: string;
}

const clean = (s: string) => s.replace(BACK, '。').replace(/^[，。！？\s]+|[，\s]+$/g, '').trim();

/** Splits a normalised text into its main request and a marked secondary one; unmarked text is all main. */
export function selectMainRequest(norm: string): MainRequest {
  const promote = PROMOTE.exec(norm);
  if (promote && promote.index > 0) {
    const before = norm.slice(0, promote.index);
    let after = norm.slice(promote.index + promote[0].length);
    let tail = '';
    // a third part introduced after the main request is secondary too
    const side = SIDE.exec(after);
    if (side && side.index > 0) {
      tail = after.slice(side.index + side[0].length);
      after = after.slice(0, side.index);
    }
    const secondary = clean(`${before.replace(SIDE, '').replace(DEMOTE, '，')}${tail ? `，${tail.replace(DEMOTE, '，')}` : ''}`);
    return withSecondary(clean(after), secondary, norm);
  }
  const side = SIDE.exec(norm);
  if (side && side.index > 0) {
    const main = norm.slice(0, side.index);
    const rest = norm.slice(side.index + side[0].length);
    // "……另外 B，那个不急，先把这个管了" — B is secondary; a text after a demotion goes back to the main request
    const demote = DEMOTE.exec(rest);
    const secondary = demote ? rest.slice(0, demote.index) : rest;
    const more = demote ? clean(rest.slice(demote.index + demote[0].length)) : '';
    return withSecondary(clean(`${main}${more ? `，${more}` : ''}`), clean(secondary), norm);
  }
  const demote = DEMOTE.exec(norm);
  if (demote && demote.index > 0) {
    const after = clean(norm.slice(demote.index + demote[0].length));
    if (after.length >= 4) return withSecondary(after, clean(norm.slice(0, demote.index).replace(SIDE, '')), norm);
  }
  return { main: norm };
}

/** Only a split whose both sides say something counts; otherwise the caller was not raising two matters. */
function withSecondary(main: string, secondary: string, whole: string): MainRequest {
  if (main.length < 4 || secondary.length < 4) return { main: whole };
  return { main, secondary };
}
