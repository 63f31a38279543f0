import type { Category, Taxonomy } from '../taxonomy/taxonomy.ts';
import { xmlList, type Open311Value } from './format.ts';

/**
 * Open311 services are the taxonomy leaves (事项小类): service_code = category code. Each service has a
 * definition with attributes shaped from the category, so an external app asks the questions a dispatcher
 * would otherwise phone back for.
 */

export type AttributeDatatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

export interface ServiceAttribute {
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  description: string;
  datatypeDescription: string;
  order: number;
  values?: { key: string; name: string }[];
}

/**
 * Groups whose requests concern private lives or leads to crime (劳动社保, 教育卫健, 民政, 矛盾纠纷, 社会治安,
 * 涉众金融) and complaints about officials: accepted like any other service, but their text, place and media
 * never appear in public Open311 output, and they are left out of the public request list.
 */
export const sensitiveGroupCodes = ['10', '13', '14', '15', '16', '17'] as const;
export const sensitiveCategoryCodes = ['1902'] as const;
const sensitiveGroups: ReadonlySet<string> = new Set(sensitiveGroupCodes);
const sensitiveCategories: ReadonlySet<string> = new Set(sensitiveCategoryCodes);

/** Whether a case's public Open311 view must withhold its description, address, position and media. */
export function isSensitive(category: string | null, nature: string | null): boolean {
  // 举报 reports of wrongdoing protect the whistle-blower whatever their category; an uncategorised case
  // has not been read by anyone yet, so nobody knows what it reveals.
  if (!category || nature === 'report') return true;
  return sensitiveGroups.has(category.slice(0, 2)) || sensitiveCategories.has(category);
}

export const severityValues = [
  { key: '1', name: '轻微 minor' },
  { key: '2', name: '一般 moderate' },
  { key: '3', name: '严重 serious' },
];

/** Priority of the case from the reported severity (1 = most urgent, as the case model counts). */
export const priorityForSeverity: Record<string, number> = { '1': 4, '2': 3, '3': 2 };

const yesNo = [
  { key: 'yes', name: '是 yes' },
  { key: 'no', name: '否 no' },
];

/** The attributes of a category's service definition. */
export function attributesFor(category: Category): ServiceAttribute[] {
  const attrs: ServiceAttribute[] = [
    {
      code: 'severity',
      datatype: 'singlevaluelist',
      required: category.urgent,
      description: '严重程度 How serious is it?',
      datatypeDescription: '1 轻微, 2 一般, 3 严重',
      order: 1,
      values: severityValues,
    },
    {
      code: 'location_detail',
      datatype: 'text',
      required: false,
      description: '具体位置 Landmark, building or crossing that helps the crew find it',
      datatypeDescription: 'free text, at most 200 characters',
      order: 2,
    },
  ];
  if (category.urgent) {
    attrs.push({
      code: 'danger_to_people',
      datatype: 'singlevaluelist',
      required: true,
      description: '是否危及人身安全 Is anyone in danger right now? (if so, also call 110/119/120)',
      datatypeDescription: 'yes or no',
      order: 3,
      values: yesNo,
    });
  }
  // Night noise and the like are judged by when they happen: ask for the time, not just the place.
  if (/夜间|噪声|扰民/.test(category.zh)) {
    attrs.push({
      code: 'observed_at',
      datatype: 'datetime',
      required: false,
      description: '发生时间 When did it happen?',
      datatypeDescription: 'ISO 8601 date and time with time zone',
      order: attrs.length + 1,
    });
  }
  return attrs;
}

/** One entry of `GET services`. */
export function presentService(category: Category, taxonomy: Pick<Taxonomy, 'department'>): Record<string, Open311Value> {
  const department = taxonomy.department(category.department);
  const limit = `${category.deadlineHours} ${category.workingTime ? '工作小时 working hours' : '小时 hours'}`;
  return {
    service_code: category.code,
    service_name: category.zh,
    description: `${category.en}. 处置时限 ${limit}${category.urgent ? '; 紧急 urgent' : ''}.`,
    metadata: attributesFor(category).length > 0,
    type: 'realtime',
    keywords: [category.zh, category.groupZh, category.en, department?.zh].filter(Boolean).join(', '),
    group: category.groupZh,
  };
}

/** `GET services/{code}`: the service definition document. */
export function presentDefinition(category: Category): Record<string, Open311Value> {
  return {
    service_code: category.code,
    attributes: xmlList(
      'attribute',
      attributesFor(category).map((a) => ({
        variable: true,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: a.datatypeDescription,
        order: a.order,
        description: a.description,
        ...(a.values ? { values: xmlList('value', a.values) } : {}),
      })),
    ),
  };
}

/**
 * Checks submitted `attribute[CODE]` values against the definition: required ones present, list values among
 * the keys, datetimes parseable. Returns a one-line problem or null.
 */
export function checkAttributes(category: Category, given: Record<string, string | string[]>): string | null {
  const defs = attributesFor(category);
  for (const a of defs) {
    const raw = given[a.code];
    const values = raw === undefined ? [] : [raw].flat().filter((v) => v.trim() !== '');
    if (values.length === 0) {
      if (a.required) return `attribute[${a.code}] is required for service ${category.code}`;
      continue;
    }
    if (a.datatype !== 'multivaluelist' && values.length > 1) return `attribute[${a.code}] takes one value`;
    for (const v of values) {
      if (a.values && !a.values.some((x) => x.key === v)) return `attribute[${a.code}] must be one of ${a.values.map((x) => x.key).join(', ')}`;
      if (a.datatype === 'datetime' && Number.isNaN(Date.parse(v))) return `attribute[${a.code}] must be an ISO 8601 date and time`;
      if (a.datatype === 'number' && !Number.isFinite(Number(v))) return `attribute[${a.code}] must be a number`;
      if (v.length > 200) return `attribute[${a.code}] is longer than 200 characters`;
    }
  }
  const unknown = Object.keys(given).filter((k) => !defs.some((a) => a.code === k));
  if (unknown.length) return `service ${category.code} has no attribute ${unknown.join(', ')}`;
  return null;
}
