import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import { conflict, invalid, notFound } from '../../errors.ts';
import type { Condition } from '../rules/engine.ts';
import type { DeviceTypeCatalog } from './type-catalog.ts';
import type { DeviceTypeRow, DeviceTypeStore } from './type-store.ts';
import { commonMetrics, deviceTypes as shippedTypes, type DeviceType } from './types.ts';

/** Nodes tell each other a type changed, so every node's ingest checks the same ranges. */
export const DEVICE_TYPES_CHANNEL = 'civicgrid_device_types';

function metricsOf(c: Condition): string[] {
  if (c.kind === 'all' || c.kind === 'any') return c.conditions.flatMap(metricsOf);
  return c.kind === 'nodata' ? [] : [c.metric];
}

/** Rules a type's own data cannot break: ranges are ranges, the simulator's normal band lies inside them. */
function check(t: DeviceType) {
  for (const [name, m] of Object.entries(t.metrics)) {
    if (name in commonMetrics) throw invalid('device_type.reserved_metric', `${name} is reported by every device (battery, rssi); do not declare it`, { metric: name });
    if (!(m.min < m.max)) throw invalid('device_type.bad_range', `${name}: min ${m.min} must be below max ${m.max}`, { metric: name });
  }
  for (const [name, [lo, hi]] of Object.entries(t.normal)) {
    const m = t.metrics[name];
    if (!m || lo > hi || lo < m.min || hi > m.max) throw invalid('device_type.bad_normal', `normal band of ${name} must be a known metric's [low, high] inside its range`, { metric: name });
  }
}

/**
 * 感知设备类型 CRUD (admin). The table is the truth; this node's catalog is replaced after every change and on
 * the change signal of another node, so ingest (which reads the catalog synchronously) never queries per reading.
 */
export function createDeviceTypeService(deps: Deps, parts: { store: DeviceTypeStore; catalog: DeviceTypeCatalog }) {
  const { db, clock, audit, signals, logger } = deps;
  const { store, catalog } = parts;
  let unlisten: (() => Promise<void>) | null = null;

  async function reload() {
    catalog.replace(await store.all(db));
  }

  const record = (tx: typeof db, actor: Actor, action: string, code: string, detail: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'device_type', id: code }, detail);

  async function write(actor: Actor, action: string, code: string, detail: Record<string, unknown>, fn: (tx: typeof db) => Promise<unknown>) {
    await db.transaction().execute(async (tx) => {
      await fn(tx);
      await record(tx, actor, action, code, detail);
      await signals.notify(tx, DEVICE_TYPES_CHANNEL, code);
    });
    await reload();
  }

  return {
    reload,

    /** First start (or a database from before 0039): the shipped types become rows; then load and listen. */
    async load() {
      await store.seedIfEmpty(db, Object.values(shippedTypes), clock.now());
      await reload();
      unlisten ??= await signals.listen(DEVICE_TYPES_CHANNEL, () => void reload().catch((err: unknown) => logger.error({ err }, 'device types reload failed')), () => void reload().catch(() => undefined));
    },

    async close() {
      await unlisten?.();
      unlisten = null;
    },

    list(actor: Actor): Promise<DeviceTypeRow[]> {
      assertCan(actor, 'device.read');
      return store.all(db);
    },

    async create(actor: Actor, t: DeviceType): Promise<DeviceTypeRow> {
      assertCan(actor, 'devicetype.manage');
      check(t);
      if (await store.find(db, t.code)) throw conflict('device_type.exists', `device type ${t.code} already exists`);
      await write(actor, 'device_type.create', t.code, { metrics: Object.keys(t.metrics) }, (tx) => store.insert(tx, t, clock.now()));
      return (await store.find(db, t.code))!;
    },

    async update(actor: Actor, code: string, t: Omit<DeviceType, 'code'>): Promise<DeviceTypeRow> {
      assertCan(actor, 'devicetype.manage');
      const next = { ...t, code };
      check(next);
      const before = await store.find(db, code);
      if (!before) throw notFound('device_type', code);
      // A metric a rule watches cannot disappear: the rule would never fire again, silently.
      const removed = Object.keys(before.metrics).filter((m) => !(m in next.metrics));
      if (removed.length) {
        const users = (await store.rulesOf(db, code)).filter((r) => metricsOf(r.condition as Condition).some((m) => removed.includes(m)));
        if (users.length) throw conflict('device_type.metric_in_use', `alarm rules watch ${removed.join(', ')}: ${users.map((u) => u.name).join(', ')}`, { rules: users.map((u) => u.id) });
      }
      const changed = Object.entries(next.metrics).filter(([m, s]) => JSON.stringify(before.metrics[m]) !== JSON.stringify(s)).map(([m]) => m);
      await write(actor, 'device_type.update', code, { changedMetrics: changed, removedMetrics: removed, intervalS: next.intervalS }, (tx) => store.update(tx, next, clock.now()));
      return (await store.find(db, code))!;
    },

    async remove(actor: Actor, code: string): Promise<void> {
      assertCan(actor, 'devicetype.manage');
      if (!(await store.find(db, code))) throw notFound('device_type', code);
      const devices = await store.deviceCount(db, code);
      if (devices) throw conflict('device_type.in_use', `${devices} device(s) are of type ${code}`, { devices });
      const rules = await store.rulesOf(db, code);
      if (rules.length) throw conflict('device_type.in_use', `${rules.length} alarm rule(s) apply to type ${code}`, { rules: rules.map((r) => r.id) });
      await write(actor, 'device_type.delete', code, {}, (tx) => store.remove(tx, code));
    },
  };
}

export type DeviceTypeService = ReturnType<typeof createDeviceTypeService>;
