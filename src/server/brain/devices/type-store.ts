import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { DeviceType, MetricSpec } from './types.ts';

export interface DeviceTypeTable {
  code: string;
  zh: string;
  en: string;
  interval_s: number;
  metrics: unknown;
  normal: unknown;
  created_at: Date;
  updated_at: Date;
}

declare module '../../db/tables.ts' {
  interface Tables {
    device_types: DeviceTypeTable;
  }
}

export interface DeviceTypeRow extends DeviceType {
  createdAt: Date;
  updatedAt: Date;
}

const fromRow = (r: DeviceTypeTable): DeviceTypeRow => ({
  code: r.code,
  zh: r.zh,
  en: r.en,
  intervalS: r.interval_s,
  metrics: r.metrics as Record<string, MetricSpec>,
  normal: (r.normal ?? {}) as Record<string, [number, number]>,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toRow = (t: DeviceType, at: Date) => ({
  code: t.code, zh: t.zh, en: t.en, interval_s: t.intervalS, metrics: JSON.stringify(t.metrics), normal: JSON.stringify(t.normal), updated_at: at,
});

/** SQL of the device types table (migration 0039), and the usage checks a change or delete needs. */
export function createDeviceTypeStore() {
  return {
    all: async (db: Db) => (await db.selectFrom('device_types').selectAll().orderBy('code').execute()).map(fromRow),
    find: async (db: Db, code: string) => {
      const r = await db.selectFrom('device_types').selectAll().where('code', '=', code).executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    /** Writes the given types where none exists yet (first start, or an upgraded database); returns how many. */
    async seedIfEmpty(db: Db, types: DeviceType[], at: Date): Promise<number> {
      const n = await db.selectFrom('device_types').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      if (Number(n.n) > 0 || !types.length) return 0;
      const r = await db.insertInto('device_types').values(types.map((t) => ({ ...toRow(t, at), created_at: at }))).onConflict((oc) => oc.column('code').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0);
    },
    insert: (db: Db, t: DeviceType, at: Date) => db.insertInto('device_types').values({ ...toRow(t, at), created_at: at }).execute(),
    update: async (db: Db, t: DeviceType, at: Date) => {
      const { code, ...rest } = toRow(t, at);
      const r = await db.updateTable('device_types').set(rest).where('code', '=', code).returningAll().executeTakeFirst();
      return r ? fromRow(r) : undefined;
    },
    remove: (db: Db, code: string) => db.deleteFrom('device_types').where('code', '=', code).executeTakeFirst(),
    deviceCount: async (db: Db, code: string) =>
      Number((await db.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', code).executeTakeFirstOrThrow()).n),
    /** rules aimed at the type itself or at one of its devices: a removed metric must not leave them blind */
    rulesOf: async (db: Db, code: string) =>
      (
        await sql<{ id: string; name: string; condition: unknown }>`select r.id, r.name, r.condition from alarm_rules r
          left join devices d on d.id = r.device_id where r.device_type = ${code} or d.type = ${code}`.execute(db)
      ).rows,
  };
}

export type DeviceTypeStore = ReturnType<typeof createDeviceTypeStore>;
