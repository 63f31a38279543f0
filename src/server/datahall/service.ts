import type { OpenType, SecurityGrade, ShareType } from '../../../shared/datahall.ts';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, forbidden, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { detectFormat, readSheet, UnreadableFile, type Cell } from '../registry/imports/parse.ts';
import { builtinResources } from './catalogue.ts';
import { createDatahallStore, type CatalogueFilter, type FieldRow, type FieldTable, type ResourceRow } from './store.ts';

export interface ResourceView {
  row: ResourceRow;
  ownerName: string;
  fields: FieldRow[];
}

export interface GradePatch {
  securityGrade?: SecurityGrade;
  sensitivity?: number;
  shareType?: ShareType;
  openType?: OpenType;
}

/** A field that holds personal information may never be opened (GB/T 35273 / PIPL): refused, nothing changed. */
const piiNotOpenable = (field: string) => new AppError(400, 'datahall.pii_not_openable', `field ${field} holds personal information and can never be opened`, { field });

const MAX_UPLOAD_ROWS = 50_000;

/** 政务信息资源目录: register, grade and search data resources; departments upload their own datasets. */
export function createCatalogueService(deps: Deps) {
  const store = createDatahallStore();
  const { db, clock, audit } = deps;

  async function view(row: ResourceRow): Promise<ResourceView> {
    const [fields, ownerName] = await Promise.all([store.fieldsOf(db, [row.id]), store.departmentName(db, row.owner_department)]);
    return { row, fields, ownerName: ownerName ?? row.owner_department };
  }

  async function mustFind(code: string): Promise<ResourceRow> {
    const row = await store.findResource(db, code);
    if (!row) throw notFound('datahall_resource', code);
    return row;
  }

  /** The data admin grades anything; an owner department grades its own resources. */
  function assertMayGrade(actor: Actor, row: ResourceRow) {
    if (actor.permissions.has('datahall.manage')) return;
    if (actor.permissions.has('datahall.approve') && actor.departmentCode === row.owner_department) return;
    throw forbidden('datahall.manage');
  }

  return {
    /** What the open-data portal publishes: resources marked open, their fields and the owners' names (no actor: public). */
    async openCatalogue() {
      const rows = await store.openResources(db);
      const [fields, departments] = await Promise.all([store.fieldsOf(db, rows.map((r) => r.id)), store.departments(db)]);
      return { rows, fields, departments };
    },

    /** the newest version of an uploaded dataset, for its open download */
    latestUpload: (resourceId: string) => store.latestUpload(db, resourceId),

    async list(actor: Actor, filter: CatalogueFilter, page: number, pageSize: number): Promise<Page<ResourceView>> {
      assertCan(actor, 'datahall.read');
      const [rows, total] = await store.listResources(db, filter, page, pageSize);
      const fields = await store.fieldsOf(db, rows.map((r) => r.id));
      const names = new Map((await store.departments(db)).map((d) => [d.code, d.name]));
      const items = rows.map((row) => ({ row, ownerName: names.get(row.owner_department) ?? row.owner_department, fields: fields.filter((f) => f.resource_id === row.id) }));
      return { items, total, page, pageSize };
    },

    async get(actor: Actor, code: string): Promise<ResourceView> {
      assertCan(actor, 'datahall.read');
      return view(await mustFind(code));
    },

    async grade(actor: Actor, code: string, patch: GradePatch & { approval?: 'both' | 'owner' | 'admin'; updateCycle?: string }): Promise<ResourceView> {
      const row = await mustFind(code);
      assertMayGrade(actor, row);
      const fields = await store.fieldsOf(db, [row.id]);
      // Opening a platform table as a whole would publish its PII fields with it; open datasets derive from
      // tables through anonymising builders instead.
      if (patch.openType && patch.openType !== 'none') {
        const p = fields.find((f) => f.pii);
        if (p) throw piiNotOpenable(p.name);
      }
      await db.transaction().execute(async (tx) => {
        await store.updateResource(tx, row.id, {
          ...(patch.securityGrade ? { security_grade: patch.securityGrade } : {}),
          ...(patch.sensitivity ? { sensitivity: patch.sensitivity } : {}),
          ...(patch.shareType ? { share_type: patch.shareType } : {}),
          ...(patch.openType ? { open_type: patch.openType } : {}),
          ...(patch.approval ? { approval: patch.approval } : {}),
          ...(patch.updateCycle ? { update_cycle: patch.updateCycle } : {}),
          updated_at: clock.now(),
        });
        await audit.record(tx, clock.now(), actor, 'datahall.resource.grade', { type: 'datahall_resource', id: code }, { ...patch });
      });
      return view((await store.findResource(db, code))!);
    },

    async gradeField(actor: Actor, code: string, name: string, patch: GradePatch): Promise<ResourceView> {
      const row = await mustFind(code);
      assertMayGrade(actor, row);
      const field = (await store.fieldsOf(db, [row.id])).find((f) => f.name === name);
      if (!field) throw notFound('datahall_field', `${code}.${name}`);
      if (field.pii && patch.openType && patch.openType !== 'none') throw piiNotOpenable(name);
      await db.transaction().execute(async (tx) => {
        await store.updateField(tx, row.id, name, {
          ...(patch.securityGrade ? { security_grade: patch.securityGrade } : {}),
          ...(patch.sensitivity ? { sensitivity: patch.sensitivity } : {}),
          ...(patch.shareType ? { share_type: patch.shareType } : {}),
          ...(patch.openType ? { open_type: patch.openType } : {}),
        });
        await store.updateResource(tx, row.id, { updated_at: clock.now() });
        await audit.record(tx, clock.now(), actor, 'datahall.field.grade', { type: 'datahall_resource', id: code }, { field: name, ...patch });
      });
      return view((await store.findResource(db, code))!);
    },

    /**
     * A department publishes a dataset of its own (CSV, XLSX or GeoJSON): a new resource, or the next version
     * of one it already owns. Columns become fields graded 一般 and not opened until someone opens them.
     */
    async upload(actor: Actor, input: { code: string; title: string; description?: string; filename: string; bytes: Buffer; openType?: OpenType }): Promise<ResourceView> {
      assertCan(actor, 'datahall.request');
      const department = actor.departmentCode;
      if (!department) throw invalid('datahall.no_department', 'only a member of a department can publish its datasets');
      const format = detectFormat(input.filename, input.bytes);
      if (!format) throw invalid('datahall.upload_format', 'upload a .csv, .xlsx or .geojson file');
      let sheet;
      try {
        sheet = await readSheet(input.bytes, format);
      } catch (err) {
        if (err instanceof UnreadableFile) throw invalid('datahall.upload_unreadable', err.message);
        throw err;
      }
      if (sheet.rows.length === 0) throw invalid('datahall.upload_empty', 'the file has no data rows');
      if (sheet.rows.length > MAX_UPLOAD_ROWS) throw invalid('datahall.upload_too_large', `at most ${MAX_UPLOAD_ROWS} rows`);
      // Headers are often Chinese; field names must be identifiers, so they are numbered and the header kept as label.
      const names = sheet.headers.map((h, i) => (/^[a-z][a-z0-9_]{0,62}$/.test(h) ? h : `c${i + 1}`));
      const rows = sheet.rows.map((r) => Object.fromEntries(sheet.headers.map((h, i) => [names[i]!, cellValue(r.cells.get(h) ?? null)])));
      const existing = await store.findResource(db, input.code);
      if (existing && (existing.kind !== 'upload' || existing.owner_department !== department)) throw new AppError(409, 'datahall.code_taken', `resource ${input.code} exists and is not your department's upload`);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        const openType = input.openType ?? existing?.open_type ?? 'none';
        const row =
          existing ??
          (await store.insertResource(tx, {
            code: input.code, kind: 'upload', title: input.title, title_en: '', description: input.description ?? '', owner_department: department,
            update_cycle: 'irregular', security_grade: 'general', sensitivity: 1, share_type: 'conditional', open_type: openType,
            approval: 'both', builder: null, source: null, tags: [], theme: 'governance', license_id: 'cc-by-4.0', version: 0, created_at: now, updated_at: now,
          }));
        const version = row.version + 1;
        const fieldOpen = openType === 'none' ? 'none' : 'unconditional';
        await store.replaceFields(tx, row.id, names.map((name, i) => ({ resource_id: row.id, name, position: i, label: sheet.headers[i]!, type: 'text', pii: null, security_grade: 'general', sensitivity: 1, share_type: 'conditional', open_type: fieldOpen })));
        await store.insertUpload(tx, { resource_id: row.id, version, filename: input.filename, format, row_count: rows.length, rows, uploaded_by: actor.username, created_at: now });
        await store.updateResource(tx, row.id, { version, title: input.title, open_type: openType, updated_at: now });
        await audit.record(tx, now, actor, 'datahall.upload', { type: 'datahall_resource', id: input.code }, { version, rows: rows.length, format });
      });
      return view((await store.findResource(db, input.code))!);
    },

    departments: () => store.departments(db),
  };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;

function cellValue(c: Cell): string | number | boolean | null {
  if (c instanceof Date) return c.toISOString();
  return c;
}

/** Registers every table the platform holds and the open datasets derived from them (seed, demo and production). */
export async function registerBuiltinCatalogue(tx: Db, at: Date): Promise<void> {
  const store = createDatahallStore();
  for (const def of builtinResources) {
    if (await store.findResource(tx, def.code)) continue;
    const row = await store.insertResource(tx, {
      code: def.code, kind: def.kind, title: def.title, title_en: def.titleEn, description: def.description, owner_department: def.owner,
      update_cycle: def.updateCycle, security_grade: def.grade, sensitivity: def.sensitivity, share_type: def.share, open_type: def.open,
      approval: def.approval ?? 'both', builder: def.builder ?? null, source: def.source ?? null, tags: def.tags, theme: def.theme,
      license_id: 'cc-by-4.0', version: 0, created_at: at, updated_at: at,
    });
    const fields: FieldTable[] = def.fields.map((f, i) => ({
      resource_id: row.id, name: f.name, position: i, label: f.label, type: f.type, pii: f.pii ?? null,
      security_grade: f.grade ?? def.grade, sensitivity: f.sensitivity ?? def.sensitivity, share_type: f.share ?? def.share,
      open_type: f.pii ? 'none' : (f.open ?? (def.kind === 'open' ? def.open : 'none')),
    }));
    await store.insertFields(tx, fields);
  }
}
