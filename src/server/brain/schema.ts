import { z } from 'zod';
import { enumList, pageQuery } from '../../../shared/paging.ts';
import type { Condition } from './rules/engine.ts';

export const deviceId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, 'device ids are 2-64 characters: letters, digits, . _ -');
const departmentCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/);
/** a device type's code; which codes exist is data (device_types), checked by the services */
export const deviceTypeCode = z.string().regex(/^[a-z][a-z0-9_]{1,31}$/, 'type codes are 2-32 characters: a-z, digits, _');
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);

export const newDevice = z.object({
  id: deviceId,
  name: z.string().trim().min(1).max(100),
  type: deviceTypeCode,
  lon,
  lat,
  ownerDepartment: departmentCode.nullable().optional(),
  componentId: z.uuid().nullable().optional(),
  protocol: z.enum(['mqtt', 'http']).optional(),
  /** a chosen password (argon2id-hashed); omit it and the server generates one */
  password: z.string().min(10).max(256).optional(),
});
export type NewDeviceInput = z.infer<typeof newDevice>;

export const devicePatch = z
  .object({
    name: z.string().trim().min(1).max(100),
    lon,
    lat,
    ownerDepartment: departmentCode.nullable(),
    componentId: z.uuid().nullable(),
    enabled: z.boolean(),
    protocol: z.enum(['mqtt', 'http']),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');

export const deviceQuery = pageQuery.extend({
  type: deviceTypeCode.optional(),
  grid: z.string().regex(/^[0-9]{15}$/).optional(),
  q: z.string().trim().min(1).max(50).optional(),
  online: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const device = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  gridCode: z.string().nullable(),
  h3: z.string().nullable(),
  ownerDepartment: z.string().nullable(),
  componentId: z.string().nullable(),
  protocol: z.string(),
  enabled: z.boolean(),
  online: z.boolean(),
  lastSeen: z.string().nullable(),
  latest: z.record(z.string(), z.number()),
  battery: z.number().nullable(),
  signal: z.number().nullable(),
  acceptedCount: z.number(),
  rejectedCount: z.number(),
  credentialsRotatedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const credentials = z.object({ username: z.string(), password: z.string(), token: z.string() }).describe('shown once; only hashes are stored');

export const importBody = z.object({ devices: z.array(z.unknown()).min(1) });

const alarmStatuses = ['active', 'acknowledged', 'cleared'] as const;
export const alarmStatus = z.enum(alarmStatuses);
export const severity = z.enum(['warning', 'minor', 'major', 'critical']);

export const alarmQuery = pageQuery.extend({
  deviceId: deviceId.optional(),
  status: enumList(alarmStatuses),
  severity: severity.optional(),
  type: z.string().max(64).optional(),
  /** an area code (district … grid): alarms inside it */
  area: z.string().regex(/^[0-9]{2,15}$/).optional(),
});

export const alarmCaseBody = z
  .object({ caseCode: z.string().regex(/^[0-9]{13}$/).optional(), category: z.string().regex(/^[0-9]{4}$/).optional() })
  .refine((b) => !(b.caseCode && b.category), 'give caseCode (link an open case) or category (open a new one), not both');

export const alarm = z.object({
  id: z.string(),
  deviceId: z.string(),
  type: z.string(),
  ruleId: z.string().nullable(),
  severity,
  status: alarmStatus,
  gridCode: z.string().nullable(),
  h3: z.string().nullable(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  metric: z.string().nullable(),
  firstValue: z.number().nullable(),
  lastValue: z.number().nullable(),
  count: z.number(),
  raisedAt: z.string(),
  lastAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  clearedAt: z.string().nullable(),
  clearedBy: z.string().nullable(),
  clearReason: z.string().nullable(),
  escalationLevel: z.number(),
  case: z.object({ link: z.string(), code: z.string().nullable(), error: z.string().nullable() }),
});

const metric = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);

export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('threshold'), metric, op: z.enum(['>', '>=', '<', '<=']), value: z.number(), clearValue: z.number().optional() }),
    z.object({ kind: z.literal('rate'), metric, perMinute: z.number().positive(), direction: z.enum(['up', 'down', 'any']) }).describe('rate of change per minute, measured between readings at least 30 s apart'),
    z.object({ kind: z.literal('nodata'), minutes: z.number().positive().max(10_080) }),
    z.object({ kind: z.literal('all'), conditions: z.array(condition).min(1).max(10) }),
    z.object({ kind: z.literal('any'), conditions: z.array(condition).min(1).max(10) }),
  ]),
) as z.ZodType<Condition>;

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');

export const ruleBody = z.object({
  name: z.string().trim().min(1).max(100),
  deviceType: deviceTypeCode.nullable().optional(),
  deviceId: deviceId.nullable().optional(),
  alarmType: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
  severity,
  condition,
  durationS: z.number().int().min(0).max(86_400).optional(),
  schedule: z.object({ days: z.array(z.number().int().min(1).max(7)).max(7).optional(), from: hhmm, to: hhmm }).nullable().optional(),
  caseCategory: z.string().regex(/^[0-9]{4}$/).nullable().optional(),
  escalateAfterMin: z.number().int().min(1).max(10_080).nullable().optional(),
  enabled: z.boolean().optional(),
});

export const rule = ruleBody.extend({ id: z.string(), createdAt: z.string(), updatedAt: z.string() });

/** HTTP telemetry: one reading, or `{readings:[…]}` (up to 1,000, all or nothing). */
export const telemetryBody = z.union([
  z.object({ readings: z.array(z.unknown()).min(1).max(1000) }),
  z.object({ ts: z.unknown().optional(), values: z.unknown() }),
]);

export const historyQuery = z.object({
  metric: metric.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  res: z.enum(['raw', '5m', '1h']).default('raw'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const hotspotQuery = z.object({
  window: z.string().regex(/^[0-9]{1,4}[hd]$/, 'window is like 24h or 7d').default('24h'),
  res: z.coerce.number().int().min(5).max(9).default(8),
});

const metricSpecBody = z.object({ unit: z.string().trim().max(20), min: z.number(), max: z.number() });

/** 感知设备类型 as an admin edits it: metrics with unit and valid range, the report interval, a healthy band per metric. */
export const deviceTypeBody = z.object({
  zh: z.string().trim().min(1).max(100),
  en: z.string().trim().min(1).max(100),
  intervalS: z.number().int().min(1).max(86_400),
  metrics: z.record(metric, metricSpecBody).refine((m) => Object.keys(m).length >= 1 && Object.keys(m).length <= 32, 'declare 1 to 32 metrics'),
  normal: z.record(metric, z.tuple([z.number(), z.number()])).default({}),
});
export const newDeviceType = deviceTypeBody.extend({ code: deviceTypeCode });

export const deviceTypeView = z.object({
  code: z.string(),
  zh: z.string(),
  en: z.string(),
  intervalS: z.number(),
  metrics: z.record(z.string(), z.object({ unit: z.string(), min: z.number(), max: z.number() })),
  normal: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
