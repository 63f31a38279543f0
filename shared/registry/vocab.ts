import { z } from 'zod';

/**
 * The controlled vocabularies of the base database (GB/T 31000-2015 人·地·物·事·组织). API values are
 * stable English codes; spreadsheets may use the Chinese label instead, which `fromLabel` maps back.
 */

/** 人口类别: 户籍 registered, 流动 floating, 境外 overseas */
export const personKinds = ['registered', 'floating', 'overseas'] as const;
export const personKindLabels: Record<(typeof personKinds)[number], string> = { registered: '户籍人口', floating: '流动人口', overseas: '境外人员' };

/** 证件类型. Only the resident ID carries a GB 11643 checksum; the others are checked for shape. */
export const idTypes = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent'] as const;
export const idTypeLabels: Record<(typeof idTypes)[number], string> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民居住证',
  taiwan_permit: '台湾居民居住证',
  foreign_permanent: '外国人永久居留身份证',
};

export const genders = ['male', 'female', 'unknown'] as const;
export const genderLabels: Record<(typeof genders)[number], string> = { male: '男', female: '女', unknown: '未知' };

/** 与房屋关系 */
export const houseRelations = ['owner', 'family', 'tenant', 'other'] as const;
export const houseRelationLabels: Record<(typeof houseRelations)[number], string> = { owner: '产权人', family: '家庭成员', tenant: '租户', other: '其他' };

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are YYYY-MM-DD');
const text = (max: number) => z.string().trim().max(max);

/**
 * 特殊人群 special-care groups. Each tag has its own fields (kept in `care[tag]`); membership of any of them
 * makes the person's name sensitive, so it is stored only encrypted.
 */
export const careTags = {
  lone_elderly: {
    label: '独居老人',
    fields: z.object({ emergencyContact: text(50).optional(), visitCycleDays: z.coerce.number().int().min(1).max(90).optional() }).strict(),
  },
  disabled: {
    label: '残疾人',
    fields: z
      .object({
        disabilityType: z.enum(['视力', '听力', '言语', '肢体', '智力', '精神', '多重']).optional(),
        level: z.enum(['一级', '二级', '三级', '四级']).optional(),
        certificateNo: text(40).optional(),
      })
      .strict(),
  },
  low_income: {
    label: '低保户',
    fields: z.object({ allowanceNo: text(40).optional(), monthlyAmount: z.coerce.number().min(0).max(100_000).optional() }).strict(),
  },
  community_correction: {
    label: '社区矫正人员',
    fields: z.object({ startDate: isoDate.optional(), endDate: isoDate.optional(), supervisor: text(50).optional() }).strict(),
  },
  released_prisoner: {
    label: '刑满释放人员',
    fields: z.object({ releaseDate: isoDate.optional(), placementStatus: text(50).optional() }).strict(),
  },
  left_behind_child: {
    label: '留守儿童',
    fields: z.object({ guardian: text(50).optional(), school: text(100).optional() }).strict(),
  },
  mental_disorder: {
    label: '严重精神障碍患者',
    fields: z.object({ riskLevel: z.enum(['0', '1', '2', '3', '4', '5']).optional(), guardian: text(50).optional() }).strict(),
  },
} as const;
export type CareTag = keyof typeof careTags;
export const careTagCodes = Object.keys(careTags) as [CareTag, ...CareTag[]];
const careTagLabels = Object.fromEntries(careTagCodes.map((t) => [t, careTags[t].label])) as Record<CareTag, string>;

/** 房屋用途 */
export const housePurposes = ['residential', 'commercial', 'office', 'industrial', 'mixed', 'other'] as const;
export const housePurposeLabels: Record<(typeof housePurposes)[number], string> = {
  residential: '住宅',
  commercial: '商业',
  office: '办公',
  industrial: '工业',
  mixed: '商住',
  other: '其他',
};

/** 组织类别: 企业 / 社会组织 / 党组织 */
export const organisationKinds = ['enterprise', 'social_org', 'party_org'] as const;
export const organisationKindLabels: Record<(typeof organisationKinds)[number], string> = { enterprise: '企业', social_org: '社会组织', party_org: '党组织' };
export const organisationStatuses = ['active', 'suspended', 'deregistered'] as const;
export const organisationStatusLabels: Record<(typeof organisationStatuses)[number], string> = { active: '存续', suspended: '停业', deregistered: '注销' };

/** 信用事件 kinds: 守信激励 commendation, 行政处罚 penalty, 失信 dishonest (blacklist), 其他 */
export const creditEventKinds = ['commendation', 'penalty', 'dishonest', 'other'] as const;

/** 部件状态: 完好 / 破损 / 丢失 / 拆除 */
export const componentStates = ['intact', 'damaged', 'missing', 'removed'] as const;
export const componentStateLabels: Record<(typeof componentStates)[number], string> = { intact: '完好', damaged: '破损', missing: '丢失', removed: '拆除' };

/**
 * 部件类别: the deployment's default component classes, grouped by the big classes of GB/T 30428.2
 * (01 公用设施, 02 道路交通, 03 市容环境, 04 园林绿化, 05 房屋土地, 06 其他设施). A component code is
 * district (6) + class (4) + serial (6), 16 digits, as in the standard's coding rule.
 */
export const componentClasses: Record<string, { name: string; nameEn: string }> = {
  '0101': { name: '上水井盖', nameEn: 'water supply manhole cover' },
  '0102': { name: '污水井盖', nameEn: 'sewage manhole cover' },
  '0103': { name: '雨水井盖', nameEn: 'storm drain manhole cover' },
  '0104': { name: '雨水箅子', nameEn: 'storm drain grate' },
  '0105': { name: '电力井盖', nameEn: 'power manhole cover' },
  '0107': { name: '通信井盖', nameEn: 'telecom manhole cover' },
  '0111': { name: '燃气井盖', nameEn: 'gas manhole cover' },
  '0113': { name: '无主井盖', nameEn: 'unowned manhole cover' },
  '0116': { name: '路灯', nameEn: 'street light' },
  '0117': { name: '消防栓', nameEn: 'fire hydrant' },
  '0201': { name: '停车场', nameEn: 'car park' },
  '0202': { name: '公交站亭', nameEn: 'bus shelter' },
  '0206': { name: '交通信号灯', nameEn: 'traffic signal' },
  '0207': { name: '交通标志牌', nameEn: 'traffic sign' },
  '0209': { name: '道路护栏', nameEn: 'road guardrail' },
  '0301': { name: '公共厕所', nameEn: 'public toilet' },
  '0302': { name: '垃圾间', nameEn: 'refuse room' },
  '0303': { name: '垃圾箱', nameEn: 'litter bin' },
  '0305': { name: '广告牌', nameEn: 'billboard' },
  '0401': { name: '古树名木', nameEn: 'heritage tree' },
  '0402': { name: '行道树', nameEn: 'street tree' },
  '0404': { name: '绿地', nameEn: 'green space' },
  '0601': { name: '监控电子眼', nameEn: 'surveillance camera' },
};
export const componentClassCodes = Object.keys(componentClasses);

/** Maps a spreadsheet value (code or Chinese label, any case) to the code, or undefined. */
export function fromLabel<T extends string>(codes: readonly T[], labels: Record<T, string>, value: string): T | undefined {
  const v = value.trim();
  const lower = v.toLowerCase();
  return codes.find((c) => c === lower) ?? codes.find((c) => labels[c] === v);
}

/** Tag code from a code or its Chinese label (also accepts the label without 人员/患者 suffix, as people write it). */
export function careTagFrom(value: string): CareTag | undefined {
  const v = value.trim();
  return (
    fromLabel(careTagCodes, careTagLabels, v) ?? careTagCodes.find((c) => careTagLabels[c].replace(/(人员|患者)$/, '') === v.replace(/(人员|患者)$/, ''))
  );
}

/** Component class code from a 4-digit code or its Chinese name. */
export function componentClassFrom(value: string): string | undefined {
  const v = value.trim();
  if (componentClasses[v]) return v;
  return componentClassCodes.find((c) => componentClasses[c]!.name === v);
}

