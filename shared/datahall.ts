import { z } from 'zod';

/**
 * Shapes of the data hall 数据大厅 and the open-data portal shared by the server and the console/portal.
 * Pure: zod schemas, their types and small helpers, nothing that touches a database.
 */

/** GB/T 43697-2024 数据安全分级: 核心 core / 重要 important / 一般 general */
export const securityGrades = ['core', 'important', 'general'] as const;
export const securityGrade = z.enum(securityGrades);
export type SecurityGrade = z.infer<typeof securityGrade>;

/** 共享类型: 无条件共享 / 有条件共享 / 不予共享 */
export const shareTypes = ['unconditional', 'conditional', 'none'] as const;
export const shareType = z.enum(shareTypes);
export type ShareType = z.infer<typeof shareType>;

/** 开放类型: 无条件开放 / 有条件开放 / 不予开放 */
export const openTypes = ['unconditional', 'conditional', 'none'] as const;
export const openType = z.enum(openTypes);
export type OpenType = z.infer<typeof openType>;

/** What kind of personal information a field holds; such a field can never be opened. */
export const piiKinds = ['id_number', 'phone', 'name', 'contact'] as const;
export const piiKind = z.enum(piiKinds);
export type PiiKind = z.infer<typeof piiKind>;

export const updateCycles = ['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly', 'irregular'] as const;
export const updateCycle = z.enum(updateCycles);

export const fieldTypes = ['text', 'number', 'date', 'datetime', 'boolean', 'geometry', 'code'] as const;

export const gradeLabels: Record<SecurityGrade, string> = { core: '核心', important: '重要', general: '一般' };
export const shareLabels: Record<ShareType, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' };
export const openLabels: Record<OpenType, string> = { unconditional: '无条件开放', conditional: '有条件开放', none: '不予开放' };

export const catalogueField = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(fieldTypes),
  pii: piiKind.nullable(),
  securityGrade: securityGrade,
  sensitivity: z.number().int(),
  shareType: shareType,
  openType: openType,
});
export type CatalogueField = z.infer<typeof catalogueField>;

export const catalogueResource = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(['table', 'upload', 'open']),
  title: z.string(),
  titleEn: z.string(),
  description: z.string(),
  owner: z.object({ code: z.string(), name: z.string() }),
  updateCycle: updateCycle,
  securityGrade: securityGrade,
  sensitivity: z.number().int(),
  shareType: shareType,
  openType: openType,
  approval: z.enum(['both', 'owner', 'admin']),
  tags: z.array(z.string()),
  theme: z.string(),
  licenseId: z.string(),
  version: z.number().int(),
  updatedAt: z.string(),
  fields: z.array(catalogueField),
});
export type CatalogueResource = z.infer<typeof catalogueResource>;

export const requestStates = ['pending', 'approved', 'refused', 'revoked'] as const;
export const decisionStates = ['pending', 'approved', 'refused', 'not_required'] as const;

export const sharingRequest = z.object({
  id: z.string(),
  resource: z.object({ code: z.string(), title: z.string(), owner: z.string() }),
  requester: z.object({ department: z.string().nullable(), consumer: z.string().nullable(), user: z.string() }),
  purpose: z.string(),
  fields: z.array(z.string()),
  clearFields: z.array(z.string()),
  area: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  state: z.enum(requestStates),
  ownerDecision: z.enum(decisionStates),
  adminDecision: z.enum(decisionStates),
  approvedFields: z.array(z.string()),
  approvedClearFields: z.array(z.string()),
  reason: z.string(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  keys: z.array(z.object({ id: z.string(), prefix: z.string(), createdAt: z.string(), revokedAt: z.string().nullable(), lastUsedAt: z.string().nullable() })),
});
export type SharingRequest = z.infer<typeof sharingRequest>;

export const accessEntry = z.object({
  seq: z.number(),
  at: z.string(),
  consumer: z.string(),
  resource: z.string(),
  owner: z.string(),
  fields: z.array(z.string()),
  rowCount: z.number(),
  purpose: z.string(),
  hash: z.string(),
});
export type AccessEntry = z.infer<typeof accessEntry>;

/** Open-data formats a dataset downloads in; GeoJSON only for datasets with geometry. */
export const openFormats = ['csv', 'json', 'geojson', 'xlsx'] as const;
export type OpenFormat = (typeof openFormats)[number];

export const openDataset = z.object({
  name: z.string(),
  title: z.string(),
  titleEn: z.string(),
  notes: z.string(),
  organization: z.object({ name: z.string(), title: z.string() }),
  tags: z.array(z.string()),
  theme: z.string(),
  licenseId: z.string(),
  licenseTitle: z.string(),
  licenseUrl: z.string(),
  updateCycle: z.string(),
  modified: z.string(),
  geo: z.boolean(),
  formats: z.array(z.enum(openFormats)),
  columns: z.array(z.object({ name: z.string(), label: z.string() })),
  suppression: z.string().nullable(),
});
export type OpenDatasetMeta = z.infer<typeof openDataset>;

/** Licences the portal offers (CKAN license_list ids). */
export const licences = [
  { id: 'cc-by-4.0', title: 'Creative Commons Attribution 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
  { id: 'cc-zero', title: 'Creative Commons CCZero', url: 'https://creativecommons.org/publicdomain/zero/1.0/' },
  { id: 'odc-by', title: 'Open Data Commons Attribution License', url: 'https://opendatacommons.org/licenses/by/1-0/' },
] as const;

export const licenceOf = (id: string) => licences.find((l) => l.id === id) ?? licences[0];
