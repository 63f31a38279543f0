import { z } from 'zod';
import { openType, securityGrade, shareType, updateCycle } from '../../../shared/datahall.ts';

export { accessEntry, catalogueResource, sharingRequest } from '../../../shared/datahall.ts';

const code = z.string().regex(/^[a-z0-9][a-z0-9_-]{1,99}$/, 'lowercase letters, digits, - and _');

export const catalogueQuery = z.object({
  q: z.string().trim().max(100).optional(),
  owner: z.string().max(32).optional(),
  kind: z.enum(['table', 'upload', 'open']).optional(),
  grade: securityGrade.optional(),
});

export const gradePatch = z.object({
  securityGrade: securityGrade.optional(),
  sensitivity: z.number().int().min(1).max(4).optional(),
  shareType: shareType.optional(),
  openType: openType.optional(),
});

export const resourcePatch = gradePatch.extend({ approval: z.enum(['both', 'owner', 'admin']).optional(), updateCycle: updateCycle.optional() });

export const uploadBody = z.object({
  code,
  title: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  filename: z.string().min(1).max(200),
  /** the file's bytes, base64 */
  content: z.string().min(1),
  openType: openType.optional(),
});

export const newConsumer = z.object({ name: z.string().trim().min(1).max(100), contact: z.string().max(200).optional() });
export const consumer = z.object({ id: z.string(), name: z.string(), contact: z.string(), createdAt: z.string() });

export const newRequest = z.object({
  resource: code,
  purpose: z.string().trim().min(4).max(500),
  fields: z.array(z.string().max(63)).min(1).max(100),
  clearFields: z.array(z.string().max(63)).max(100).optional(),
  /** row scope: the area code whose rows may be read */
  area: z.string().regex(/^[0-9]{6}([0-9]{3}){0,3}$/),
  validFrom: z.iso.datetime({ offset: true }),
  validTo: z.iso.datetime({ offset: true }),
  consumerId: z.uuid().optional(),
});

export const decisionBody = z.object({
  decision: z.enum(['approve', 'refuse']),
  fields: z.array(z.string().max(63)).max(100).optional(),
  clearFields: z.array(z.string().max(63)).max(100).optional(),
  reason: z.string().max(500).optional(),
});

export const revokeBody = z.object({ reason: z.string().trim().min(1).max(500) });

export const requestQuery = z.object({ inbox: z.enum(['true', 'false']).optional(), state: z.enum(['pending', 'approved', 'refused', 'revoked']).optional() });

export const sharedQuery = z.object({
  /** comma-separated subset of the approved fields */
  fields: z.string().max(2000).optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});

export const sharedPage = z.object({
  resource: z.string(),
  fields: z.array(z.string()),
  /** fields sent masked (personal information without approved clear access) */
  masked: z.array(z.string()),
  items: z.array(z.record(z.string(), z.unknown())),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const verifyResult = z.object({
  ok: z.boolean(),
  checked: z.number(),
  heads: z.number(),
  broken: z.object({ seq: z.number(), reason: z.string() }).optional(),
});

export const chainHead = z.object({ day: z.string(), lastSeq: z.number(), headHash: z.string(), entries: z.number(), publishedAt: z.string() });
