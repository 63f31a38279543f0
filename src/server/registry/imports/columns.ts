import type { z } from 'zod';
import type { Cell, Sheet, SheetRow } from './parse.ts';
import { CellError, issueCode, rowError, type RowError } from './row-errors.ts';
import { newComponent, newHouse, newOrganisation, newPerson } from '../../../../shared/registry/schema.ts';
import {
  careTagFrom,
  componentClassFrom,
  componentStateLabels,
  componentStates,
  fromLabel,
  genderLabels,
  genders,
  houseRelationLabels,
  houseRelations,
  housePurposeLabels,
  housePurposes,
  idTypeLabels,
  idTypes,
  organisationKindLabels,
  organisationKinds,
  organisationStatusLabels,
  organisationStatuses,
  personKindLabels,
  personKinds,
} from '../../../../shared/registry/vocab.ts';

export type RegistryType = 'people' | 'houses' | 'organisations' | 'components';
export const registryTypes: RegistryType[] = ['people', 'houses', 'organisations', 'components'];

export type { RowError };
type Convert = (v: Cell) => unknown;

const asText: Convert = (v) => (v === null ? undefined : v instanceof Date ? isoDay(v) : String(v).trim() || undefined);
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Digits that must survive as text: a spreadsheet number above 2^53 has already lost its last digits. */
const digitsText =
  (what: string): Convert =>
  (v) => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) return new CellError('registry.import.digits_lost', `${what} was stored as a number and lost digits; format the column as text and type it again`);
      return String(v);
    }
    return asText(v);
  };

const asNumber: Convert = (v) => {
  if (v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (Number.isFinite(n)) return n;
  // GeoJSON rows carry a non-point geometry here as `geometry <type> is not a Point` (see parse.ts)
  const geometry = typeof v === 'string' ? /^geometry (\S+) is not a Point$/.exec(v)?.[1] : undefined;
  return geometry ? new CellError('registry.import.not_a_point', v as string, { geometry }) : new CellError('registry.import.not_a_number', 'not a number');
};

const truthy = ['是', 'true', '1', 'y', 'yes', '出租', '√'];
const falsy = ['否', 'false', '0', 'n', 'no', '自住', '×'];
const asBoolean: Convert = (v) => {
  if (v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (truthy.includes(s)) return true;
  if (falsy.includes(s)) return false;
  return new CellError('registry.import.yes_or_no', 'write 是 or 否');
};

const asDate: Convert = (v) => {
  if (v === null || v === '') return undefined;
  if (v instanceof Date) return isoDay(v);
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(String(v).trim());
  if (!m) return new CellError('registry.import.bad_date', 'dates are written 2024-05-01');
  return `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
};

const asEnum =
  <T extends string>(codes: readonly T[], labels: Record<T, string>): Convert =>
  (v) => {
    const s = asText(v) as string | undefined;
    if (s === undefined) return undefined;
    const allowed = codes.map((c) => labels[c]).join('/');
    return fromLabel(codes, labels, s) ?? new CellError('registry.import.unknown_value', `unknown value ${s}; use one of ${allowed}`, { value: s, allowed });
  };

const asTags: Convert = (v) => {
  const s = asText(v) as string | undefined;
  if (!s) return undefined;
  const tags = s.split(/[,，、;；\s]+/).filter(Boolean);
  const bad = tags.filter((t) => !careTagFrom(t));
  return bad.length ? new CellError('registry.import.unknown_care_group', `unknown special-care group ${bad.join(', ')}`, { value: bad.join('、') }) : tags.map((t) => careTagFrom(t)!);
};

const asJson: Convert = (v) => {
  const s = asText(v) as string | undefined;
  if (!s) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return new CellError('registry.import.bad_care_json', 'not valid JSON, e.g. {"disabled":{"level":"二级"}}');
  }
};

const asClass: Convert = (v) => {
  const s = digitsText('the class code')(v);
  if (typeof s !== 'string') return s;
  return componentClassFrom(s) ?? new CellError('registry.import.unknown_class', `unknown component class ${s}`, { value: s });
};

interface Column {
  field: string;
  headers: string[];
  convert: Convert;
}
const col = (field: string, headers: string[], convert: Convert = asText): Column => ({ field, headers: [field, ...headers], convert });

const place = [col('gridCode', ['网格编码', '网格代码', '所属网格'], digitsText('the grid code')), col('lon', ['经度', 'longitude', 'lng'], asNumber), col('lat', ['纬度', 'latitude'], asNumber)];
const note = col('note', ['备注']);

interface TypeSpec {
  columns: Column[];
  schema: z.ZodType;
}

/** The columns each registry accepts, by API field name or the Chinese header a city's spreadsheet uses. */
export const importSpecs: Record<RegistryType, TypeSpec> = {
  people: {
    schema: newPerson,
    columns: [
      col('kind', ['人口类别', '人员类别', '类别'], asEnum(personKinds, personKindLabels)),
      col('name', ['姓名']),
      col('gender', ['性别'], asEnum(genders, genderLabels)),
      col('birthDate', ['出生日期'], asDate),
      col('idType', ['证件类型'], asEnum(idTypes, idTypeLabels)),
      col('idNumber', ['身份证号', '身份证号码', '公民身份号码', '证件号码'], digitsText('the ID number')),
      col('phone', ['手机号', '手机号码', '联系电话', '电话'], digitsText('the phone number')),
      col('ethnicity', ['民族']),
      col('nationality', ['国籍']),
      col('address', ['住址', '居住地址', '现住址', '地址']),
      col('houseId', ['房屋ID', '房屋编号']),
      col('houseRelation', ['与房屋关系', '居住关系'], asEnum(houseRelations, houseRelationLabels)),
      ...place,
      col('tags', ['特殊人群', '人群标签', '标签'], asTags),
      col('care', ['特殊人群信息'], asJson),
      note,
    ],
  },
  houses: {
    schema: newHouse,
    columns: [
      col('address', ['地址', '房屋地址', '门牌地址']),
      col('building', ['楼栋', '栋']),
      col('unit', ['单元']),
      col('room', ['房号', '室', '户室号']),
      col('purpose', ['用途', '房屋用途'], asEnum(housePurposes, housePurposeLabels)),
      col('rental', ['是否出租', '出租屋', '出租'], asBoolean),
      ...place,
      note,
    ],
  },
  organisations: {
    schema: newOrganisation,
    columns: [
      col('kind', ['组织类别', '组织类型', '类别'], asEnum(organisationKinds, organisationKindLabels)),
      col('name', ['名称', '组织名称', '单位名称']),
      col('creditCode', ['统一社会信用代码', '信用代码']),
      col('legalRep', ['法定代表人', '负责人']),
      col('industry', ['行业', '所属行业']),
      col('status', ['状态', '经营状态'], asEnum(organisationStatuses, organisationStatusLabels)),
      col('address', ['地址', '注册地址', '经营地址']),
      ...place,
      note,
    ],
  },
  components: {
    schema: newComponent,
    columns: [
      col('code', ['部件编码', '部件标识码', '编码'], digitsText('the component code')),
      col('classCode', ['部件类别', '小类代码', '类别', '小类'], asClass),
      col('name', ['名称', '部件名称']),
      col('ownerUnit', ['权属单位', '主管部门']),
      col('maintainerUnit', ['养护单位']),
      col('state', ['状态', '部件状态'], asEnum(componentStates, componentStateLabels)),
      col('address', ['地址', '位置描述']),
      col('installedOn', ['安装日期', '设置日期'], asDate),
      ...place,
      note,
    ],
  },
};

/** Columns people add for their own bookkeeping; ignored rather than reported. */
const ignored = new Set(['序号', 'no', 'no.', '#', '']);

export interface MappedSheet {
  /** header in the file → column spec */
  byHeader: Map<string, Column>;
  /** field → header as written in the file (for the report) */
  headerOf: Map<string, string>;
  errors: RowError[];
}

/** Matches the file's headers to fields. Unknown headers are errors: a typo must not drop a column silently. */
export function mapHeaders(type: RegistryType, sheet: Sheet): MappedSheet {
  const spec = importSpecs[type];
  const byHeader = new Map<string, Column>();
  const headerOf = new Map<string, string>();
  const errors: RowError[] = [];
  for (const h of sheet.headers) {
    const c = spec.columns.find((c) => c.headers.some((a) => a.toLowerCase() === h.toLowerCase()));
    if (c && headerOf.has(c.field)) {
      const other = headerOf.get(c.field)!;
      errors.push({ row: 1, column: h, reason: `the same field as column ${other}`, code: 'registry.import.duplicate_column', params: { other } });
    }
    else if (c) {
      byHeader.set(h, c);
      headerOf.set(c.field, h);
    } else if (!ignored.has(h.toLowerCase())) {
      const expected = spec.columns.map((c) => c.headers[1] ?? c.field).join(', ');
      errors.push({ row: 1, column: h, reason: `unknown column; expected one of ${expected}`, code: 'registry.import.unknown_column', params: { expected } });
    }
  }
  return { byHeader, headerOf, errors };
}

/** One row → the request body it stands for, or the problems of its cells (with the header as written). */
export function rowInput(type: RegistryType, mapped: MappedSheet, r: SheetRow): { input: unknown } | { errors: RowError[] } {
  const input: Record<string, unknown> = {};
  const errors: RowError[] = [];
  for (const [header, c] of mapped.byHeader) {
    const v = c.convert(r.cells.get(header) ?? null);
    if (v instanceof CellError) errors.push(rowError(r.row, header, v));
    else if (v !== undefined) input[c.field] = v;
  }
  if (errors.length) return { errors };
  const parsed = importSpecs[type].schema.safeParse(input);
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((i) => {
        const field = String(i.path[0] ?? '');
        return rowError(r.row, columnName(mapped, field), issueCode(i, field, input[field]));
      }),
    };
  }
  return { input: parsed.data };
}

export const columnName = (mapped: MappedSheet, field: string) => mapped.headerOf.get(field) ?? field;
