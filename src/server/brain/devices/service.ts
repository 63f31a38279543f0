import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import { AppError, conflict, invalid, notFound } from '../../errors.ts';
import { assertPlaceInScope } from '../policy.ts';
import type { GeoService } from '../../geo/service.ts';
import type { Page } from '../../../../shared/paging.ts';
import { secretDigest } from '../../privacy/pii.ts';
import { readImportFile } from './import-file.ts';
import { generateSecret, hashDeviceSecret, type CredentialCache } from './credentials.ts';
import type { DeviceFilter, DeviceStore, DeviceTable, DeviceView } from './store.ts';
import type { DeviceTypeCatalog } from './type-catalog.ts';
import type { Pipeline } from '../ingest/queue.ts';
import { newDevice, type NewDeviceInput } from '../schema.ts';

export interface Credentials {
  username: string;
  password: string;
  token: string;
}

export const MAX_IMPORT_ROWS = 20_000;

/**
 * Devices: registry, placement (point → grid, H3), credentials shown once, bulk import all-or-nothing.
 * The ingestion pipeline's in-memory table is told of every change, so a new device publishes at once.
 */
export function createDeviceService(deps: Deps, parts: { devices: DeviceStore; pipeline: () => Pipeline; credentialCache: CredentialCache; geo: Pick<GeoService, 'locate'>; types: DeviceTypeCatalog }) {
  const { db, clock, audit } = deps;
  const { devices } = parts;
  const { geo } = parts;

  const record = (tx: typeof db, actor: Actor, action: string, id: string, detail: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'device', id: id }, detail);

  /** Where a device stands: its grid (which gives the data scope) and H3 cell. */
  async function place(actor: Actor, lon: number, lat: number) {
    const located = await geo.locate(lon, lat);
    if (!located) throw invalid('device.outside_city', `(${lon}, ${lat}) is outside every grid of this city`);
    assertPlaceInScope(actor, located.grid);
    return { grid_code: located.grid.code, area_path: located.grid.path, h3: located.h3 };
  }

  async function checkRefs(input: { ownerDepartment?: string | null; componentId?: string | null }) {
    if (input.ownerDepartment && !(await devices.departmentExists(db, input.ownerDepartment))) throw invalid('department.unknown', `department ${input.ownerDepartment} does not exist`);
    if (input.componentId && !(await devices.componentExists(db, input.componentId))) throw invalid('device.unknown_component', `component ${input.componentId} does not exist`);
  }

  async function credentialsFor(id: string, password?: string) {
    const pw = password ?? generateSecret();
    const token = generateSecret();
    return { creds: { username: id, password: pw, token }, password_hash: await hashDeviceSecret(pw, password === undefined), token_hash: secretDigest(token) };
  }

  async function rowFor(actor: Actor, input: NewDeviceInput, now: Date): Promise<{ row: DeviceTable; creds: Credentials }> {
    if (!parts.types.get(input.type)) throw invalid('device.unknown_type', `device type ${input.type} is unknown`, { allowed: parts.types.codes() });
    const where = await place(actor, input.lon, input.lat);
    const { creds, password_hash, token_hash } = await credentialsFor(input.id, input.password);
    return {
      creds,
      row: {
        id: input.id, name: input.name, type: input.type, lon: input.lon, lat: input.lat, ...where, owner_department: input.ownerDepartment ?? null,
        component_id: input.componentId ?? null, protocol: input.protocol ?? 'mqtt', password_hash, token_hash, credentials_rotated_at: now, enabled: true,
        last_seen: null, latest: '{}', battery: null, signal: null, accepted_count: 0, rejected_count: 0, created_at: now, updated_at: now,
      },
    };
  }

  const toMeta = (r: DeviceTable) => ({ id: r.id, type: r.type, enabled: r.enabled, area_path: r.area_path, grid_code: r.grid_code, h3: r.h3, lon: r.lon, lat: r.lat, last_seen: r.last_seen, created_at: r.created_at });

  async function visible(actor: Actor, id: string): Promise<DeviceView> {
    const d = await devices.find(db, id, actor.scopePath);
    if (!d) throw notFound('device', id);
    return d;
  }

  /** The in-memory latest state is fresher than the row (written at most once a second); show the fresher. */
  function withLatest(d: DeviceView): DeviceView {
    const mem = parts.pipeline().latestOf(d.id);
    if (!mem || (d.last_seen && d.last_seen.getTime() > mem.ts)) return d;
    return { ...d, last_seen: new Date(mem.ts), latest: { ...(d.latest as object), ...mem.values } };
  }

  return {
    async list(actor: Actor, filter: DeviceFilter, page: number, pageSize: number): Promise<Page<DeviceView>> {
      assertCan(actor, 'device.read');
      const [items, total] = await devices.list(db, actor.scopePath, filter, page, pageSize);
      return { items: items.map(withLatest), total, page, pageSize };
    },

    async get(actor: Actor, id: string) {
      assertCan(actor, 'device.read');
      return withLatest(await visible(actor, id));
    },

    async create(actor: Actor, input: NewDeviceInput): Promise<{ device: DeviceView; credentials: Credentials }> {
      assertCan(actor, 'device.manage');
      await checkRefs(input);
      if ((await devices.exists(db, [input.id])).length) throw conflict('device.exists', `device ${input.id} already exists`);
      const now = clock.now();
      const { row, creds } = await rowFor(actor, input, now);
      await db.transaction().execute(async (tx) => {
        await devices.insertMany(tx, [row]);
        await record(tx, actor, 'device.create', row.id, { type: row.type, grid: row.grid_code });
      });
      parts.pipeline().upsertMeta(toMeta(row));
      return { device: (await devices.find(db, row.id, actor.scopePath))!, credentials: creds };
    },

    async update(actor: Actor, id: string, patch: { name?: string; lon?: number; lat?: number; ownerDepartment?: string | null; componentId?: string | null; enabled?: boolean; protocol?: 'mqtt' | 'http' }) {
      assertCan(actor, 'device.manage');
      const current = await visible(actor, id);
      await checkRefs(patch);
      if ((patch.lon === undefined) !== (patch.lat === undefined)) throw invalid('device.bad_location', 'send both lon and lat, or neither');
      const where = patch.lon !== undefined ? { lon: patch.lon, lat: patch.lat!, ...(await place(actor, patch.lon, patch.lat!)) } : {};
      const row = await db.transaction().execute(async (tx) => {
        const r = await devices.update(tx, id, {
          name: patch.name, owner_department: patch.ownerDepartment, component_id: patch.componentId, enabled: patch.enabled, protocol: patch.protocol, ...where, updated_at: clock.now(),
        });
        await record(tx, actor, 'device.update', id, { changed: Object.keys(patch) });
        return r!;
      });
      // keep the fresher last_seen the pipeline holds in memory
      const known = parts.pipeline().device(id);
      parts.pipeline().upsertMeta({ ...toMeta({ ...current, ...row } as unknown as DeviceTable), last_seen: known?.last_seen ?? row.last_seen });
      // a disabled device must not ride on a cached login
      if (patch.enabled === false) parts.credentialCache.forget(id);
      return row;
    },

    async remove(actor: Actor, id: string) {
      assertCan(actor, 'device.manage');
      await visible(actor, id);
      await db.transaction().execute(async (tx) => {
        await devices.remove(tx, id);
        await record(tx, actor, 'device.delete', id, {});
      });
      parts.pipeline().forget(id);
      parts.credentialCache.forget(id);
    },

    /** New password and token, shown once; the old ones stop working at once (cache entry dropped). */
    async rotateCredentials(actor: Actor, id: string, password?: string): Promise<Credentials> {
      assertCan(actor, 'device.manage');
      await visible(actor, id);
      const { creds, password_hash, token_hash } = await credentialsFor(id, password);
      await db.transaction().execute(async (tx) => {
        await devices.update(tx, id, { password_hash, token_hash, credentials_rotated_at: clock.now(), updated_at: clock.now() });
        await record(tx, actor, 'device.credentials_rotate', id, { chosen: password !== undefined });
      });
      parts.credentialCache.forget(id);
      return creds;
    },

    /**
     * 网关账号: creates or rotates an MQTT gateway login that may publish for every device in the caller's area
     * (the simulator, a LoRaWAN server). The password is generated and shown once.
     */
    async gatewayCredentials(actor: Actor, username: string): Promise<{ username: string; password: string }> {
      assertCan(actor, 'device.manage');
      const password = generateSecret();
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await devices.upsertGateway(tx, { username, password_hash: await hashDeviceSecret(password, true), scope_path: actor.scopePath, created_at: now, updated_at: now });
        await audit.record(tx, now, actor, 'mqtt_gateway.credentials', { type: 'mqtt_gateway', id: username }, { scope: actor.scopePath });
      });
      parts.credentialCache.forget(`gw:${username}`);
      return { username: `gw:${username}`, password };
    },

    /**
     * 批量导入 from JSON rows or CSV text. Every row is checked before anything is written; one bad row means
     * nothing is imported and the answer lists every bad row, so a fixed file can simply be sent again.
     */
    async importMany(actor: Actor, input: { rows?: unknown[]; csv?: string; xlsx?: Buffer }): Promise<{ created: number; credentials: Credentials[] }> {
      assertCan(actor, 'device.manage');
      let raw: unknown[];
      if (input.csv !== undefined || input.xlsx !== undefined) {
        raw = (await readImportFile(input)).map((r) => ({
          ...r, lon: r.lon ? Number(r.lon) : undefined, lat: r.lat ? Number(r.lat) : undefined,
          ownerDepartment: r.ownerDepartment || undefined, componentId: r.componentId || undefined, protocol: r.protocol || undefined, password: r.password || undefined,
        }));
      } else raw = input.rows ?? [];
      if (!raw.length) throw invalid('device.import_empty', 'no rows to import');
      if (raw.length > MAX_IMPORT_ROWS) throw invalid('device.import_too_large', `at most ${MAX_IMPORT_ROWS} rows per import`);
      const errors: { row: number; code: string; message: string }[] = [];
      const parsed: { row: number; input: NewDeviceInput }[] = [];
      const seen = new Set<string>();
      raw.forEach((r, i) => {
        const p = newDevice.safeParse(r);
        if (!p.success) errors.push({ row: i + 1, code: 'request.invalid', message: p.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') });
        else if (seen.has(p.data.id)) errors.push({ row: i + 1, code: 'device.import_duplicate', message: `device ${p.data.id} appears twice` });
        else {
          seen.add(p.data.id);
          parsed.push({ row: i + 1, input: p.data });
        }
      });
      const taken = new Set(await devices.exists(db, parsed.map((p) => p.input.id)));
      const now = clock.now();
      const built: { row: DeviceTable; creds: Credentials }[] = [];
      for (const p of parsed) {
        if (taken.has(p.input.id)) {
          errors.push({ row: p.row, code: 'device.exists', message: `device ${p.input.id} already exists` });
          continue;
        }
        try {
          await checkRefs(p.input);
          built.push(await rowFor(actor, p.input, now));
        } catch (err) {
          errors.push({ row: p.row, code: err instanceof AppError ? err.code : 'server.error', message: err instanceof Error ? err.message : String(err) });
        }
      }
      if (errors.length) throw invalid('device.import_rejected', `${errors.length} row(s) are invalid; nothing was imported`, { errors: errors.sort((a, b) => a.row - b.row).slice(0, 500) });
      await db.transaction().execute(async (tx) => {
        await devices.insertMany(tx, built.map((b) => b.row));
        await record(tx, actor, 'device.import', `${built.length}`, { count: built.length, ids: built.slice(0, 50).map((b) => b.row.id) });
      });
      for (const b of built) parts.pipeline().upsertMeta(toMeta(b.row));
      return { created: built.length, credentials: built.map((b) => b.creds) };
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
