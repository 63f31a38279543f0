import { seededRandom } from '../random.ts';
import type { AreaGeometry } from '../geo/geometry.ts';
import { bboxOf, h3Cell, pointWhere } from '../geo/geometry.ts';
import type { PiiCipher } from '../privacy/pii.ts';
import { creditCodeCheckChar } from './credit-code.ts';
import type { NewComponentRow } from './components/store.ts';
import { houseAddress } from './houses/rules.ts';
import type { NewHouseRow } from './houses/store.ts';
import type { NewOrganisationRow } from './organisations/store.ts';
import { nameColumns, sealIdNumber, sealPhone } from './people/rules.ts';
import type { NewPersonRow } from './people/store.ts';
import { componentClasses, type CareTag } from './vocab.ts';

/**
 * Generators of believable demo registers (people, houses, organisations, components) for the demo city's
 * grids. Deterministic (seeded PRNG) and lazy: they yield rows one at a time, so `--scale city` streams a
 * million people through batches without holding them. Uniqueness (ID numbers, addresses, credit codes,
 * component codes) comes from counters, not luck, so a big run never trips a unique index.
 */

export interface DemoGrid {
  code: string;
  name: string;
  path: string;
  geometry: AreaGeometry;
}

/** Demo-data helpers over the shared deterministic PRNG; the same seed gives the same city. */
export function prng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => int(16).toString(16));
    h[12] = '4';
    h[16] = ((int(4) + 8) as number).toString(16);
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  return { next, int, pick, uuid };
}
export type Rng = ReturnType<typeof prng>;

// Frequent family names first, so picking from the front half more often gives a believable mix.
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆晨欣怡梓涵子轩雨萱一诺浩然思远嘉怡佳琪文博宏志建国淑珍秀兰海燕晓东春梅国强志刚丽华';
const ROADS = ['幸福路', '建设路', '人民路', '解放路', '中山路', '文昌街', '新华路', '和平路', '胜利路', '长江路', '运河路', '香樟路', '桂花巷', '荷花街', '望湖路', '学府路', '南塘街', '北园路', '东风路', '西溪路'];
const ESTATES = ['阳光花园', '锦绣家园', '翠苑', '春江花月', '书香门第', '丽景湾', '梧桐苑', '和谐家园', '绿城小区', '水岸人家', '金色港湾', '紫荆苑'];
const ETHNICITIES = ['汉族', '汉族', '汉族', '汉族', '汉族', '汉族', '回族', '满族', '壮族', '苗族'];
const COMPANY_WORDS = ['恒信', '华泰', '博远', '鼎盛', '瑞丰', '汇通', '宏达', '启明', '同创', '嘉禾', '天成', '万象', '锦程', '中和', '永兴'];
const COMPANY_KINDS = ['科技有限公司', '贸易有限公司', '餐饮管理有限公司', '物业服务有限公司', '建材商行', '电子商务有限公司', '文化传媒有限公司', '医药连锁有限公司'];
const INDUSTRIES = ['信息技术', '批发零售', '住宿餐饮', '物业管理', '建筑业', '文化传媒', '医药', '制造业'];
const SOCIAL_ORGS = ['志愿者协会', '老年人协会', '慈善会', '青少年服务中心', '社区文化促进会', '残疾人互助会'];

export const personName = (rng: Rng) => rng.pick([...SURNAMES.slice(0, 30), ...SURNAMES]) + (rng.next() < 0.35 ? rng.pick([...GIVEN]) : rng.pick([...GIVEN]) + rng.pick([...GIVEN]));

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
const DAYS = 80 * 365;
const DAY0 = Date.UTC(1944, 0, 1);

/**
 * The n-th resident ID of a district: birth dates spread over 80 years by a stride coprime with their count,
 * the 3-digit sequence advancing once per full round, the gender digit chosen by parity. `seqBase` keeps the
 * small demo (rounds 0…) and the city-scale run (rounds 250…) in disjoint sequence ranges.
 */
export function demoIdNumber(district: string, n: number, male: boolean, seqBase: number): string {
  const day = (n * 7919) % DAYS;
  const d = new Date(DAY0 + day * 86_400_000);
  const birth = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  const round = seqBase + Math.floor(n / DAYS);
  // two people per (day, round): sequence = round*2 + (male ? 1 : 0), so the gender digit stays right
  const seq = String(((round * 2) % 1000) + (male ? 1 : 0)).padStart(3, '0');
  const body = `${district}${birth}${seq}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  return body + ID_CHECK[sum % 11];
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** n in the credit code alphabet, `width` characters: distinct n, distinct codes. */
function base31(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++, n = Math.floor(n / 31)) out = CREDIT_ALPHABET[n % 31]! + out;
  return out;
}

const phone = (rng: Rng) => `1${rng.pick(['3', '5', '8', '7', '9'])}${rng.int(10)}${String(rng.int(100_000_000)).padStart(8, '0')}`;

/** A point strictly inside the grid, by rejection sampling in its bounding box. */
export function pointIn(g: DemoGrid, rng: Rng): [number, number] {
  const [w, s, e, n] = bboxOf(g.geometry);
  for (let i = 0; i < 200; i++) {
    const p: [number, number] = [w + rng.next() * (e - w), s + rng.next() * (n - s)];
    if (pointWhere(p, g.geometry) === 'inside') return [Number(p[0].toFixed(6)), Number(p[1].toFixed(6))];
  }
  throw new Error(`no interior point found in grid ${g.code}`);
}

const located = (g: DemoGrid, p: [number, number]) => ({ grid_code: g.code, area_path: g.path, lon: p[0], lat: p[1], h3: h3Cell(p[0], p[1]) });

export interface DemoOptions {
  grids: readonly DemoGrid[];
  districtNames: ReadonlyMap<string, string>;
  pii: PiiCipher;
  now: Date;
  seed: number;
  /** offsets that keep a second run's keys apart from the first run's */
  offset: number;
}

const CARE: { tag: CareTag; share: number; care: (rng: Rng) => Record<string, unknown> }[] = [
  { tag: 'lone_elderly', share: 0.025, care: (rng) => ({ visitCycleDays: rng.pick([7, 14]) }) },
  { tag: 'disabled', share: 0.015, care: (rng) => ({ disabilityType: rng.pick(['肢体', '视力', '听力']), level: rng.pick(['二级', '三级', '四级']) }) },
  { tag: 'low_income', share: 0.01, care: (rng) => ({ monthlyAmount: 800 + rng.int(5) * 50 }) },
  { tag: 'community_correction', share: 0.002, care: () => ({ startDate: '2026-03-01', endDate: '2027-02-28' }) },
  { tag: 'released_prisoner', share: 0.002, care: () => ({ releaseDate: '2025-09-15' }) },
];

export interface Household {
  house: NewHouseRow & { id: string };
  people: NewPersonRow[];
}

/**
 * Households: grid i gets house i, i+G, i+2G… (so every grid has houses), each a compound flat at
 * `<road><door>号<estate><b>栋<u>单元<room>室` with one to four people; rentals hold floating tenants.
 */
export function* demoHouseholds(opts: DemoOptions, houses: number): Generator<Household> {
  const rng = prng(opts.seed);
  const G = opts.grids.length;
  const perDistrict = new Map<string, number>();
  const gridIndexInDistrict = new Map<string, number>();
  for (const g of opts.grids) {
    const d = g.code.slice(0, 6);
    gridIndexInDistrict.set(g.code, perDistrict.get(d) ?? 0);
    perDistrict.set(d, (perDistrict.get(d) ?? 0) + 1);
  }
  const people = new Map<string, number>();
  for (let h = 0; h < houses; h++) {
    const g = opts.grids[h % G]!;
    const district = g.code.slice(0, 6);
    const gi = gridIndexInDistrict.get(g.code)!;
    const k = Math.floor(h / G); // the k-th flat of this grid's compound
    const road = ROADS[gi % ROADS.length]!;
    // a second run (city scale) numbers its doors from 1001, so its addresses never meet the first run's
    const door = opts.offset * 1000 + gi + 1;
    const b = Math.floor(k / 8) + 1;
    const u = Math.floor((k % 8) / 4) + 1;
    const room = (Math.floor((k % 4) / 2) + 1) * 100 + (k % 2) + 1;
    const address = `${opts.districtNames.get(district) ?? ''}${road}${door}号${ESTATES[gi % ESTATES.length]}${b}栋${u}单元${room}室`;
    const parts = houseAddress({ address });
    const rental = rng.next() < 0.18;
    const id = rng.uuid();
    const place = located(g, pointIn(g, rng));
    const house = { id, address, address_key: parts.key, building: parts.building, unit: parts.unit, room: parts.room, purpose: 'residential' as const, rental, ...place, note: '', created_at: opts.now, updated_at: opts.now };
    const residents: NewPersonRow[] = [];
    const size = 1 + rng.int(4);
    for (let r = 0; r < size; r++) {
      const n = people.get(district) ?? 0;
      people.set(district, n + 1);
      const male = rng.next() < 0.51;
      const idNumber = demoIdNumber(district, n, male, opts.offset ? 250 : 0);
      const roll = rng.next();
      const kind = rental ? (roll < 0.85 ? 'floating' : 'overseas') : roll < 0.9 ? 'registered' : 'floating';
      const care = kind === 'registered' ? CARE.find((c) => rng.next() < c.share * 2) : undefined;
      const name = personName(rng);
      const overseas = kind === 'overseas';
      residents.push({
        kind,
        ...nameColumns(opts.pii, name, !!care),
        gender: male ? 'male' : 'female',
        birth_date: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
        // Overseas residents are registered with their resident permit number in this demo (same format).
        id_type: overseas ? 'foreign_permanent' : 'resident_id',
        ...sealIdNumber(opts.pii, idNumber),
        ...sealPhone(opts.pii, rng.next() < 0.9 ? phone(rng) : null),
        ethnicity: overseas ? '' : rng.pick(ETHNICITIES),
        nationality: overseas ? rng.pick(['KOR', 'JPN', 'USA', 'DEU', 'SGP']) : 'CHN',
        address,
        house_id: id,
        house_relation: rental ? 'tenant' : r === 0 ? 'owner' : 'family',
        ...place,
        tags: care ? [care.tag] : [],
        care: care ? { [care.tag]: care.care(rng) } : {},
        note: '',
        created_at: opts.now,
        updated_at: opts.now,
      });
    }
    yield { house, people: residents };
  }
}

export function* demoOrganisations(opts: DemoOptions, count: number): Generator<NewOrganisationRow> {
  const rng = prng(opts.seed + 1);
  for (let i = 0; i < count; i++) {
    const g = opts.grids[rng.int(opts.grids.length)]!;
    const district = g.code.slice(0, 6);
    const roll = rng.next();
    const kind = roll < 0.8 ? 'enterprise' : roll < 0.93 ? 'social_org' : 'party_org';
    // registration authority 9 (market regulator) or 5 (civil affairs), then type, division, organisation code
    const orgCode = base31(opts.offset * 1000 + i, 9);
    const first17 = `${kind === 'social_org' ? '51' : '91'}${district}${orgCode}`;
    const name =
      kind === 'enterprise'
        ? `示范市${rng.pick(COMPANY_WORDS)}${rng.pick(COMPANY_WORDS)}${rng.pick(COMPANY_KINDS)}`
        : kind === 'social_org'
          ? `${opts.districtNames.get(district) ?? ''}${g.name.replace(/第.*$/, '')}${rng.pick(SOCIAL_ORGS)}`
          : `中共${g.name.replace(/第.*$/, '')}支部委员会`;
    const p = pointIn(g, rng);
    yield {
      kind,
      name,
      credit_code: kind === 'party_org' ? null : first17 + creditCodeCheckChar(first17),
      legal_rep: personName(rng),
      industry: kind === 'enterprise' ? rng.pick(INDUSTRIES) : '',
      status: rng.next() < 0.95 ? 'active' : 'suspended',
      address: `${opts.districtNames.get(district) ?? ''}${rng.pick(ROADS)}${100 + rng.int(400)}号`,
      ...located(g, p),
      note: '',
      created_at: opts.now,
      updated_at: opts.now,
    };
  }
}

/** Classes by how common they are on a street, with the units that own and maintain them. */
const COMPONENT_MIX: { cls: string; weight: number; owner: string; maintainer: string }[] = [
  { cls: '0303', weight: 18, owner: 'HW', maintainer: 'HW' },
  { cls: '0116', weight: 16, owner: 'SZ', maintainer: '示范市路灯管理所' },
  { cls: '0402', weight: 16, owner: 'YL', maintainer: 'YL' },
  { cls: '0102', weight: 9, owner: 'SW', maintainer: 'SZ' },
  { cls: '0103', weight: 9, owner: 'SW', maintainer: 'SZ' },
  { cls: '0101', weight: 7, owner: 'GS', maintainer: 'GS' },
  { cls: '0105', weight: 5, owner: 'GD', maintainer: 'GD' },
  { cls: '0111', weight: 4, owner: 'RQ', maintainer: 'RQ' },
  { cls: '0107', weight: 3, owner: '中国电信示范市分公司', maintainer: '中国电信示范市分公司' },
  { cls: '0117', weight: 4, owner: 'XF', maintainer: 'GS' },
  { cls: '0206', weight: 3, owner: 'JJ', maintainer: 'JJ' },
  { cls: '0207', weight: 3, owner: 'JJ', maintainer: 'JT' },
  { cls: '0202', weight: 1, owner: 'JT', maintainer: '示范市公交集团' },
  { cls: '0301', weight: 1, owner: 'HW', maintainer: 'HW' },
  { cls: '0601', weight: 1, owner: 'GA', maintainer: 'GA' },
];
const MIX_TOTAL = COMPONENT_MIX.reduce((s, c) => s + c.weight, 0);

export function* demoComponents(opts: DemoOptions, count: number): Generator<NewComponentRow> {
  const rng = prng(opts.seed + 2);
  const serials = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const g = opts.grids[i % opts.grids.length]!;
    let roll = rng.int(MIX_TOTAL);
    const mix = COMPONENT_MIX.find((c) => (roll -= c.weight) < 0)!;
    const prefix = `${g.code.slice(0, 6)}${mix.cls}`;
    const serial = (serials.get(prefix) ?? (opts.offset ? 100_000 : 0)) + 1;
    serials.set(prefix, serial);
    const stateRoll = rng.next();
    const p = pointIn(g, rng);
    yield {
      code: `${prefix}${String(serial).padStart(6, '0')}`,
      class_code: mix.cls,
      name: componentClasses[mix.cls]!.name,
      owner_unit: mix.owner,
      maintainer_unit: mix.maintainer,
      state: stateRoll < 0.9 ? 'intact' : stateRoll < 0.97 ? 'damaged' : stateRoll < 0.99 ? 'missing' : 'removed',
      address: `${rng.pick(ROADS)}${1 + rng.int(300)}号附近`,
      installed_on: `${2008 + rng.int(18)}-${String(1 + rng.int(12)).padStart(2, '0')}-${String(1 + rng.int(28)).padStart(2, '0')}`,
      ...located(g, p),
      h3: h3Cell(p[0], p[1]),
      note: '',
      created_at: opts.now,
      updated_at: opts.now,
    };
  }
}
