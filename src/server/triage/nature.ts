/**
 * 诉求性质 — nature of an appeal: 咨询 consult, 求助 help, 投诉 complaint, 举报 report,
 * 建议 suggest, 表扬 praise.
 *
 * Nature is mostly carried by a handful of function phrases (请问…吗 / 请尽快… /
 * 投诉了多次… / 有人偷偷… / 建议… / 感谢…) rather than by topic words, so the learned
 * softmax model (same machinery as the category model) gets extra cue features on top
 * of the ordinary text features. Cues are soft evidence whose weight is learned —
 * "谢谢" at the end of a request is politeness, not praise. Only an explicit
 * self-declaration ("我要举报", "特此表扬") overrides the model.
 */
import type { Nature } from '../taxonomy/taxonomy.ts';
import { FEATURES, joinBags, type Bag } from './features.ts';
import { TextModel, type ModelOptions, type Ranked, type TextModelSnapshot } from './model.ts';

export type NatureCode = Nature['code'];

export const NATURE_CODES: readonly NatureCode[] = ['consult', 'help', 'complaint', 'report', 'suggest', 'praise'];

/**
 * 性质线索 — named cue patterns, run on normalised text. Each becomes its own feature
 * `cue:<name>` so the model can weight "repeated complaint" and "bad attitude" separately
 * rather than as one lump; `nature` documents which nature a cue mostly signals.
 */
export const NATURE_CUES: ReadonlyArray<{ name: string; nature: NatureCode; pattern: RegExp }> = [
  { name: 'ask', nature: 'consult', pattern: /请问|想问|咨询|想了解|了解一下/ },
  { name: 'how', nature: 'consult', pattern: /怎么(办理|申请|办|查|领|交|缴|算|补办|转|认定|判断|投诉|维权|报名)|如何/ },
  { name: 'where', nature: 'consult', pattern: /在哪(里|儿)?|去哪(里|儿)?|哪个部门|找谁|找哪/ },
  { name: 'need', nature: 'consult', pattern: /需要(哪些|什么|多少)|要带什么|什么条件|什么材料|什么手续/ },
  { name: 'when', nature: 'consult', pattern: /什么时候|多久|多长时间/ },
  { name: 'is-it', nature: 'consult', pattern: /合法吗|正常吗|算不算|是不是|能不能.{0,12}[吗？]|可以.{0,12}吗|有没有.{0,12}[吗？]|会不会/ },
  { name: 'what-now', nature: 'help', pattern: /怎么办|该怎么/ },
  { name: 'who-handles', nature: 'consult', pattern: /归(哪|谁)|哪个部门管|是不是可以找|该找谁|找哪个|要多久|多长时间能/ },
  { name: 'arrange', nature: 'help', pattern: /(给|帮)(我们)?(协调|处理|解决|看看|弄)|越快越好|帮帮忙|实在没办法|派人|找人(过)?来|来人|安排人/ },
  { name: 'please-act', nature: 'help', pattern: /请.{0,8}(尽快|马上|赶紧|赶快|派人|安排|协调|处理|来人|督促|帮忙|清理|清运|维修|修|疏通|救|调解|查|看看)/ },
  { name: 'help', nature: 'help', pattern: /求助|帮忙|帮帮|帮我|请求|救援|救命|麻烦/ },
  { name: 'hurry', nature: 'help', pattern: /尽快|马上|赶紧|赶快|立刻|紧急/ },
  { name: 'complain', nature: 'complaint', pattern: /投诉|不满|意见很大/ },
  { name: 'again', nature: 'complaint', pattern: /好几次|多次|反映了|投诉了|举报了|报了.{0,4}次|一直没|至今|到现在|还是没|也没人|照样/ },
  { name: 'still', nature: 'complaint', pattern: /这都多久了|还是这样|老样子|一点没变|等了这么久/ },
  { name: 'bad', nature: 'complaint', pattern: /太差|恶劣|推诿|扯皮|不耐烦|不负责|凭什么|受不了|太过分|没人管|不管|不处理|不作为|不理/ },
  { name: 'report', nature: 'report', pattern: /举报/ },
  { name: 'someone', nature: 'report', pattern: /有人|一伙人|几个人|有家|一家|有个|某/ },
  { name: 'illicit', nature: 'report', pattern: /偷偷|私自|擅自|违规|违法|非法|无证|冒充|怀疑|疑似|可疑|线索|拍到|照片|视频/ },
  { name: 'investigate', nature: 'report', pattern: /查一查|查一下|查处|取缔|严查|依法处理|管管/ },
  { name: 'suggest', nature: 'suggest', pattern: /建议|提议/ },
  { name: 'should', nature: 'suggest', pattern: /我觉得应该|应该(增加|增设|设|加强|多)|能不能设|设个专人|纳入|定期(来)?巡查|统筹/ },
  { name: 'hope', nature: 'suggest', pattern: /希望.{0,10}(增加|增设|设置|加强|规划|开通|延长|公布|统一|安装|多)|能不能.{0,8}(增加|增设|设置|开通|改成|多)/ },
  { name: 'praise', nature: 'praise', pattern: /表扬|点赞|赞扬|锦旗|辛苦了|特此/ },
  { name: 'thanks-first', nature: 'praise', pattern: /^(非常|特别|真心)?(感谢|谢谢)/ },
  { name: 'thanks-who', nature: 'praise', pattern: /(感谢|谢谢).{0,12}(师傅|民警|工作人员|同志|老师|医生|大队|支队|中心|局|所|部门|政府|社区|调解员)/ },
  { name: 'resolved', nature: 'praise', pattern: /修好了|解决了|处理好了|干净多了|好多了|方便多了|安心多了|畅通多了|宽敞多了/ },
];

/**
 * The nature model's own feature weighting: cues dominate, topic words matter less and
 * the category lexicon not at all (a 井盖 can be reported, complained about or asked about).
 */
export const NATURE_FAMILY_WEIGHTS = { w: 1, b: 1, t: 0.3, m: 0, k: 0, cue: 5 };

/**
 * Self-declared nature that overrides the model: the caller said what they are doing. Praise also when thanks
 * follow a problem solved ("……很快就处理好了，真心感谢"): a caller who thanks for a fix is not asking for one.
 * 举报 is wrongdoing by someone else, 投诉 dissatisfaction with a service or its handling: each only when said.
 */
const EXPLICIT: Array<[RegExp, NatureCode]> = [
  [/(我|特此|实名)(要|想|来)?举报|举报一下/, 'report'],
  [/(特此|我要|我想|提出|来)表扬|^表扬|表扬一下|点个赞|给.{0,8}点赞|送(面)?锦旗/, 'praise'],
  [/(感谢|谢谢|辛苦了).{0,30}$/, 'praise-if-resolved' as NatureCode],
  [/(我|特此)(要|想|来)?投诉/, 'complaint'],
  [/我(有个|提个|提一个)?建议|提个建议|我的建议是/, 'suggest'],
];
/** A clerk's note while the caller talks: place and problem, nothing else ("建设路口 路灯不亮", "井盖没了。地址…"). */
const CLERK_NOTE = /^[^，。！？\s]{2,12}[，\s][^，。！？\s]{2,12}[。]?$|^[^，。！？]{2,14}。地址[^，。！？]{2,14}$/;
const RESOLVED = /处理好了|解决了|修好了|弄好了|清走了|恢复了|(处理|解决|修)得.{0,4}(及时|快)|很快就|当天就|第二天就/;
/** "我不是来投诉的" is the opposite of a complaint: the words must not count as one. */
const NEGATED = /不是(来|要|想)?(投诉|举报)的?/g;

// A caller's closing words say what they want; emotion after them ("唉，说起来就心烦") is not the request.
const EMOTION = /气死人了|崩溃了|心烦|吓人了|受不了了/;
function withoutEmotionTail(text: string): string {
  const parts = text.split(/(?<=[，。！？])/);
  while (parts.length > 1 && parts.at(-1)!.length <= 12 && EMOTION.test(parts.at(-1)!)) parts.pop();
  return parts.join('').replace(/[，]$/, '');
}

export function natureCueFeatures(norm: string): string[] {
  const text = norm.replace(NEGATED, '');
  const out: string[] = [];
  for (const cue of NATURE_CUES) if (cue.pattern.test(text)) out.push(`cue:${cue.name}`);
  const core = withoutEmotionTail(text);
  // A question mark is the single strongest sign of 咨询, but only if the text ends on one
  // (a rhetorical "到底管不管？" mid-complaint is common).
  if (/[？?吗]\s*$/.test(core)) out.push('cue:ends-question');
  return out;
}

export function explicitNature(norm: string): NatureCode | undefined {
  const text = norm.replace(NEGATED, '');
  for (const [re, code] of EXPLICIT) {
    if (!re.test(text)) continue;
    if ((code as string) === 'praise-if-resolved') {
      if (RESOLVED.test(text)) return 'praise';
      continue;
    }
    return code;
  }
  return undefined;
}

export interface NaturePrediction {
  code: NatureCode;
  confidence: number;
  ranked: Ranked[];
  /** true when an explicit self-declaration decided it */
  explicit: boolean;
}

export interface NatureExample {
  norm: string;
  bag: Bag;
  nature: NatureCode;
  /** a transcribed call (normalizeCall) */
  spoken?: boolean;
  /** a row of the call-style training set (calls-train.jsonl) */
  callStyle?: boolean;
}

/**
 * Nature classifier: TextModel over text features + cue features, with two readings. Written appeals and
 * transcribed calls put what the caller wants differently: a written appeal describing someone else's wrongdoing is
 * labelled 举报 even without the word, a call is 举报 when the caller says so. One model for both let the call-style
 * rows (two thirds of the corpus) move the written appeals' nature (84.6% → 81.3% on the shipped holdout), so the
 * written reading learns from written appeals only and the spoken one from calls; a text is read by the one its
 * kind names (spoken: fillers had to be stripped). Without call-style training rows there is one reading.
 */
export class NatureModel {
  private model: TextModel;
  private spokenModel: TextModel | undefined;
  temperature = 1;

  constructor(private readonly opts: ModelOptions = {}) {
    this.model = this.fresh();
  }

  private fresh(): TextModel {
    return new TextModel(NATURE_CODES, { familyWeights: NATURE_FAMILY_WEIGHTS, ...this.opts });
  }

  snapshot(): { model: TextModelSnapshot; spoken?: TextModelSnapshot; temperature: number } {
    return { model: this.model.snapshot(), ...(this.spokenModel ? { spoken: this.spokenModel.snapshot() } : {}), temperature: this.temperature };
  }

  static restore(s: { model: TextModelSnapshot; spoken?: TextModelSnapshot; temperature: number }): NatureModel {
    const n = new NatureModel();
    n.model = TextModel.restore(s.model);
    n.spokenModel = s.spoken ? TextModel.restore(s.spoken) : undefined;
    n.temperature = s.temperature;
    return n;
  }

  train(examples: readonly NatureExample[]): this {
    const labelled = (list: readonly NatureExample[]) => list.map((e) => ({ bag: withCues(e.norm, e.bag), label: e.nature }));
    if (!examples.some((e) => e.callStyle)) {
      this.model.train(labelled(examples));
      this.spokenModel = undefined;
      return this;
    }
    this.model.train(labelled(examples.filter((e) => !e.callStyle)));
    this.spokenModel = this.fresh().train(labelled(examples.filter((e) => e.callStyle || e.spoken)));
    return this;
  }

  private reading(spoken: boolean): TextModel {
    return spoken && this.spokenModel ? this.spokenModel : this.model;
  }

  logits(norm: string, bag: Bag, spoken = false): Float64Array {
    return this.reading(spoken).logits(withCues(norm, bag));
  }

  predict(norm: string, bag: Bag, spoken = false): NaturePrediction {
    const cues = natureCueFeatures(norm);
    const ranked = this.reading(spoken).rank(joinBags(bag, FEATURES.encode(cues, true)), this.temperature);
    const explicit = explicitNature(norm);
    if (explicit) return { code: explicit, confidence: 1, ranked, explicit: true };
    // "建设路口，路灯不亮": a bare problem with an address and no word about what the caller wants is a
    // request to fix it (求助); the model, trained on full appeals, would guess from the topic.
    if (cues.length === 0 && CLERK_NOTE.test(norm)) return { code: 'help', confidence: ranked.find((r) => r.label === 'help')!.p, ranked, explicit: false };
    const top = ranked[0]!;
    return { code: top.label as NatureCode, confidence: top.p, ranked, explicit: false };
  }

  learn(norm: string, bag: Bag, nature: NatureCode, spoken = false): void {
    this.reading(spoken).learn(withCues(norm, bag), nature);
  }

  retrain(): void {
    this.model.retrain();
    this.spokenModel?.retrain();
  }
}

// Cue features form a small closed set, so interning them (grow = true) cannot leak.
function withCues(norm: string, bag: Bag): Bag {
  return joinBags(bag, FEATURES.encode(natureCueFeatures(norm), true));
}
