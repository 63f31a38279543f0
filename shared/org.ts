import { z } from 'zod';
import { roles } from './permissions.ts';
import { pageQuery } from './paging.ts';

export const areaLevel = z.enum(['city', 'district', 'street', 'community', 'grid']);
export const areaCode = z.string().regex(/^[0-9]{6}([0-9]{3}){0,3}$/, 'area codes are 6, 9, 12 or 15 digits');

export const area = z.object({
  code: z.string(),
  name: z.string(),
  level: areaLevel,
  path: z.string(),
  parentCode: z.string().nullable(),
  /** 核实 before 立案: a grid's citizen reports are filed only after its grid worker verified them on site */
  verifyBeforeFiling: z.boolean(),
  /** false: disabled (停用) by an admin; old cases keep it, new cases and catalogue entries there are refused */
  active: z.boolean(),
});

export const areaQuery = pageQuery.extend({
  level: areaLevel.optional(),
  parent: areaCode.optional(),
  q: z.string().trim().min(1).max(50).optional(),
  /** true: only areas in use (pickers), an area under a disabled one counts as disabled; false: only disabled */
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const newArea = z.object({ code: areaCode, name: z.string().trim().min(1).max(100), parentCode: areaCode });

export const department = z.object({
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  kind: z.enum(['functional', 'utility', 'territorial']),
  areaCode: z.string().nullable(),
  active: z.boolean(),
});

export const departmentBody = z.object({
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().max(200).optional(),
  kind: z.enum(['functional', 'utility', 'territorial']),
  areaCode: areaCode.nullable().optional(),
  active: z.boolean().optional(),
});
export const departmentCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'department codes are upper-case letters, digits and _');

const username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'usernames are 2-64 characters: letters, digits, . _ -');

export const user = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  scope: z.string(),
  departmentCode: z.string().nullable(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  /** an admin set the password; the user must pick their own at next sign-in */
  mustChangePassword: z.boolean(),
  createdAt: z.string(),
});

export const newUser = z.object({
  username,
  displayName: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(256),
  roles: z.array(z.enum(roles)).min(1),
  scopeArea: areaCode,
  departmentCode: departmentCode.nullable().optional(),
  mustChangePassword: z.boolean().optional(),
});

export const userPatch = z
  .object({
    displayName: z.string().trim().min(1).max(100),
    roles: z.array(z.enum(roles)).min(1),
    scopeArea: areaCode,
    departmentCode: departmentCode.nullable(),
    disabled: z.boolean(),
    password: z.string().min(1).max(256),
    /** lifts the login backoff (failed-login count and lock) after the person proved who they are */
    unlock: z.literal(true),
    /** with a reset password: it is one-time, the user must change it at next sign-in */
    mustChangePassword: z.boolean(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');

export const userQuery = pageQuery.extend({
  role: z.enum(roles).optional(),
  department: departmentCode.optional(),
  q: z.string().trim().min(1).max(50).optional(),
});

// ---- admin screens (#18): department create/patch, area rename, org-tree import/export
export const departmentKind = z.enum(['functional', 'utility', 'territorial']);
export const newDepartment = departmentBody.extend({ code: departmentCode });
export const departmentPatch = departmentBody
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export const departmentQuery = z.object({
  q: z.string().trim().min(1).max(50).optional(),
  kind: departmentKind.optional(),
  active: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
export const areaPatch = z
  .object({ name: z.string().trim().min(1).max(100).optional(), verifyBeforeFiling: z.boolean().optional(), active: z.boolean().optional() })
  .refine((p) => p.name !== undefined || p.verifyBeforeFiling !== undefined || p.active !== undefined, { message: 'give a name, verifyBeforeFiling or active' });

/** One row of the org-tree file: an area (行政区划) or a department (处置单位), told apart by `type`. */
export const orgTreeRow = z.object({
  type: z.enum(['area', 'department']),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  /** area: its parent's code; department: the area it belongs to (may be empty) */
  parentCode: z.string().nullable(),
  /** area: its level; department: its kind */
  kind: z.string(),
  active: z.boolean(),
});

export const orgImportBody = z.object({
  filename: z.string().trim().min(1).max(200),
  /** the file's bytes, base64 (an org tree is small; multipart is kept for the registry's big files) */
  content: z.string().min(1).max(4_000_000),
  /** validate and report only */
  dryRun: z.boolean().optional(),
});

export const orgImportError = z.object({ row: z.number(), column: z.string(), code: z.string(), detail: z.string() });
export const orgImportResult = z.object({
  dryRun: z.boolean(),
  rows: z.number(),
  areasCreated: z.number(),
  areasRenamed: z.number(),
  departmentsCreated: z.number(),
  departmentsUpdated: z.number(),
});

export type Area = z.infer<typeof area>;
export type AreaLevel = z.infer<typeof areaLevel>;
export type UserDto = z.infer<typeof user>;
export type OrgImportError = z.infer<typeof orgImportError>;
export type OrgImportResult = z.infer<typeof orgImportResult>;
