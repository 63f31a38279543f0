import { sql, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { likeText, withinScope } from '../../db/scope.ts';

export interface DeviceTable {
  id: string;
  name: string;
  type: string;
  lon: number | null;
  lat: number | null;
  grid_code: string | null;
  area_path: string;
  h3: string | null;
  owner_department: string | null;
  component_id: string | null;
  protocol: 'mqtt' | 'http';
  password_hash: string | null;
  token_hash: string | null;
  credentials_rotated_at: Date | null;
  enabled: boolean;
  last_seen: Date | null;
  latest: unknown;
  battery: number | null;
  signal: number | null;
  accepted_count: number;
  rejected_count: number;
  created_at: Date;
  updated_at: Date;
}

export interface GatewayTable {
  username: string;
  password_hash: string;
  scope_path: string;
  created_at: Date;
  updated_at: Date;
}

declare module '../../db/tables.ts' {
  interface Tables {
    devices: DeviceTable;
    mqtt_gateways: GatewayTable;
  }
}

export type DeviceRow = Selectable<DeviceTable>;
export type DeviceView = Omit<DeviceRow, 'password_hash' | 'token_hash'>;

const viewColumns = [
  'id', 'name', 'type', 'lon', 'lat', 'grid_code', 'area_path', 'h3', 'owner_department', 'component_id', 'protocol',
  'credentials_rotated_at', 'enabled', 'last_seen', 'latest', 'battery', 'signal', 'accepted_count', 'rejected_count',
  'created_at', 'updated_at',
] as const;

/** What the ingestion pipeline keeps per device in memory. */
export interface DeviceMeta {
  id: string;
  type: string;
  enabled: boolean;
  area_path: string;
  grid_code: string | null;
  h3: string | null;
  lon: number | null;
  lat: number | null;
  last_seen: Date | null;
  created_at: Date;
}

const metaColumns = ['id', 'type', 'enabled', 'area_path', 'grid_code', 'h3', 'lon', 'lat', 'last_seen', 'created_at'] as const;

export interface DeviceFilter {
  type?: string;
  grid?: string;
  q?: string;
  online?: boolean;
  onlineSince?: Date;
}

export interface LatestUpdate {
  id: string;
  ts: Date;
  values: Record<string, number>;
  accepted: number;
}

export function createDeviceStore() {
  return {
    list(db: Db, scopePath: string, f: DeviceFilter, page: number, pageSize: number) {
      let q = db.selectFrom('devices').where(withinScope('area_path', scopePath));
      if (f.type) q = q.where('type', '=', f.type);
      if (f.grid) q = q.where('grid_code', '=', f.grid);
      if (f.q) q = q.where((eb) => eb.or([eb('id', 'like', `%${likeText(f.q!)}%`), eb('name', 'like', `%${likeText(f.q!)}%`)]));
      if (f.online !== undefined && f.onlineSince) {
        const since = f.onlineSince;
        q = f.online ? q.where('last_seen', '>=', since) : q.where((eb) => eb.or([eb('last_seen', 'is', null), eb('last_seen', '<', since)]));
      }
      return Promise.all([
        q.select(viewColumns).orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },

    find: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('devices').select(viewColumns).where('id', '=', id).where(withinScope('area_path', scopePath)).executeTakeFirst(),

    exists: async (db: Db, ids: string[]) =>
      ids.length ? (await db.selectFrom('devices').select('id').where('id', 'in', ids).execute()).map((r) => r.id) : [],

    secretOf: (db: Db, id: string) => db.selectFrom('devices').select(['id', 'password_hash', 'enabled']).where('id', '=', id).executeTakeFirst(),

    byTokenHash: (db: Db, tokenHash: string) => db.selectFrom('devices').select(['id', 'enabled']).where('token_hash', '=', tokenHash).executeTakeFirst(),

    async insertMany(db: Db, rows: Insertable<DeviceTable>[]) {
      // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
      for (let i = 0; i < rows.length; i += 1000) await db.insertInto('devices').values(rows.slice(i, i + 1000)).execute();
    },

    update: (db: Db, id: string, patch: Partial<Omit<DeviceTable, 'id' | 'created_at'>>) =>
      db.updateTable('devices').set(patch).where('id', '=', id).returning(viewColumns).executeTakeFirst(),

    remove: (db: Db, id: string) => db.deleteFrom('devices').where('id', '=', id).executeTakeFirst(),

    /** Every device's routing facts, for the pipeline's in-memory table (a few MB for 100,000 devices). */
    allMeta: (db: Db) => db.selectFrom('devices').select(metaColumns).execute(),

    meta: (db: Db, ids: string[]) => (ids.length ? db.selectFrom('devices').select(metaColumns).where('id', 'in', ids).execute() : Promise.resolve([])),

    changedSince: (db: Db, since: Date) => db.selectFrom('devices').select(metaColumns).where('updated_at', '>', since).execute(),

    /**
     * Latest state of every device in a batch in one statement: unnest turns the arrays into rows, so the
     * statement has five parameters whatever the batch size. `greatest` keeps an older, late reading from
     * moving last_seen backwards.
     */
    async applyLatest(db: Db, updates: LatestUpdate[], rejected: Map<string, number>) {
      if (updates.length) {
        await sql`
          update devices d set
            last_seen = greatest(d.last_seen, u.ts),
            latest = case when d.last_seen is null or u.ts >= d.last_seen then d.latest || u.vals else d.latest end,
            battery = coalesce((u.vals ->> 'battery')::float8, d.battery),
            signal = coalesce((u.vals ->> 'rssi')::float8, d.signal),
            accepted_count = d.accepted_count + u.n
          from unnest(${updates.map((u) => u.id)}::text[], ${updates.map((u) => u.ts.toISOString())}::timestamptz[],
                      ${updates.map((u) => JSON.stringify(u.values))}::jsonb[], ${updates.map((u) => u.accepted)}::int[]) as u(id, ts, vals, n)
          where d.id = u.id`.execute(db);
      }
      if (rejected.size) {
        await sql`
          update devices d set rejected_count = d.rejected_count + u.n
          from unnest(${[...rejected.keys()]}::text[], ${[...rejected.values()]}::int[]) as u(id, n)
          where d.id = u.id`.execute(db);
      }
    },

    nameOf: async (db: Db, id: string) => (await db.selectFrom('devices').select('name').where('id', '=', id).executeTakeFirst())?.name,
    typeOf: async (db: Db, id: string) => (await db.selectFrom('devices').select('type').where('id', '=', id).executeTakeFirst())?.type,

    // ---- references a device may carry (owned by org and registry; only checked here)
    departmentExists: async (db: Db, code: string) => (await db.selectFrom('departments').select('code').where('code', '=', code).executeTakeFirst()) !== undefined,
    componentExists: async (db: Db, id: string) => (await db.selectFrom('components').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
    async areaNames(db: Db, codes: string[]) {
      if (!codes.length) return new Map<string, string>();
      const rows = await db.selectFrom('areas').select(['code', 'name']).where('code', 'in', codes).execute();
      return new Map(rows.map((r) => [r.code, r.name]));
    },

    // ---- gateways
    gateway: (db: Db, username: string) => db.selectFrom('mqtt_gateways').selectAll().where('username', '=', username).executeTakeFirst(),

    async upsertGateway(db: Db, g: GatewayTable) {
      await db
        .insertInto('mqtt_gateways')
        .values(g)
        .onConflict((oc) => oc.column('username').doUpdateSet({ password_hash: g.password_hash, scope_path: g.scope_path, updated_at: g.updated_at }))
        .execute();
    },

    /** Online = heard from since the cutoff; the dashboard's device online rate (设备在线率). */
    async onlineCounts(db: Db, scopePath: string, since: Date) {
      const rows = await db
        .selectFrom('devices')
        .where(withinScope('area_path', scopePath))
        .select(['type', (eb) => eb.fn.countAll<number>().as('total'), sql<number>`count(*) filter (where last_seen >= ${since})`.as('online')])
        .groupBy('type')
        .execute();
      return rows.map((r) => ({ type: r.type, total: Number(r.total), online: Number(r.online) }));
    },
  };
}

export type DeviceStore = ReturnType<typeof createDeviceStore>;
