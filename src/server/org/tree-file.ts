import type { z } from 'zod';
import { areaCode, departmentCode, type orgTreeRow } from '../../../shared/org.ts';
import type { ExportColumn } from '../http/export.ts';
import type { Cell, Sheet } from '../registry/imports/parse.ts';
import type { AreaLevel, AreaRow, DepartmentRow } from './store.ts';

/**
 * The org tree as one file (组织架构导入导出): areas and departments, one row each, told apart by 类型. The same
 * columns go out (export) and come back (import), so an admin can export, edit in Excel and re-import.
 */
export type OrgTreeRow = z.infer<typeof orgTreeRow>;

export const childLevel: Record<AreaLevel, AreaLevel | null> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: null };
/** digits each level adds to its parent's code (GB/T 2260 6-digit district, then 3 per level) */
const codeLength: Record<AreaLevel, number> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };

/** Why `code` cannot be a child of `parent` (an error code), or null when it can. The code carries the hierarchy. */
export function childCodeProblem(parent: Pick<AreaRow, 'code' | 'level'>, code: string): { code: string; detail: string } | null {
  const level = childLevel[parent.level];
  if (!level) return { code: 'area.grid_has_no_children', detail: 'a grid is the smallest area; it cannot have children' };
  const prefix = level === 'district' ? parent.code.slice(0, 4) : parent.code;
  if (code.length !== codeLength[level] || !code.startsWith(prefix) || code === parent.code) {
    return { code: 'area.bad_code', detail: `a ${level} code has ${codeLength[level]} digits and starts with ${prefix}` };
  }
  return null;
}

export const orgTreeColumns: readonly ExportColumn<OrgTreeRow>[] = [
  { zh: '类型', en: 'type', value: (r) => r.type },
  { zh: '编码', en: 'code', value: (r) => r.code },
  { zh: '名称', en: 'name', value: (r) => r.name },
  { zh: '英文名称', en: 'nameEn', value: (r) => r.nameEn },
  { zh: '上级编码', en: 'parentCode', value: (r) => r.parentCode },
  { zh: '层级或单位类型', en: 'kind', value: (r) => r.kind },
  { zh: '启用', en: 'active', value: (r) => (r.active ? 'true' : 'false') },
];

export function treeRows(areas: AreaRow[], departments: DepartmentRow[]): OrgTreeRow[] {
  return [
    ...areas.map((a) => ({ type: 'area' as const, code: a.code, name: a.name, nameEn: '', parentCode: a.parent_code, kind: a.level, active: a.active })),
    ...departments.map((d) => ({ type: 'department' as const, code: d.code, name: d.name, nameEn: d.name_en, parentCode: d.area_code, kind: d.kind, active: d.active })),
  ];
}

export interface ImportRowError {
  row: number;
  column: string;
  code: string;
  detail: string;
}

export interface TreePlan {
  newAreas: Omit<AreaRow, 'created_at' | 'verify_before_filing' | 'active'>[];
  renames: { code: string; name: string }[];
  departments: { row: Omit<DepartmentRow, 'created_at'>; exists: boolean }[];
}

/** What the importer needs to know about the database, read before validation (no writes). */
export interface TreeLookups {
  area(code: string): Promise<AreaRow | undefined>;
  /** the area is inside the importing admin's data scope */
  inScope(area: Pick<AreaRow, 'path'>): boolean;
  department(code: string): Promise<DepartmentRow | undefined>;
}

const field = (cells: Map<string, Cell>, zh: string, en: string) => {
  const v = cells.get(zh) ?? cells.get(en);
  return v === null || v === undefined ? '' : String(v).trim();
};
const typeWords: Record<string, 'area' | 'department'> = { area: 'area', 区划: 'area', 行政区划: 'area', department: 'department', 单位: 'department', 部门: 'department' };
const truthy: Record<string, boolean> = { '': true, true: true, '1': true, 是: true, 启用: true, yes: true, false: false, '0': false, 否: false, 停用: false, no: false };
const departmentKinds = ['functional', 'utility', 'territorial'] as const;

/**
 * Checks every row of the file and plans the writes; any problem is reported with its row and column and the
 * plan is not applied (nothing half-imported). Areas may name a parent created earlier or later in the same file.
 */
export async function planTreeImport(sheet: Sheet, db: TreeLookups): Promise<{ plan: TreePlan; errors: ImportRowError[] }> {
  const errors: ImportRowError[] = [];
  const plan: TreePlan = { newAreas: [], renames: [], departments: [] };
  const fail = (row: number, column: string, code: string, detail: string) => void errors.push({ row, column, code, detail });
  if (!sheet.headers.some((h) => h === '类型' || h === 'type') || !sheet.headers.some((h) => h === '编码' || h === 'code')) {
    fail(1, '类型', 'org_import.missing_columns', 'the first row names the columns: 类型, 编码, 名称, 上级编码, 层级或单位类型 (as in the export)');
    return { plan, errors };
  }
  const rows = sheet.rows.map((r) => ({
    line: r.row,
    type: typeWords[field(r.cells, '类型', 'type').toLowerCase()],
    rawType: field(r.cells, '类型', 'type'),
    code: field(r.cells, '编码', 'code'),
    name: field(r.cells, '名称', 'name'),
    nameEn: field(r.cells, '英文名称', 'nameEn'),
    parent: field(r.cells, '上级编码', 'parentCode'),
    kind: field(r.cells, '层级或单位类型', 'kind').toLowerCase(),
    active: truthy[field(r.cells, '启用', 'active').toLowerCase()],
  }));
  const seen = new Set<string>();
  const fileAreas = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    if (!r.type) fail(r.line, '类型', 'org_import.bad_type', `类型 "${r.rawType}" is neither area (区划) nor department (单位)`);
    else if (seen.has(`${r.type}:${r.code}`)) fail(r.line, '编码', 'org_import.duplicate', `${r.code} appears twice in the file`);
    else {
      seen.add(`${r.type}:${r.code}`);
      if (r.type === 'area') fileAreas.set(r.code, r);
    }
    if (!r.name || r.name.length > 100) fail(r.line, '名称', 'org_import.bad_name', 'a name has 1-100 characters');
    if (r.active === undefined) fail(r.line, '启用', 'org_import.bad_active', 'active is true/false (是/否)');
  }

  // An area's level and path come from its parent, which may itself be new: resolve parents first (memoised).
  const resolved = new Map<string, AreaRow | null>();
  async function areaFor(code: string, depth = 0): Promise<AreaRow | null> {
    if (resolved.has(code)) return resolved.get(code)!;
    resolved.set(code, null); // a cycle in the file resolves to "unknown parent"
    let out: AreaRow | null = (await db.area(code)) ?? null;
    const r = fileAreas.get(code);
    if (!out && r && depth < 6) {
      const parent = r.parent ? await areaFor(r.parent, depth + 1) : null;
      const level = parent ? childLevel[parent.level] : null;
      if (parent && level && !childCodeProblem(parent, code)) out = { code, name: r.name, level, path: `${parent.path}.${code}`, parent_code: parent.code, created_at: new Date(0), verify_before_filing: false, active: true };
    }
    resolved.set(code, out);
    return out;
  }

  for (const r of rows) {
    if (r.type === 'area') {
      if (!areaCode.safeParse(r.code).success) {
        fail(r.line, '编码', 'org_import.bad_code', 'area codes are 6, 9, 12 or 15 digits');
        continue;
      }
      const existing = await db.area(r.code);
      if (existing) {
        if (!db.inScope(existing)) fail(r.line, '编码', 'org_import.outside_scope', `area ${r.code} is outside your scope`);
        else if ((existing.parent_code ?? '') !== r.parent) fail(r.line, '上级编码', 'org_import.area_moved', `area ${r.code} sits under ${existing.parent_code ?? '(none)'}; an import cannot move it`);
        else if (r.name && existing.name !== r.name) plan.renames.push({ code: r.code, name: r.name });
        continue;
      }
      const parent = r.parent ? await areaFor(r.parent) : null;
      if (!parent) {
        fail(r.line, '上级编码', 'org_import.unknown_parent', `parent area ${r.parent || '(empty)'} does not exist and is not in the file`);
        continue;
      }
      if (!db.inScope(parent)) {
        fail(r.line, '上级编码', 'org_import.outside_scope', `area ${parent.code} is outside your scope`);
        continue;
      }
      const problem = childCodeProblem(parent, r.code);
      if (problem) {
        fail(r.line, '编码', problem.code, problem.detail);
        continue;
      }
      const level = childLevel[parent.level]!;
      if (r.kind && r.kind !== level) fail(r.line, '层级或单位类型', 'org_import.bad_level', `under a ${parent.level} comes a ${level}, not ${r.kind}`);
      else plan.newAreas.push({ code: r.code, name: r.name, level, path: `${parent.path}.${r.code}`, parent_code: parent.code });
    } else if (r.type === 'department') {
      if (!departmentCode.safeParse(r.code).success) {
        fail(r.line, '编码', 'org_import.bad_code', 'department codes are upper-case letters, digits and _');
        continue;
      }
      const kind = departmentKinds.find((k) => k === r.kind);
      if (!kind) {
        fail(r.line, '层级或单位类型', 'org_import.bad_kind', 'a department is functional, utility or territorial');
        continue;
      }
      if (r.parent) {
        const area = await areaFor(r.parent);
        if (!area) {
          fail(r.line, '上级编码', 'org_import.unknown_parent', `area ${r.parent} does not exist and is not in the file`);
          continue;
        }
        if (!db.inScope(area)) {
          fail(r.line, '上级编码', 'org_import.outside_scope', `area ${area.code} is outside your scope`);
          continue;
        }
      }
      const exists = (await db.department(r.code)) !== undefined;
      plan.departments.push({ exists, row: { code: r.code, name: r.name, name_en: r.nameEn, kind, area_code: r.parent || null, active: r.active ?? true } });
    }
  }
  // parents before children, so each insert finds its parent
  plan.newAreas.sort((a, b) => a.path.split('.').length - b.path.split('.').length);
  return { plan, errors };
}
