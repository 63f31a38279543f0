import type { z } from 'zod';
import type { AlarmRow, RuleRow } from './alarms/store.ts';
import type { DeviceView } from './devices/store.ts';
import { ONLINE_INTERVALS } from './dashboard-service.ts';
import type { alarm, device, rule } from './schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// Presenters decide what leaves the API: never a password or token hash, never the ltree scope path.
/** `intervalS`: the device type's report interval (from the type catalog); online = heard from within 3 of them. */
export const presentDevice = (d: DeviceView, now: Date, intervalS: number): z.infer<typeof device> => {
  const interval = intervalS * 1000 * ONLINE_INTERVALS;
  return {
    id: d.id,
    name: d.name,
    type: d.type,
    lon: d.lon,
    lat: d.lat,
    gridCode: d.grid_code,
    h3: d.h3,
    ownerDepartment: d.owner_department,
    componentId: d.component_id,
    protocol: d.protocol,
    enabled: d.enabled,
    online: d.last_seen !== null && now.getTime() - d.last_seen.getTime() <= interval,
    lastSeen: iso(d.last_seen),
    latest: (d.latest ?? {}) as Record<string, number>,
    battery: d.battery,
    signal: d.signal,
    acceptedCount: Number(d.accepted_count),
    rejectedCount: Number(d.rejected_count),
    credentialsRotatedAt: iso(d.credentials_rotated_at),
    createdAt: d.created_at.toISOString(),
  };
};

export const presentAlarm = (a: AlarmRow): z.infer<typeof alarm> => ({
  id: a.id,
  deviceId: a.device_id,
  type: a.type,
  ruleId: a.rule_id,
  severity: a.severity,
  status: a.status,
  gridCode: a.grid_code,
  h3: a.h3,
  lon: a.lon,
  lat: a.lat,
  metric: a.metric,
  firstValue: a.first_value,
  lastValue: a.last_value,
  count: a.count,
  raisedAt: a.raised_at.toISOString(),
  lastAt: a.last_at.toISOString(),
  acknowledgedAt: iso(a.acknowledged_at),
  acknowledgedBy: a.acknowledged_by,
  clearedAt: iso(a.cleared_at),
  clearedBy: a.cleared_by,
  clearReason: a.clear_reason,
  escalationLevel: a.escalation_level,
  case: { link: a.case_link, code: a.case_code, error: a.case_error },
});

export const presentRule = (r: RuleRow): z.infer<typeof rule> => ({
  id: r.id,
  name: r.name,
  deviceType: r.device_type as z.infer<typeof rule>['deviceType'],
  deviceId: r.device_id,
  alarmType: r.alarm_type,
  severity: r.severity,
  condition: r.condition as z.infer<typeof rule>['condition'],
  durationS: r.duration_s,
  schedule: (r.schedule ?? null) as z.infer<typeof rule>['schedule'],
  caseCategory: r.case_category,
  escalateAfterMin: r.escalate_after_min,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});
