import { z } from 'zod';
import { cursorParam, enumList, pageQuery } from '../paging.ts';
import { areaCode, departmentCode } from '../org.ts';
import { caseStates, httpActions } from './state-machine.ts';

export const caseCode = z.string().regex(/^[0-9]{13}$/, 'a case code is 13 digits: YYYYMMDD and a 5-digit number');
const categoryCode = z.string().regex(/^[0-9]{4}$/, 'category codes are 4 digits');
const natureCode = z.enum(['consult', 'help', 'complaint', 'report', 'suggest', 'praise']);
export const channel = z.enum(['hotline', 'web', 'app', 'gridworker', 'iot', 'api', 'open311']);
export const rating = z.enum(['satisfied', 'basically_satisfied', 'unsatisfied']).describe('满意 / 基本满意 / 不满意');
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);

export const newCase = z.object({
  channel: channel.describe('hotline (12345 clerk), web, app, gridworker (patrol), api'),
  text: z.string().trim().min(2).max(4000),
  nature: natureCode.optional(),
  category: categoryCode.optional().describe('taxonomy leaf; omitted → triage or the dispatcher decides'),
  lon: lon.optional(),
  lat: lat.optional(),
  address: z.string().trim().max(300).optional(),
  reporter: z
    .object({
      name: z.string().trim().max(50).optional(),
      phone: z.string().trim().max(30).optional(),
      email: z.email().max(200).optional(),
      anonymous: z.boolean().optional(),
    })
    .optional(),
  priority: z.number().int().min(1).max(4).optional(),
  urgent: z.boolean().optional(),
  externalRef: z.string().trim().max(100).optional(),
});

export const actionBody = z.object({
  action: z.enum(httpActions as [string, ...string[]]).describe('file, reject, answer, void, merge, dispatch, accept, object, redispatch, request_extension, approve_extension, deny_extension, park, unpark, report, check, rework, close, rate; note (备注, any case still in the books, reason = the note) and urge (催办, open cases) record without moving the case'),
  version: z.number().int().min(1).optional(),
  reason: z.string().trim().max(2000).optional(),
  attachments: z.array(z.uuid()).max(20).optional(),
  category: categoryCode.optional(),
  nature: natureCode.optional(),
  urgent: z.boolean().optional(),
  priority: z.number().int().min(1).max(4).optional(),
  department: departmentCode.optional(),
  coDepartments: z.array(departmentCode).max(10).optional(),
  into: caseCode.optional(),
  hours: z.number().positive().max(720).optional(),
  answer: z.string().trim().max(4000).optional(),
  rating: rating.optional(),
  comment: z.string().trim().max(1000).optional(),
});

const yesNo = z.enum(['true', 'false']).transform((v) => v === 'true');

export const caseQuery = pageQuery.extend({
  state: enumList(caseStates),
  category: categoryCode.optional(),
  source: channel.optional().describe('intake channel'),
  channel: channel.optional(),
  grid: areaCode.optional().describe('any area code: cases in its subtree'),
  urgent: yesNo.optional(),
  supervision: z.enum(['none', 'yellow', 'red']).optional(),
  cursor: cursorParam,
  sort: z.enum(['newest', 'urgent']).optional().describe('urgent: urgent cases first (the dispatch queue); default newest first'),
});

const event = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  actorName: z.string().nullable().describe('the person\'s display name (null for the system or a citizen)'),
  actorUnit: z.string().nullable().describe('department code of the person at the time of reading'),
  action: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  reason: z.string().nullable(),
  attachments: z.array(z.string()),
  payload: z.unknown(),
});

const attachment = z.object({
  id: z.string(),
  kind: z.enum(['photo', 'document']),
  contentType: z.string(),
  sizeBytes: z.number(),
  fileName: z.string(),
  uploadedBy: z.string(),
  locationStripped: z.boolean(),
  createdAt: z.string(),
});

export const caseSummary = z.object({
  code: z.string(),
  channel,
  state: z.enum(caseStates),
  stateName: z.string(),
  version: z.number(),
  text: z.string(),
  nature: z.string().nullable(),
  category: z.object({ code: z.string(), name: z.string() }).nullable(),
  priority: z.number(),
  urgent: z.boolean(),
  location: z.object({ lon: z.number().nullable(), lat: z.number().nullable(), address: z.string().nullable(), gridCode: z.string().nullable(), h3: z.string().nullable() }),
  reporter: z.object({ anonymous: z.boolean(), name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }).describe('masked'),
  department: z.object({ main: z.string().nullable(), co: z.array(z.string()) }),
  deadlines: z.object({
    dispatchedAt: z.string().nullable(),
    dueAt: z.string().nullable(),
    yellowAt: z.string().nullable(),
    stepDueAt: z.string().nullable(),
    allowedHours: z.number().nullable(),
    workingTime: z.boolean().nullable(),
    pausedSince: z.string().nullable(),
    pausedMs: z.number(),
    pendingExtensionHours: z.number().nullable(),
  }),
  supervision: z.enum(['none', 'yellow', 'red']),
  mergedInto: z.string().nullable(),
  answer: z.string().nullable(),
  rating: z.object({ value: rating, comment: z.string().nullable(), at: z.string() }).nullable(),
  reworkCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
});

export const caseDetail = caseSummary.extend({
  allowedActions: z.array(z.string()),
  /** 核实: when the report was last verified on site (a grid may require it before 立案) */
  verifiedAt: z.string().nullable(),
  timeline: z.array(event),
  attachments: z.array(attachment),
  objections: z.array(z.object({ department: z.string(), reason: z.string(), by: z.string(), at: z.string(), redispatchedTo: z.string().nullable() })),
});

export const intakeResult = caseDetail.extend({
  duplicates: z.array(z.object({ caseCode: z.string(), score: z.number() })),
  ratingToken: z.string().describe('give this to the reporter: it lets them rate the answer without an account (shown once)'),
  ratingCode: z.string().regex(/^[0-9]{6}$/).describe('评价码: six digits to read to the caller; rates with their phone (attempt-limited)'),
});

export const attachmentView = attachment;

export const publicCase = z.object({
  code: z.string(),
  state: z.enum(caseStates),
  stateName: z.string(),
  category: z.object({ code: z.string(), name: z.string(), nameEn: z.string().describe('English name, for the portal in English') }).nullable(),
  department: z.object({ code: z.string(), name: z.string(), nameEn: z.string() }).nullable(),
  createdAt: z.string(),
  expectedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  answer: z.string().nullable(),
  location: z.object({ lon: z.number(), lat: z.number() }).nullable().describe('rounded to ~100 m'),
  mergedInto: z.string().nullable(),
  rating: rating.nullable(),
  timeline: z.array(z.object({ action: z.string(), state: z.string(), stateName: z.string(), at: z.string() })),
  photos: z.array(z.string()).describe('ids of public photo copies (EXIF/GPS removed)'),
});

export const publicRating = z.object({ ratingToken: z.string().min(10).max(100), rating, comment: z.string().trim().max(1000).optional() });

export const revealBody = z.object({ purpose: z.string().trim().min(4).max(200).describe('why the contacts are needed (recorded in the audit log)') });
export const reporterClear = z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() });

export const duplicatesQuery = z.object({ text: z.string().trim().min(2).max(4000), lon: z.coerce.number().min(-180).max(180), lat: z.coerce.number().min(-90).max(90), category: categoryCode.optional() });

export const notification = z.object({
  id: z.number(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  caseCode: z.string().nullable(),
  read: z.boolean(),
  createdAt: z.string(),
});
export const notificationQuery = pageQuery.extend({ unread: yesNo.optional(), kind: z.string().max(60).optional() });
