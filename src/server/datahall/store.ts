import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { likeText } from '../db/scope.ts';

export interface ResourceTable {
  id: Generated<string>;
  code: string;
  kind: 'table' | 'upload' | 'open';
  title: string;
  title_en: string;
  description: string;
  owner_department: string;
  update_cycle: string;
  security_grade: string;
  sensitivity: number;
  share_type: string;
  open_type: string;
  approval: 'both' | 'owner' | 'admin';
  builder: string | null;
  source: string | null;
  tags: string[];
  theme: string;
  license_id: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface FieldTable {
  resource_id: string;
  name: string;
  position: number;
  label: string;
  type: string;
  pii: string | null;
  security_grade: string;
  sensitivity: number;
  share_type: string;
  open_type: string;
}

export interface UploadTable {
  resource_id: string;
  version: number;
  filename: string;
  format: 'csv' | 'xlsx' | 'geojson';
  row_count: number;
  rows: unknown;
  uploaded_by: string;
  created_at: Date;
}

export interface ConsumerTable {
  id: Generated<string>;
  name: string;
  contact: string;
  created_by: string;
  created_at: Date;
}

export interface RequestTable {
  id: Generated<string>;
  resource_id: string;
  requester_department: string | null;
  consumer_id: string | null;
  requested_by: string;
  purpose: string;
  fields: string[];
  clear_fields: string[];
  area_path: string;
  valid_from: Date;
  valid_to: Date;
  state: 'pending' | 'approved' | 'refused' | 'revoked';
  owner_decision: 'pending' | 'approved' | 'refused' | 'not_required';
  admin_decision: 'pending' | 'approved' | 'refused' | 'not_required';
  approved_fields: string[];
  approved_clear_fields: string[];
  reason: string;
  decided_at: Date | null;
  created_at: Date;
}

export interface KeyTable {
  id: Generated<string>;
  request_id: string;
  key_hash: string;
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    datahall_resources: ResourceTable;
    datahall_fields: FieldTable;
    datahall_uploads: UploadTable;
    datahall_consumers: ConsumerTable;
    datahall_requests: RequestTable;
    datahall_keys: KeyTable;
  }
}

export type ResourceRow = Selectable<ResourceTable>;
export type FieldRow = Selectable<FieldTable>;
export type RequestRow = Selectable<RequestTable>;
export type KeyRow = Selectable<KeyTable>;
export type ConsumerRow = Selectable<ConsumerTable>;
export type RequestWithResource = RequestRow & { resource_code: string; resource_title: string; owner_department: string; consumer_name: string | null };

export interface CatalogueFilter {
  q?: string;
  owner?: string;
  kind?: string;
  grade?: string;
}

/** 数据大厅 catalogue, requests and keys: the only SQL of the data hall (the access log has its own store). */
export function createDatahallStore() {
  const requestSelect = (db: Db) =>
    db
      .selectFrom('datahall_requests as r')
      .innerJoin('datahall_resources as s', 's.id', 'r.resource_id')
      .leftJoin('datahall_consumers as c', 'c.id', 'r.consumer_id')
      .selectAll('r')
      .select(['s.code as resource_code', 's.title as resource_title', 's.owner_department', 'c.name as consumer_name']);

  return {
    async insertResource(tx: Db, row: Insertable<ResourceTable>): Promise<ResourceRow> {
      return tx.insertInto('datahall_resources').values(row).returningAll().executeTakeFirstOrThrow();
    },
    async insertFields(tx: Db, rows: FieldTable[]): Promise<void> {
      if (rows.length) await tx.insertInto('datahall_fields').values(rows).execute();
    },
    async replaceFields(tx: Db, resourceId: string, rows: FieldTable[]): Promise<void> {
      await tx.deleteFrom('datahall_fields').where('resource_id', '=', resourceId).execute();
      if (rows.length) await tx.insertInto('datahall_fields').values(rows).execute();
    },
    async updateResource(tx: Db, id: string, patch: Partial<Insertable<ResourceTable>>): Promise<void> {
      await tx.updateTable('datahall_resources').set(patch).where('id', '=', id).execute();
    },
    async updateField(tx: Db, resourceId: string, name: string, patch: Partial<FieldTable>): Promise<void> {
      await tx.updateTable('datahall_fields').set(patch).where('resource_id', '=', resourceId).where('name', '=', name).execute();
    },
    async findResource(db: Db, code: string): Promise<ResourceRow | undefined> {
      return db.selectFrom('datahall_resources').selectAll().where('code', '=', code).executeTakeFirst();
    },
    async fieldsOf(db: Db, resourceIds: string[]): Promise<FieldRow[]> {
      if (!resourceIds.length) return [];
      return db.selectFrom('datahall_fields').selectAll().where('resource_id', 'in', resourceIds).orderBy('resource_id').orderBy('position').execute();
    },
    async listResources(db: Db, f: CatalogueFilter, page: number, pageSize: number): Promise<[ResourceRow[], number]> {
      let q = db.selectFrom('datahall_resources');
      if (f.q) {
        const like = `%${likeText(f.q)}%`;
        q = q.where((eb) => eb.or([eb('title', 'ilike', like), eb('title_en', 'ilike', like), eb('code', 'ilike', like), eb('description', 'ilike', like), sql<boolean>`${f.q} = any(tags)`]));
      }
      if (f.owner) q = q.where('owner_department', '=', f.owner);
      if (f.kind) q = q.where('kind', '=', f.kind as 'table');
      if (f.grade) q = q.where('security_grade', '=', f.grade);
      const [rows, n] = await Promise.all([
        q.selectAll().orderBy('kind').orderBy('code').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return [rows, Number(n.n)];
    },
    /** Open datasets (open type other than 不予开放) with a builder or an upload to publish. */
    async openResources(db: Db): Promise<ResourceRow[]> {
      return db
        .selectFrom('datahall_resources')
        .selectAll()
        .where('open_type', '<>', 'none')
        .where((eb) => eb.or([eb('kind', '=', 'open'), eb.and([eb('kind', '=', 'upload'), eb('version', '>', 0)])]))
        .orderBy('code')
        .execute();
    },
    async insertUpload(tx: Db, row: UploadTable): Promise<void> {
      await tx.insertInto('datahall_uploads').values({ ...row, rows: JSON.stringify(row.rows) }).execute();
    },
    async latestUpload(db: Db, resourceId: string) {
      return db.selectFrom('datahall_uploads').selectAll().where('resource_id', '=', resourceId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    },
    async departmentName(db: Db, code: string): Promise<string | undefined> {
      return (await db.selectFrom('departments').select('name').where('code', '=', code).executeTakeFirst())?.name;
    },
    async departments(db: Db): Promise<{ code: string; name: string; name_en: string }[]> {
      return db.selectFrom('departments').select(['code', 'name', 'name_en']).orderBy('code').execute();
    },
    async areaPath(db: Db, code: string): Promise<string | undefined> {
      return (await db.selectFrom('areas').select('path').where('code', '=', code).executeTakeFirst())?.path;
    },

    // ---- consumers
    async insertConsumer(tx: Db, row: Insertable<ConsumerTable>): Promise<ConsumerRow> {
      return tx.insertInto('datahall_consumers').values(row).returningAll().executeTakeFirstOrThrow();
    },
    async findConsumer(db: Db, id: string): Promise<ConsumerRow | undefined> {
      return db.selectFrom('datahall_consumers').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async listConsumers(db: Db): Promise<ConsumerRow[]> {
      return db.selectFrom('datahall_consumers').selectAll().orderBy('name').execute();
    },

    // ---- requests
    async insertRequest(tx: Db, row: Insertable<RequestTable>): Promise<RequestRow> {
      return tx.insertInto('datahall_requests').values(row).returningAll().executeTakeFirstOrThrow();
    },
    async findRequest(db: Db, id: string, forUpdate = false): Promise<RequestWithResource | undefined> {
      let q = requestSelect(db).where('r.id', '=', id);
      if (forUpdate) q = q.forUpdate('r');
      return q.executeTakeFirst();
    },
    async updateRequest(tx: Db, id: string, patch: Partial<Insertable<RequestTable>>): Promise<void> {
      await tx.updateTable('datahall_requests').set(patch).where('id', '=', id).execute();
    },
    /**
     * Requests visible to someone: their department's own, those on resources their department owns, or all
     * (the data admin). `inbox` keeps only those still waiting for this party's decision.
     */
    async listRequests(db: Db, f: { department?: string | null; all: boolean; inbox?: 'owner' | 'admin'; state?: string }, page: number, pageSize: number): Promise<[RequestWithResource[], number]> {
      let q = requestSelect(db);
      if (!f.all) {
        const dept = f.department ?? '';
        q = q.where((eb) => eb.or([eb('r.requester_department', '=', dept), eb('s.owner_department', '=', dept)]));
      }
      if (f.inbox === 'owner') q = q.where('s.owner_department', '=', f.department ?? '').where('r.owner_decision', '=', 'pending').where('r.state', '=', 'pending');
      if (f.inbox === 'admin') q = q.where('r.admin_decision', '=', 'pending').where('r.state', '=', 'pending');
      if (f.state) q = q.where('r.state', '=', f.state as 'pending');
      const rows = await q.orderBy('r.created_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute();
      const n = await q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return [rows, Number(n.n)];
    },

    async requestIdsOf(db: Db, department: string): Promise<string[]> {
      return (await db.selectFrom('datahall_requests').select('id').where('requester_department', '=', department).execute()).map((r) => r.id);
    },

    // ---- keys
    async insertKey(tx: Db, row: Insertable<KeyTable>): Promise<KeyRow> {
      return tx.insertInto('datahall_keys').values(row).returningAll().executeTakeFirstOrThrow();
    },
    async keysOf(db: Db, requestIds: string[]): Promise<KeyRow[]> {
      if (!requestIds.length) return [];
      return db.selectFrom('datahall_keys').selectAll().where('request_id', 'in', requestIds).orderBy('created_at').execute();
    },
    async findKeyByHash(db: Db, hash: string): Promise<KeyRow | undefined> {
      return db.selectFrom('datahall_keys').selectAll().where('key_hash', '=', hash).executeTakeFirst();
    },
    async findKey(db: Db, id: string): Promise<KeyRow | undefined> {
      return db.selectFrom('datahall_keys').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async revokeKeys(tx: Db, requestId: string, at: Date): Promise<number> {
      const r = await tx.updateTable('datahall_keys').set({ revoked_at: at }).where('request_id', '=', requestId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async touchKey(db: Db, id: string, at: Date): Promise<void> {
      await db.updateTable('datahall_keys').set({ last_used_at: at }).where('id', '=', id).execute();
    },
  };
}

export type DatahallStore = ReturnType<typeof createDatahallStore>;
