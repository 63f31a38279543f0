/**
 * 地址标准化 Chinese address normalisation. Callers write the same house many ways — "东城区幸福路12号3栋2单元
 * 501室", "幸福路１２号三栋二单元501", "幸福路12号3-2-501" — and appeals, residents and houses only join up if
 * all of them reduce to one key. The parser reads left to right through the administrative part (province,
 * city, district, street office, community) and the postal part (road, door number, estate, building, unit,
 * floor, room); whatever it cannot place stays in `rest` rather than being dropped.
 */
export interface ParsedAddress {
  province?: string;
  city?: string;
  /** 区/县 */
  district?: string;
  /** 街道/镇/乡 */
  street?: string;
  /** 社区/村 */
  community?: string;
  /** 路/街/大道/巷/弄 */
  road?: string;
  /** door number (门牌号), e.g. "12" or "12-1" */
  number?: string;
  /** 小区/大厦 name between the door number and the building */
  estate?: string;
  /** 栋/幢/号楼/座 */
  building?: string;
  /** 单元 */
  unit?: string;
  /** 层/楼 */
  floor?: string;
  /** 室/房 */
  room?: string;
  /** text the parser could not place */
  rest?: string;
  /** the input after width/space/numeral clean-up */
  normalized: string;
  /**
   * Matching key of the house: road + number + building + unit + room (administrative parts left out, since
   * callers often omit them; compare those with `sameAddress`). Empty when the address has no road.
   */
  key: string;
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
const CN_NUM = '[零〇一二两三四五六七八九十百千]';
const NUM = `(?:[0-9]+|${CN_NUM}+)`;

/**
 * Chinese numerals to digits: positional when they carry 十/百/千 ("二十一" → 21, "一百零五" → 105), digit by
 * digit otherwise, which is how room numbers are read out ("五零一" → 501).
 */
export function chineseToDigits(text: string): string {
  if (/^[0-9]+$/.test(text)) return String(Number(text));
  if (![...text].every((c) => c in CN_DIGITS || c in CN_UNITS)) return text;
  if (![...text].some((c) => c in CN_UNITS)) return [...text].map((c) => CN_DIGITS[c]).join('');
  let total = 0;
  let digit = 0;
  for (const c of text) {
    if (c in CN_DIGITS) digit = CN_DIGITS[c]!;
    else {
      total += (digit || 1) * CN_UNITS[c]!; // "十二": a leading 十 means 一十
      digit = 0;
    }
  }
  return String(total + digit);
}

/** Full-width to half-width, no whitespace or decorative punctuation, upper-case Latin letters, unified dashes. */
export function cleanAddressText(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\s\u3000]+/g, '')
    .replace(/[，,。．.、；;：:（）()【】[\]"'“”‘’]/g, '')
    .replace(/[—–－~～_]/g, '-')
    .replace(/#/g, '号')
    .toUpperCase();
}

type Step = { field: keyof ParsedAddress; re: RegExp; value?: (m: RegExpExecArray) => string };

// Each step anchors at the start of what is left. Name classes exclude the markers of later levels so that,
// for instance, "东城区市心路" is not read as a city called "东城区市".
const adminSteps: Step[] = [
  { field: 'province', re: /^(北京市|上海市|天津市|重庆市|[^省市区县路街]{2,7}?(?:省|自治区|特别行政区))/ },
  { field: 'city', re: /^([^省市区县路街道镇乡号]{2,8}?(?:市|自治州|地区|盟))/ },
  { field: 'district', re: /^([^省市区县路街道镇乡号]{1,8}?(?:区|县|旗))/ },
  { field: 'street', re: /^([^区县路号]{1,10}?(?:街道|镇|乡))(?:办事处)?/ },
  { field: 'community', re: /^([^区县路街号]{1,10}?(?:社区|村))(?:居委会|村委会|委员会)?/ },
];

const ROAD = '(?:大道|路|街|巷|弄|胡同)';

function parseHouse(rest: string, out: ParsedAddress): string {
  let s = rest;
  // 3-2-501 (building-unit-room) and 3-501 (building-room), the shorthand of forms and couriers
  const dashed = /^([0-9A-Z]+)-([0-9]+)-([0-9]+)(?:室|房|号)?$/.exec(s) ?? /^([0-9A-Z]+)-()([0-9]{3,5})(?:室|房|号)?$/.exec(s);
  if (dashed) {
    out.building = dashed[1]!;
    if (dashed[2]) out.unit = String(Number(dashed[2]));
    out.room = dashed[3]!;
    return '';
  }
  const building = new RegExp(`^(.*?)(${NUM}|[A-Z][0-9]*|[0-9]+[A-Z]?)(?:栋|幢|号楼|座|楼(?=${NUM}单元))`).exec(s);
  if (building) {
    if (building[1]) out.estate = building[1].replace(/院$/, '') || undefined;
    out.building = chineseToDigits(building[2]!);
    s = s.slice(building[0].length);
  }
  const unit = new RegExp(`^(${NUM})单元`).exec(s);
  if (unit) {
    out.unit = chineseToDigits(unit[1]!);
    s = s.slice(unit[0].length);
  }
  const floor = new RegExp(`^(${NUM})(?:层|楼)(?!$)`).exec(s);
  if (floor) {
    out.floor = chineseToDigits(floor[1]!);
    s = s.slice(floor[0].length);
  }
  // A bare number is a room only after a building or unit, or when it looks like one (3-5 digits).
  const room = new RegExp(`^(${NUM}|[0-9]+[A-Z]?)(室|房|号)?$`).exec(s);
  if (room && (out.building || out.unit || room[2] || /^[0-9]{3,5}$/.test(room[1]!))) {
    out.room = chineseToDigits(room[1]!);
    s = '';
  }
  return s;
}

export function parseAddress(input: string): ParsedAddress {
  const normalized = cleanAddressText(input);
  const out: ParsedAddress = { normalized, key: '' };
  let s = normalized;
  for (const step of adminSteps) {
    const m = step.re.exec(s);
    if (m) {
      (out[step.field] as string) = m[1]!;
      s = s.slice(m[0].length);
    }
  }
  // The road is the shortest prefix ending in a road word that is followed by a door number; failing that,
  // the shortest prefix ending in a road word at all ("幸福路口" is not a road called "幸福路口").
  const road = new RegExp(`^(.+?${ROAD})(?=${NUM}(?:-[0-9]+)?号)`).exec(s) ?? new RegExp(`^(.+?${ROAD})`).exec(s);
  if (road) {
    out.road = road[1]!;
    s = s.slice(road[0].length);
    const num = new RegExp(`^(${NUM}(?:-[0-9]+)?)号(?!楼)`).exec(s);
    if (num) {
      out.number = num[1]!.split('-').map(chineseToDigits).join('-');
      s = s.slice(num[0].length);
    }
  }
  s = s.replace(/^院/, '');
  if (s) s = parseHouse(s, out);
  if (s) out.rest = s;
  out.key = out.road
    ? [out.road, out.number && `${out.number}号`, out.building && `${out.building}栋`, out.unit && `${out.unit}单元`, out.room && `${out.room}室`].filter(Boolean).join('')
    : '';
  return out;
}

/** The matching key of an address string (see `ParsedAddress.key`). */
export const addressKey = (input: string): string => parseAddress(input).key;

/**
 * Whether two addresses name the same house: equal keys, and no administrative part that both give and that
 * differs (a caller who says only "幸福路12号" matches 东城区幸福路12号, but 西湖区幸福路12号 does not).
 */
export function sameAddress(a: string | ParsedAddress, b: string | ParsedAddress): boolean {
  const pa = typeof a === 'string' ? parseAddress(a) : a;
  const pb = typeof b === 'string' ? parseAddress(b) : b;
  return !!pa.key && pa.key === pb.key && sameAdminArea(pa, pb);
}

/** No administrative part (province, city, district, street) that both addresses give differs. */
export function sameAdminArea(a: ParsedAddress, b: ParsedAddress): boolean {
  return (['province', 'city', 'district', 'street'] as const).every((f) => !a[f] || !b[f] || a[f] === b[f]);
}
