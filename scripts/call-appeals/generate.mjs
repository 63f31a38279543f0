// Builds the call-style triage sets (#20) from scenes.mjs: speech framing, fillers, a second problem, traditional
// script, voice-to-text homophones, pinyin/English words and address-only texts. Deterministic (seeded).
//   node scripts/call-appeals/generate.mjs   → src/server/triage/data/calls-dev.jsonl, calls-dev2.jsonl, calls-test.jsonl, calls-train.jsonl
// Dev rows come only from the `dev` scenes of scenes.mjs, dev2 rows from its `dev2` scenes (the test part until
// 2026-12-04) and test rows only from scenes-fresh.mjs, written blind, so no test scene is ever seen while tuning;
// none of these files is trained on. Train rows come only from train-scenes.mjs (their own scenes, a
// second problem drawn from train scenes too) and carry their scene id for grouped cross-validation. The train
// part is built after the other two with its own seed, so adding it left calls-dev and calls-test byte-identical.
import { writeFileSync } from 'node:fs';
import OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { SCENES } from './scenes.mjs';
import { FRESH } from './scenes-fresh.mjs';
import { TRAIN_SCENES } from './train-scenes.mjs';

let seed = 20261202;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const chance = (p) => random() < p;
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

const PLACES = ['幸福路和建设街交叉口', '和平里小区', '东风路菜市场那边', '新华街道光明社区', '人民公园南门', '滨河路', '金桥花园', '解放大道地铁站附近', '城南老街', '阳光家园三期', '北郊工业园旁边', '学府路小学门口', '长江路', '朝阳街道', '西湖村', '红旗路公交站'];
const OPENERS = ['喂，你好，', '喂喂，是12345吗？', '你好，那个，是这样的，', '嗯……我想反映个事儿，', '哎你好，就是说，', '喂？能听见吗？我说一下，', '你好你好，', '您好，我想说个情况，', '', '', '喂，那个那个，'];
const SELF = ['我住在{p}，', '我们{p}这边，', '{p}这块，', '我在{p}，', '就是{p}那里，', ''];
const EMOTION = ['真的是气死人了！', '我都快崩溃了。', '太吓人了。', '唉，说起来就心烦。', '', '', '', ''];
const FILLER_MID = ['那个……', '就是，就是', '嗯，', '怎么说呢，', '然后呢，'];

/** closers per nature; the scene decides the category, the closer (or framing) the nature */
const FRAMES = {
  help: [(d) => `${d}，麻烦你们尽快派人来处理一下吧。`, (d) => `${d}，能不能赶紧找人过来看看？`, (d) => `${d}，我们自己实在没办法，帮帮忙吧。`, (d) => `${d}，你们给协调一下，越快越好。`, (d) => `${d}，请安排人来弄一下，谢谢啊。`],
  complaint: [(d) => `${d}，都反映好几回了，一直没人管。`, (d) => `${d}，这都多久了还是这样，太不负责任了！`, (d) => `${d}，上次打电话说会处理，到现在也没动静，我对这个很不满意。`, (d) => `${d}，打了三次电话了，到现在都没解决，到底管不管？`, (d) => `${d}，说了多少次了照样这样，我要投诉。`],
  consult: [(d) => `${d}，想问一下这种情况归哪个部门管？`, (d) => `${d}，这个一般要多久能处理好啊？`, (d) => `${d}，我想咨询一下该找谁？`, (d) => `${d}，请问我这种情况要怎么办理？`, (d) => `${d}，这个是不是可以找你们？`],
  report: [(d) => `我要举报，${d}。`, (d) => `我反映个线索，${d}，你们查一查。`, (d) => `${d}，我拍了照片，这种违规的事你们得管管。`, (d) => `我实名举报一下，${d}，已经好长时间了。`, (d) => `${d}，我怀疑他们是故意的，希望你们去查处。`],
  suggest: [(d) => `${d}，我建议相关部门定期来巡查一下，别每次都等人打电话。`, (d) => `${d}，提个建议，能不能把这块纳入日常管理？`, (d) => `${d}，我觉得应该增加一些人手，希望能统筹规划一下。`, (d) => `${d}。我有个建议，能不能设个专人负责这一片？`],
  praise: [(d) => `之前我们那儿${d}，打了电话第二天就有人来弄好了，特别感谢那几位师傅，表扬一下。`, (d) => `我不是来投诉的，上个月${d}，你们很快就处理好了，真心感谢工作人员。`, (d) => `想给你们点个赞，上回${d}，反映以后当天就解决了，辛苦了！`, (d) => `上周${d}，后来你们派人处理得特别及时，我们全楼的人都很感谢，我要表扬他们。`],
};
const SUGGEST_OWN = { '1203': true, '1201': true };

// voice-to-text errors: a wrong character of the same sound (在/再, 的/得, 路等 for 路灯 …)
const HOMOPHONES = [['路灯', '路等'], ['在哪', '再哪'], ['垃圾', '拉圾'], ['反映', '反应'], ['噪音', '造音'], ['停电', '停店'], ['漏水', '露水'], ['燃气', '然气'], ['电梯', '电体'], ['下水', '下水'], ['小区', '小曲'], ['处理', '除理'], ['派人', '排人'], ['暖气', '暖器'], ['井盖', '井改'], ['投诉', '头诉'], ['举报', '举抱'], ['表扬', '表洋'], ['摆摊', '摆滩'], ['的', '得'], ['再', '在'], ['油烟', '油盐'], ['报销', '报消'], ['施工', '石工'], ['物业', '无业'], ['灯', '登'], ['盖子', '盖字'], ['梯子', '题子']];
// pinyin or English for a word, as a caller or an input method leaves it
const LATIN = [['电梯', 'dianti'], ['路灯', 'ludeng'], ['井盖', 'jinggai'], ['垃圾', 'laji'], ['物业', 'wuye'], ['手机', '手机app'], ['网上', '网上app'], ['充电', '充电wifi'], ['好的', 'ok'], ['没有', 'no'], ['噪音', 'zaoyin'], ['停电', 'tingdian'], ['社保', 'shebao'], ['医保', 'yibao'], ['外卖', '外卖app'], ['暖气', 'nuanqi']];

function speechify(desc) {
  let d = desc;
  // a filler or a repetition somewhere inside the description
  if (chance(0.5)) {
    const cut = d.indexOf('，');
    if (cut > 0) d = `${d.slice(0, cut + 1)}${pick(FILLER_MID)}${d.slice(cut + 1)}`;
  }
  if (chance(0.25)) d = d.replace(/^(\p{Script=Han}{2})/u, '$1，$1');
  return d;
}

function noisy(text) {
  let t = text;
  const noise = [];
  if (chance(0.3)) {
    const hits = HOMOPHONES.filter(([a]) => t.includes(a));
    for (const [a, b] of hits.slice(0, 3)) if (chance(0.7)) t = t.replace(a, b);
    if (hits.length) noise.push('homophone');
  }
  if (chance(0.12)) {
    const hits = LATIN.filter(([a]) => t.includes(a));
    if (hits.length) {
      const [a, b] = pick(hits);
      t = t.replace(a, b.startsWith(a) ? b : b);
      noise.push('latin');
    } else if (chance(0.5)) {
      // a caller spelling out a word as pinyin
      const m = t.match(/\p{Script=Han}{2}(?=了|，)/u);
      if (m) {
        t = t.replace(m[0], pinyin(m[0], { toneType: 'none', separator: '' }));
        noise.push('latin');
      }
    }
  }
  if (chance(0.12)) {
    t = toTraditional(t);
    noise.push('traditional');
  }
  return { text: t, noise };
}

const allowed = (cat, scene) => {
  const list = ['help', 'help', 'help', 'complaint', 'complaint', 'complaint', 'consult', 'consult', 'praise', 'praise', 'suggest'];
  if (scene.startsWith('@')) list.push('report', 'report', 'report', 'report', 'report');
  if (SUGGEST_OWN[cat]) list.push('suggest', 'suggest');
  return list;
};

const codes = Object.keys(SCENES);
const sourceOf = (part) => (part === 'train' ? TRAIN_SCENES : part === 'test' ? FRESH : SCENES);
/** a short form per part: dev and dev2 each have their own of scenes.mjs, the fresh test part its own */
const shortOf = (cat, part) =>
  part === 'train' ? pick(TRAIN_SCENES[cat].short) : part === 'test' ? FRESH[cat].short[0] : SCENES[cat].short[part === 'dev' ? 0 : 1];
function otherScene(cat, part) {
  let c = cat;
  while (c === cat) c = pick(codes);
  return { code: c, scene: pick(sourceOf(part)[c][part]).replace(/^@/, '') };
}

function row(cat, rawScene, part) {
  const nature = pick(allowed(cat, rawScene));
  const scene = rawScene.replace(/^@/, '');
  const place = pick(PLACES);
  // very short, address-only style: what a clerk types while the caller is still talking
  if (chance(0.08)) {
    // each part has its own short forms: the parts share no text
    const short = shortOf(cat, part);
    const t = pick([`${place}，${short}`, `${place} ${short}`, `${short}。地址${place}`]);
    // a bare problem is a request to fix it; one that judges (太吵, 态度差, 推来推去) is a complaint
    return { text: t, category: cat, nature: /差|太|推来推去|没人管|不管|乱/.test(short) ? 'complaint' : 'help', style: ['short'] };
  }
  const style = [];
  let desc = speechify(scene);
  const opener = pick(OPENERS);
  const self = pick(SELF).replace('{p}', place);
  if (opener) style.push('filler');
  let body = FRAMES[nature === 'suggest' && SUGGEST_OWN[cat] && scene.startsWith('建议') ? 'help' : nature];
  let text = pick(body)(desc);
  if (nature !== 'praise') text = `${self}${text}${pick(EMOTION)}`;
  // two problems, one of them clearly the request
  if (nature !== 'praise' && chance(0.22)) {
    const other = otherScene(cat, part);
    style.push('two-problems');
    text = pick([
      `${text}另外还有个小事，${other.scene}，那个不急，以后再说，先把这个管了。`,
      `顺便说一下，${other.scene}，不过那个是小事。今天打电话主要是${text}`,
      `${other.scene}，这个先放一放，以后再说。最要紧的是，${text}`,
      `${text}还有就是${other.scene}，这个你们有空再看，先处理前面那个。`,
    ]);
  }
  text = `${opener}${text}`;
  const n = noisy(text);
  style.push(...n.noise);
  return { text: n.text, category: cat, nature, style };
}

function build(part, perScene) {
  const rows = [];
  for (const cat of codes) for (const scene of sourceOf(part)[cat][part]) for (let i = 0; i < perScene; i++) rows.push(row(cat, scene, part));
  return rows;
}

// Decontamination: a train scene that shares half its character bigrams with a dev or test scene (overlap over the
// smaller of the two) retells that scene, and would let training see it; it is left out, whatever its category.
const bigrams = (t) => {
  const b = new Set();
  const s = t.replace(/^@/, '');
  for (let i = 0; i + 1 < s.length; i++) b.add(s.slice(i, i + 2));
  return b;
};
const overlaps = (a, b) => {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared >= 0.5 * Math.min(a.size, b.size);
};
const devScenes = Object.values(SCENES).flatMap((s) => [...s.dev, ...s.dev2]).map(bigrams);
const evalScenes = [...devScenes, ...Object.values(FRESH).flatMap((s) => s.test).map(bigrams)];
const retells = (scene) => {
  const a = bigrams(scene);
  return evalScenes.some((b) => overlaps(a, b));
};
// The same test for the fresh part against the two dev parts, which were read while tuning: a fresh scene that
// retells one of them would not be held out, so it is left out of the test part.
let freshDropped = 0;
for (const c of codes) {
  FRESH[c].test = FRESH[c].test.filter((scene) => {
    const own = bigrams(scene);
    const keep = !devScenes.some((b) => overlaps(own, b));
    if (!keep) freshDropped++;
    return keep;
  });
}
let dropped = 0;

function buildTrain(perScene) {
  const rows = [];
  for (const cat of codes) {
    if (!TRAIN_SCENES[cat]) throw new Error(`train-scenes.mjs: no scenes for ${cat}`);
    TRAIN_SCENES[cat].train.forEach((scene, s) => {
      if (retells(scene)) return void dropped++;
      for (let i = 0; i < perScene; i++) {
        const r = row(cat, scene, 'train');
        // a short form belongs to the category, not the scene: its rows form one group of their own
        rows.push({ ...r, scene: r.style.includes('short') ? `${cat}-short` : `${cat}-${s}` });
      }
    });
  }
  return rows;
}

const out = (rows) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const dir = new URL('../../src/server/triage/data/', import.meta.url);
// the order and seeds of the parts are fixed, so adding a later part leaves the earlier files byte-identical
const dev = build('dev', 2);
const dev2 = build('dev2', 3);
seed = 20261203;
const trainRows = buildTrain(3);
seed = 20261204;
const test = build('test', 3);
const seen = new Set([...dev, ...dev2, ...test].map((r) => r.text));
// a train text identical to an evaluated text (a short form, say) would leak it into training: drop it
const train = trainRows.filter((r) => !seen.has(r.text));
writeFileSync(new URL('calls-dev.jsonl', dir), out(dev));
writeFileSync(new URL('calls-dev2.jsonl', dir), out(dev2));
writeFileSync(new URL('calls-test.jsonl', dir), out(test));
writeFileSync(new URL('calls-train.jsonl', dir), out(train));
console.log(`calls-dev ${dev.length} rows, calls-dev2 ${dev2.length}, calls-test ${test.length} (${freshDropped} fresh scenes left out as retelling a dev scene), calls-train ${train.length} (${dropped} train scenes left out as retelling an evaluated scene)`);
