import { sql, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withinScope } from '../../db/scope.ts';
import type { Condition, NewRule, Rule, Schedule, Severity } from '../rules/engine.ts';

export type AlarmStatus = 'active' | 'acknowledged' | 'cleared';
export type CaseLink = 'none' | 'pending' | 'opened' | 'linked' | 'failed';

export interface AlarmTable {
  id: import('kysely').Generated<string>;
  device_id: string;
  type: string;
  rule_id: string | null;
  severity: Severity;
  status: AlarmStatus;
  area_path: string;
  grid_code: string | null;
  h3: string | null;
  lon: number | null;
  lat: number | null;
  metric: string | null;
  first_value: number | null;
  last_value: number | null;
  count: number;
  raised_at: Date;
  last_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  cleared_at: Date | null;
  cleared_by: string | null;
  clear_reason: string | null;
  escalation_level: number;
  escalated_at: Date | null;
  case_link: CaseLink;
  case_id: string | null;
  case_code: string | null;
  case_error: string | null;
}

export interface RuleTable {
  id: import('kysely').Generated<string>;
  name: string;
  device_type: string | null;
  device_id: string | null;
  alarm_type: string;
  severity: Severity;
  condition: unknown;
  duration_s: number;
  schedule: unknown;
  case_category: string | null;
  escalate_after_min: number | null;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

declare module '../../db/tables.ts' {
  interface Tables {
    alarms: AlarmTable;
    alarm_rules: RuleTable;
  }
}

export type AlarmRow = Selectable<AlarmTable>;
export type RuleRow = Selectable<RuleTable>;

/** One raise-side outcome of a batch for one device+type, already aggregated (n readings, last value). */
export interface AlarmHit {
  deviceId: string;
  type: string;
  ruleId: string;
  severity: Severity;
  metric: string | null;
  firstValue: number | null;
  lastValue: number | null;
  n: number;
  at: Date;
  areaPath: string;
  gridCode: string | null;
  h3: string | null;
  lon: number | null;
  lat: number | null;
  wantsCase: boolean;
}

export const ruleFromRow = (r: RuleRow): Rule => ({
  id: r.id,
  name: r.name,
  deviceType: r.device_type,
  deviceId: r.device_id,
  alarmType: r.alarm_type,
  severity: r.severity,
  condition: r.condition as Condition,
  durationS: r.duration_s,
  schedule: (r.schedule as Schedule | null) ?? null,
  caseCategory: r.case_category,
  escalateAfterMin: r.escalate_after_min,
  enabled: r.enabled,
});

export const ruleToRow = (r: NewRule, at: Date) => ({
  name: r.name,
  device_type: r.deviceType ?? null,
  device_id: r.deviceId ?? null,
  alarm_type: r.alarmType,
  severity: r.severity,
  condition: JSON.stringify(r.condition),
  duration_s: r.durationS ?? 0,
  schedule: r.schedule ? JSON.stringify(r.schedule) : null,
  case_category: r.caseCategory ?? null,
  escalate_after_min: r.escalateAfterMin ?? null,
  enabled: r.enabled ?? true,
  updated_at: at,
});

export interface AlarmFilter {
  deviceId?: string;
  status?: AlarmStatus[];
  severity?: Severity;
  type?: string;
  /** an area code (district, street, community, grid): alarms inside it */
  area?: string;
}

export function createAlarmStore() {
  return {
    /**
     * Raise-or-repeat as one upsert on the partial unique index: whichever of two concurrent batches comes
     * second updates the first one's alarm instead of adding another. `xmax = 0` tells a fresh row from an
     * updated one, which decides whether an alarm was raised (audit, case, event) or only repeated.
     */
    async upsert(db: Db, h: AlarmHit): Promise<{ row: AlarmRow; inserted: boolean }> {
      const row = await db
        .insertInto('alarms')
        .values({
          device_id: h.deviceId, type: h.type, rule_id: h.ruleId, severity: h.severity, status: 'active', area_path: h.areaPath,
          grid_code: h.gridCode, h3: h.h3, lon: h.lon, lat: h.lat, metric: h.metric, first_value: h.firstValue, last_value: h.lastValue,
          count: h.n, raised_at: h.at, last_at: h.at, escalation_level: 0, case_link: h.wantsCase ? 'pending' : 'none',
        })
        .onConflict((oc) =>
          oc
            .columns(['device_id', 'type'])
            .where('status', '<>', 'cleared')
            .doUpdateSet({
              count: sql`alarms.count + excluded.count`,
              last_value: sql`excluded.last_value`,
              last_at: sql`greatest(alarms.last_at, excluded.last_at)`,
            }),
        )
        .returningAll()
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .executeTakeFirstOrThrow();
      const { inserted, ...alarm } = row;
      return { row: alarm as AlarmRow, inserted: Boolean(inserted) };
    },

    /** Clears the active alarm of a device+type, if any; returns it as cleared. */
    clearActive: (db: Db, deviceId: string, type: string, at: Date, by: string, reason: string, lastValue: number | null) =>
      db
        .updateTable('alarms')
        .set({ status: 'cleared', cleared_at: at, cleared_by: by, clear_reason: reason, last_value: sql`coalesce(${lastValue}::float8, last_value)` })
        .where('device_id', '=', deviceId)
        .where('type', '=', type)
        .where('status', '<>', 'cleared')
        .returningAll()
        .executeTakeFirst(),

    find: (db: Db, id: string, scopePath: string) => db.selectFrom('alarms').selectAll().where('id', '=', id).where(withinScope('area_path', scopePath)).executeTakeFirst(),

    findById: (db: Db, id: string) => db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst(),

    list(db: Db, scopePath: string, f: AlarmFilter, page: number, pageSize: number) {
      let q = db.selectFrom('alarms').where(withinScope('area_path', scopePath));
      if (f.deviceId) q = q.where('device_id', '=', f.deviceId);
      if (f.status?.length) q = q.where('status', 'in', f.status);
      if (f.severity) q = q.where('severity', '=', f.severity);
      if (f.type) q = q.where('type', '=', f.type);
      if (f.area) q = q.where(sql<boolean>`area_path <@ (select path from areas where code = ${f.area})`);
      return Promise.all([
        q.selectAll().orderBy('raised_at', 'desc').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },

    update: (db: Db, id: string, patch: Partial<Omit<AlarmTable, 'id'>>) => db.updateTable('alarms').set(patch).where('id', '=', id).returningAll().executeTakeFirst(),

    /** Active alarms at start-up: the rule engine learns which alarms are already up. */
    active: (db: Db) => db.selectFrom('alarms').select(['device_id', 'type']).where('status', '<>', 'cleared').execute(),

    pendingCases: (db: Db, limit: number) => db.selectFrom('alarms').selectAll().where('case_link', '=', 'pending').orderBy('raised_at').limit(limit).execute(),

    /** 升级: unacknowledged alarms past their rule's escalation time, claimed so two nodes never both escalate one. */
    dueForEscalation: (db: Db, now: Date) =>
      db
        .selectFrom('alarms')
        .innerJoin('alarm_rules', 'alarm_rules.id', 'alarms.rule_id')
        .selectAll('alarms')
        .select('alarm_rules.escalate_after_min')
        .where('alarms.status', '=', 'active')
        .where('alarms.severity', '<>', 'critical')
        .where('alarm_rules.escalate_after_min', 'is not', null)
        .where(sql<boolean>`coalesce(alarms.escalated_at, alarms.raised_at) + make_interval(mins => alarm_rules.escalate_after_min) <= ${now}`)
        .forUpdate('alarms')
        .skipLocked()
        .limit(500)
        .execute(),

    async countsBySeverity(db: Db, scopePath: string) {
      const rows = await db
        .selectFrom('alarms')
        .where(withinScope('area_path', scopePath))
        .where('status', '<>', 'cleared')
        .select(['severity', 'status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['severity', 'status'])
        .execute();
      return rows.map((r) => ({ severity: r.severity, status: r.status, n: Number(r.n) }));
    },

    /** Alarms raised in a window, counted per H3 cell (res 9), for hotspot maps. */
    async perCell(db: Db, scopePath: string, since: Date) {
      const rows = await db
        .selectFrom('alarms')
        .where(withinScope('area_path', scopePath))
        .where('raised_at', '>=', since)
        .where('h3', 'is not', null)
        .select(['h3', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('h3')
        .execute();
      return rows.map((r) => ({ h3: r.h3!, n: Number(r.n) }));
    },

    // ---- rules
    rules: (db: Db) => db.selectFrom('alarm_rules').selectAll().orderBy('created_at').orderBy('id').execute(),
    rule: (db: Db, id: string) => db.selectFrom('alarm_rules').selectAll().where('id', '=', id).executeTakeFirst(),
    insertRule: (db: Db, r: NewRule, at: Date) => db.insertInto('alarm_rules').values({ ...ruleToRow(r, at), created_at: at }).returningAll().executeTakeFirstOrThrow(),
    updateRule: (db: Db, id: string, r: NewRule, at: Date) => db.updateTable('alarm_rules').set(ruleToRow(r, at)).where('id', '=', id).returningAll().executeTakeFirst(),
    deleteRule: (db: Db, id: string) => db.deleteFrom('alarm_rules').where('id', '=', id).executeTakeFirst(),
  };
}

export type AlarmStore = ReturnType<typeof createAlarmStore>;
