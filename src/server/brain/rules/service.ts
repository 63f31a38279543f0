import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import { invalid, notFound } from '../../errors.ts';
import type { TaxonomyService } from '../../taxonomy/service.ts';
import { ruleFromRow, type AlarmStore, type RuleRow } from '../alarms/store.ts';
import type { DeviceStore } from '../devices/store.ts';
import type { DeviceTypeCatalog } from '../devices/type-catalog.ts';
import type { Condition, NewRule, RuleEngine } from './engine.ts';

function metricsOf(c: Condition): string[] {
  if (c.kind === 'all' || c.kind === 'any') return c.conditions.flatMap(metricsOf);
  return c.kind === 'nodata' ? [] : [c.metric];
}

/** 预警规则 CRUD. Every change reloads the in-memory engine of this node; other nodes reload on their sweep. */
export function createRuleService(deps: Deps, parts: { alarms: AlarmStore; devices: DeviceStore; engine: RuleEngine; taxonomy?: Pick<TaxonomyService, 'current'>; types: DeviceTypeCatalog }) {
  const { db, clock, audit } = deps;
  const { alarms, engine } = parts;

  const record = (tx: typeof db, actor: Actor, action: string, id: string, detail: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'alarm_rule', id: id }, detail);

  async function reload() {
    engine.setRules((await alarms.rules(db)).map(ruleFromRow));
  }

  async function check(r: NewRule) {
    if (!r.deviceType === !r.deviceId) throw invalid('rule.bad_target', 'a rule applies to a device type or to one device: give exactly one of deviceType, deviceId');
    if (r.deviceType && !parts.types.get(r.deviceType)) throw invalid('rule.unknown_device_type', `device type ${r.deviceType} does not exist`);
    let type = r.deviceType ?? null;
    if (r.deviceId) {
      type = (await parts.devices.typeOf(db, r.deviceId)) ?? null;
      if (!type) throw invalid('rule.unknown_device', `device ${r.deviceId} does not exist`);
    }
    for (const m of metricsOf(r.condition)) {
      if (!parts.types.metricSpec(type!, m)) throw invalid('rule.unknown_metric', `a ${type} device does not report ${m}`);
    }
    if (r.caseCategory && parts.taxonomy && !(await parts.taxonomy.current()).category(r.caseCategory)) throw invalid('rule.unknown_category', `category ${r.caseCategory} is not in the taxonomy`);
  }

  return {
    reload,

    async list(actor: Actor): Promise<RuleRow[]> {
      assertCan(actor, 'alarm.read');
      return alarms.rules(db);
    },

    async create(actor: Actor, r: NewRule): Promise<RuleRow> {
      assertCan(actor, 'alarm.manage');
      await check(r);
      const row = await db.transaction().execute(async (tx) => {
        const x = await alarms.insertRule(tx, r, clock.now());
        await record(tx, actor, 'alarm_rule.create', x.id, { name: r.name, alarmType: r.alarmType });
        return x;
      });
      await reload();
      return row;
    },

    async update(actor: Actor, id: string, r: NewRule): Promise<RuleRow> {
      assertCan(actor, 'alarm.manage');
      if (!(await alarms.rule(db, id))) throw notFound('alarm_rule', id);
      await check(r);
      const row = await db.transaction().execute(async (tx) => {
        const x = await alarms.updateRule(tx, id, r, clock.now());
        await record(tx, actor, 'alarm_rule.update', id, { name: r.name, alarmType: r.alarmType });
        return x!;
      });
      await reload();
      return row;
    },

    async remove(actor: Actor, id: string): Promise<void> {
      assertCan(actor, 'alarm.manage');
      if (!(await alarms.rule(db, id))) throw notFound('alarm_rule', id);
      await db.transaction().execute(async (tx) => {
        await alarms.deleteRule(tx, id);
        await record(tx, actor, 'alarm_rule.delete', id, {});
      });
      await reload();
    },
  };
}

export type RuleService = ReturnType<typeof createRuleService>;
