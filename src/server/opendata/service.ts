import { licenceOf, openFormats, type OpenDatasetMeta, type OpenFormat } from '../../../shared/datahall.ts';
import { parseOffset } from '../calendar/working-time.ts';
import type { Deps } from '../context.ts';
import type { CatalogueService } from '../datahall/service.ts';
import type { FieldRow, ResourceRow } from '../datahall/store.ts';
import { AppError, notFound } from '../errors.ts';
import { mediaTypes, toCsv, toGeojson, toJson, toXlsx, type About, type Table } from './formats.ts';
import { createOpenDataStore, K_MIN } from './store.ts';

export interface OpenDataset {
  meta: OpenDatasetMeta;
  resource: ResourceRow;
}

export interface Download {
  body: string | Buffer;
  contentType: string;
  filename: string;
  modified: string;
  licenseUrl: string;
}

/**
 * 开放数据: the catalogue's resources marked open, published through anonymising builders (aggregates of cases
 * and people with k ≥ 5, components and grids as GeoJSON, hourly sensor rollups) or, for a department's
 * upload, its latest version with only the fields marked open. PII fields are never open (catalogue rule).
 */
export function createOpenDataService(deps: Deps, { catalogue }: { catalogue: CatalogueService }) {
  const store = createOpenDataStore(parseOffset(deps.config.TZ_OFFSET));
  // read-only: open data tolerates seconds of lag, so it reads from the replica when one is configured
  const { readDb: db } = deps;

  const openFields = (fields: FieldRow[]) => fields.filter((f) => f.open_type !== 'none' && !f.pii);

  function meta(r: ResourceRow, fields: FieldRow[], ownerName: string): OpenDatasetMeta {
    const licence = licenceOf(r.license_id);
    const geo = r.builder === 'components' || r.builder === 'grids';
    const counted = r.builder === 'cases-monthly' || r.builder === 'population-by-community';
    return {
      name: r.code,
      title: r.title,
      titleEn: r.title_en,
      notes: r.description,
      organization: { name: r.owner_department.toLowerCase(), title: ownerName },
      tags: r.tags,
      theme: r.theme,
      licenseId: licence.id,
      licenseTitle: licence.title,
      licenseUrl: licence.url,
      updateCycle: r.update_cycle,
      modified: r.updated_at.toISOString(),
      geo,
      formats: openFormats.filter((f) => geo || f !== 'geojson'),
      columns: openFields(fields).map((f) => ({ name: f.name, label: f.label })),
      suppression: counted ? `cells with fewer than ${K_MIN} are not published (k ≥ ${K_MIN})` : null,
    };
  }

  async function all(): Promise<OpenDataset[]> {
    const published = await catalogue.openCatalogue();
    const rows = published.rows.filter((r) => r.kind === 'upload' || (r.builder && store.hasBuilder(r.builder)));
    const { fields, departments } = published;
    const names = new Map(departments.map((d) => [d.code, d.name]));
    return rows.map((r) => ({ resource: r, meta: meta(r, fields.filter((f) => f.resource_id === r.id), names.get(r.owner_department) ?? r.owner_department) }));
  }

  async function one(name: string): Promise<OpenDataset> {
    const d = (await all()).find((x) => x.meta.name === name);
    if (!d) throw notFound('open_dataset', name);
    return d;
  }

  async function table(d: OpenDataset): Promise<Table & { suppressed?: number }> {
    const columns = d.meta.columns;
    if (d.resource.kind === 'upload') {
      const up = await catalogue.latestUpload(d.resource.id);
      const rows = ((up?.rows ?? []) as Record<string, string | number | boolean | null>[]).map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])));
      return { columns, rows };
    }
    const built = await store.build(db, d.resource.builder!);
    const rows = built.rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])));
    return { columns, rows, geometries: built.geometries, suppressed: built.suppressed };
  }

  const about = (d: OpenDataset): About => ({ name: d.meta.name, title: d.meta.title, license: { id: d.meta.licenseId, title: d.meta.licenseTitle, url: d.meta.licenseUrl }, modified: d.meta.modified, suppression: d.meta.suppression });

  return {
    list: all,
    get: one,

    /** The first rows for the portal's preview table and chart. */
    async preview(name: string, limit: number) {
      const d = await one(name);
      const t = await table(d);
      return { meta: d.meta, total: t.rows.length, rows: t.rows.slice(0, limit), suppressed: t.suppressed ?? 0, geojson: d.meta.geo ? toGeojson({ ...t, rows: t.rows.slice(0, limit), geometries: t.geometries?.slice(0, limit) }, about(d)) : null };
    },

    async download(name: string, format: string): Promise<Download> {
      const d = await one(name);
      if (!(d.meta.formats as string[]).includes(format)) throw new AppError(404, 'open_dataset.format_unavailable', `${name} is not offered as ${format}; try ${d.meta.formats.join(', ')}`);
      const f = format as OpenFormat;
      const t = await table(d);
      const a = about(d);
      const body = f === 'csv' ? toCsv(t) : f === 'json' ? JSON.stringify(toJson(t, a)) : f === 'geojson' ? JSON.stringify(toGeojson(t, a)) : await toXlsx(t, a);
      return { body, contentType: mediaTypes[f] + (f === 'csv' || f === 'json' || f === 'geojson' ? '; charset=utf-8' : ''), filename: `${name}.${f}`, modified: d.meta.modified, licenseUrl: d.meta.licenseUrl };
    },

    temporal: (d: OpenDataset) => (d.resource.builder ? store.temporal(db, d.resource.builder) : Promise.resolve(null)),
    bbox: () => store.bbox(db),
    cityName: () => store.cityName(db),
  };
}

export type OpenDataService = ReturnType<typeof createOpenDataService>;
