import { licences } from '../../../shared/datahall.ts';
import { AppError } from '../errors.ts';
import type { OpenDataService, OpenDataset } from './service.ts';

/**
 * CKAN Action API (api/3/action/*) over the open datasets, so CKAN clients and harvesters work unchanged:
 * dataset = package, owner department = organization, theme = group, one resource per download format.
 * Shapes follow CKAN's documented package/resource/organization dictionaries.
 */
export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(String(error.message ?? error.__type));
  }
}
const notFoundErr = () => new CkanError(404, { __type: 'Not Found Error', message: 'Not found' });
const missing = (field: string) => new CkanError(409, { __type: 'Validation Error', [field]: ['Missing value'] });
const badParam = (field: string, why: string) => new CkanError(409, { __type: 'Validation Error', [field]: [why] });

export const themeTitles: Record<string, string> = {
  population: '人口', housing: '房屋', economy: '经济', 'city-management': '城市管理', governance: '社会治理', iot: '物联感知', geo: '地理空间',
};

type Params = Record<string, unknown>;
const str = (p: Params, k: string) => (p[k] === undefined || p[k] === null || p[k] === '' ? undefined : String(p[k]));
function int(p: Params, k: string, def: number, max: number): number {
  const v = str(p, k);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badParam(k, 'Invalid integer');
  return Math.min(n, max);
}
const bool = (p: Params, k: string) => ['true', '1', 'yes'].includes(String(p[k] ?? '').toLowerCase());

export function createCkanApi(open: OpenDataService) {
  function resourceDict(d: OpenDataset, fmt: string, i: number, base: string) {
    return {
      id: `${d.meta.name}-${fmt}`,
      package_id: d.resource.id,
      name: `${d.meta.title} (${fmt.toUpperCase()})`,
      description: d.meta.notes,
      format: fmt.toUpperCase(),
      mimetype: fmt === 'csv' ? 'text/csv' : fmt === 'json' ? 'application/json' : fmt === 'geojson' ? 'application/geo+json' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      url: `${base}/api/v1/public/opendata/datasets/${d.meta.name}/download/${fmt}`,
      url_type: null,
      position: i,
      state: 'active',
      created: d.resource.created_at.toISOString(),
      last_modified: d.meta.modified,
      metadata_modified: d.meta.modified,
    };
  }
  function orgDict(code: string, title: string, count?: number) {
    return { id: code, name: code, title, display_name: title, type: 'organization', is_organization: true, state: 'active', approval_status: 'approved', description: '', image_url: '', ...(count !== undefined ? { package_count: count } : {}) };
  }
  const groupDict = (theme: string, count?: number) => ({ id: theme, name: theme, title: themeTitles[theme] ?? theme, display_name: themeTitles[theme] ?? theme, type: 'group', is_organization: false, state: 'active', description: '', image_display_url: '', ...(count !== undefined ? { package_count: count } : {}) });

  function packageDict(d: OpenDataset, base: string) {
    const m = d.meta;
    const resources = m.formats.map((f, i) => resourceDict(d, f, i, base));
    return {
      id: d.resource.id,
      name: m.name,
      title: m.title,
      notes: m.notes,
      type: 'dataset',
      state: 'active',
      private: false,
      license_id: m.licenseId,
      license_title: m.licenseTitle,
      license_url: m.licenseUrl,
      author: m.organization.title,
      maintainer: m.organization.title,
      url: `${base}/portal/opendata/${m.name}`,
      version: d.resource.version ? String(d.resource.version) : null,
      metadata_created: d.resource.created_at.toISOString(),
      metadata_modified: m.modified,
      owner_org: m.organization.name,
      organization: orgDict(m.organization.name, m.organization.title),
      tags: m.tags.map((t) => ({ id: t, name: t, display_name: t, state: 'active', vocabulary_id: null })),
      groups: [groupDict(m.theme)],
      resources,
      num_resources: resources.length,
      num_tags: m.tags.length,
      extras: [{ key: 'update_cycle', value: m.updateCycle }, ...(m.suppression ? [{ key: 'suppression', value: m.suppression }] : [])],
    };
  }

  const facetValues = (d: OpenDataset, field: string): string[] =>
    field === 'organization' ? [d.meta.organization.name] : field === 'tags' ? d.meta.tags : field === 'res_format' ? d.meta.formats.map((f) => f.toUpperCase()) : field === 'groups' ? [d.meta.theme] : field === 'license_id' ? [d.meta.licenseId] : [];

  /** fq as CKAN passes it to Solr, for the fields this catalogue has: `organization:ga +tags:"人口" res_format:CSV` */
  function parseFq(fq: string): [string, string][] {
    const out: [string, string][] = [];
    const re = /\+?([a-z_]+):(?:"([^"]*)"|(\S+))/g;
    const rest = fq.replace(re, (_m, k: string, quoted: string | undefined, bare: string | undefined) => {
      out.push([k, quoted ?? bare ?? '']);
      return '';
    });
    if (rest.replace(/\bAND\b/g, '').trim()) throw new CkanError(409, { __type: 'Search Query Error', message: `Search error: cannot parse fq ${JSON.stringify(fq)}` });
    for (const [k] of out) if (!['organization', 'tags', 'res_format', 'groups', 'license_id', 'name'].includes(k)) throw new CkanError(409, { __type: 'Search Query Error', message: `Search error: unknown field ${k}` });
    return out;
  }

  const score = (d: OpenDataset, terms: string[]) => {
    const hay = [d.meta.name, d.meta.title, d.meta.titleEn, d.meta.notes, ...d.meta.tags].join(' ').toLowerCase();
    return terms.reduce((s, t) => s + (hay.includes(t) ? 1 : 0), 0);
  };

  async function search(p: Params, base: string) {
    const all = await open.list();
    const q = str(p, 'q');
    const terms = q && q !== '*:*' ? q.toLowerCase().split(/\s+/).filter(Boolean) : [];
    let hits = terms.length ? all.filter((d) => score(d, terms) === terms.length) : all;
    const fq = str(p, 'fq');
    if (fq) for (const [k, v] of parseFq(fq)) hits = hits.filter((d) => (k === 'name' ? [d.meta.name] : facetValues(d, k)).some((x) => x.toLowerCase() === v.toLowerCase()));
    const sort = str(p, 'sort') ?? 'score desc, metadata_modified desc';
    const keys = sort.split(',').map((s) => s.trim().split(/\s+/) as [string, string?]);
    for (const [k, dir] of keys) if (!['score', 'metadata_modified', 'name', 'title_string', 'metadata_created'].includes(k) || (dir && !['asc', 'desc'].includes(dir))) throw new CkanError(409, { __type: 'Search Query Error', message: `Search error: cannot sort by ${k} ${dir ?? ''}`.trim() });
    const val = (d: OpenDataset, k: string): string | number => (k === 'score' ? score(d, terms) : k === 'name' ? d.meta.name : k === 'title_string' ? d.meta.title : k === 'metadata_created' ? d.resource.created_at.toISOString() : d.meta.modified);
    hits = [...hits].sort((a, b) => {
      for (const [k, dir] of keys) {
        const x = val(a, k);
        const y = val(b, k);
        if (x !== y) return (x < y ? -1 : 1) * (dir === 'desc' ? -1 : 1);
      }
      return a.meta.name < b.meta.name ? -1 : 1;
    });
    let facetFields: string[] = [];
    const ff = str(p, 'facet.field');
    if (ff) {
      try {
        facetFields = ff.startsWith('[') ? (JSON.parse(ff) as string[]) : [ff];
      } catch {
        throw badParam('facet.field', 'Invalid JSON list');
      }
    }
    const limit = int(p, 'facet.limit', 50, 1000);
    const facets: Record<string, Record<string, number>> = {};
    const searchFacets: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }> = {};
    for (const f of facetFields) {
      const counts: Record<string, number> = {};
      for (const d of hits) for (const v of facetValues(d, f)) counts[v] = (counts[v] ?? 0) + 1;
      const items = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
      facets[f] = Object.fromEntries(items);
      const title = (v: string) => (f === 'organization' ? (all.find((d) => d.meta.organization.name === v)?.meta.organization.title ?? v) : f === 'groups' ? (themeTitles[v] ?? v) : v);
      searchFacets[f] = { title: f, items: items.map(([name, count]) => ({ name, display_name: title(name), count })) };
    }
    const rows = int(p, 'rows', 10, 1000);
    const start = int(p, 'start', 0, 1_000_000);
    return { count: hits.length, sort, facets, search_facets: searchFacets, results: hits.slice(start, start + rows).map((d) => packageDict(d, base)) };
  }

  async function findPackage(p: Params) {
    const id = str(p, 'id') ?? str(p, 'name');
    if (!id) throw missing('id');
    const d = (await open.list()).find((x) => x.meta.name === id || x.resource.id === id);
    if (!d) throw notFoundErr();
    return d;
  }

  async function orgs() {
    const all = await open.list();
    const by = new Map<string, { title: string; datasets: OpenDataset[] }>();
    for (const d of all) {
      const o = by.get(d.meta.organization.name) ?? { title: d.meta.organization.title, datasets: [] };
      o.datasets.push(d);
      by.set(d.meta.organization.name, o);
    }
    return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
  async function groups() {
    const by = new Map<string, OpenDataset[]>();
    for (const d of await open.list()) by.set(d.meta.theme, [...(by.get(d.meta.theme) ?? []), d]);
    return [...by.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  const actions: Record<string, (p: Params, base: string) => Promise<unknown>> = {
    status_show: async (_p, base) => ({ site_title: `${await open.cityName()} 开放数据`, site_description: 'CivicGrid open data portal', site_url: base, ckan_version: '2.10.4', error_emails_to: null, locale_default: 'zh_Hans_CN', extensions: ['dcat'] }),
    site_read: async () => true,
    package_list: async (p) => {
      const names = (await open.list()).map((d) => d.meta.name).sort();
      const offset = int(p, 'offset', 0, 1_000_000);
      return names.slice(offset, p.limit !== undefined ? offset + int(p, 'limit', names.length, 1000) : undefined);
    },
    package_show: async (p, base) => packageDict(await findPackage(p), base),
    package_search: search,
    current_package_list_with_resources: async (p, base) => {
      const all = [...(await open.list())].sort((a, b) => (a.meta.modified < b.meta.modified ? 1 : -1));
      const offset = int(p, 'offset', 0, 1_000_000);
      return all.slice(offset, offset + int(p, 'limit', 10, 1000)).map((d) => packageDict(d, base));
    },
    organization_list: async (p) => {
      const list = await orgs();
      return bool(p, 'all_fields') ? list.map(([n, o]) => orgDict(n, o.title, o.datasets.length)) : list.map(([n]) => n);
    },
    organization_show: async (p, base) => {
      const id = str(p, 'id');
      if (!id) throw missing('id');
      const o = (await orgs()).find(([n]) => n === id.toLowerCase());
      if (!o) throw notFoundErr();
      return { ...orgDict(o[0], o[1].title, o[1].datasets.length), ...(p.include_datasets === undefined || bool(p, 'include_datasets') ? { packages: o[1].datasets.map((d) => packageDict(d, base)) } : {}) };
    },
    group_list: async (p) => {
      const list = await groups();
      return bool(p, 'all_fields') ? list.map(([n, ds]) => groupDict(n, ds.length)) : list.map(([n]) => n);
    },
    group_show: async (p, base) => {
      const id = str(p, 'id');
      if (!id) throw missing('id');
      const g = (await groups()).find(([n]) => n === id);
      if (!g) throw notFoundErr();
      return { ...groupDict(g[0], g[1].length), ...(p.include_datasets === undefined || bool(p, 'include_datasets') ? { packages: g[1].map((d) => packageDict(d, base)) } : {}) };
    },
    tag_list: async (p) => {
      const tags = [...new Set((await open.list()).flatMap((d) => d.meta.tags))].sort();
      const q = str(p, 'query');
      return q ? tags.filter((t) => t.includes(q)) : tags;
    },
    resource_show: async (p, base) => {
      const id = str(p, 'id');
      if (!id) throw missing('id');
      for (const d of await open.list()) {
        const i = d.meta.formats.findIndex((f) => `${d.meta.name}-${f}` === id);
        if (i >= 0) return resourceDict(d, d.meta.formats[i]!, i, base);
      }
      throw notFoundErr();
    },
    license_list: async () => licences.map((l) => ({ id: l.id, title: l.title, url: l.url, status: 'active', od_conformance: 'approved', osd_conformance: 'not reviewed', domain_content: true, domain_data: true, domain_software: false })),
  };

  return {
    actions: Object.keys(actions),
    /** Runs one action; the answer is CKAN's envelope with the status code to send. */
    async call(action: string, params: Params, base: string): Promise<{ status: number; body: Record<string, unknown> }> {
      const help = `${base}/api/3/action/help_show?name=${encodeURIComponent(action)}`;
      const fn = actions[action];
      if (!fn) return { status: 400, body: { help, success: false, error: { __type: 'Bad request', message: `Bad request - Action name not known: ${action}` } } };
      try {
        return { status: 200, body: { help, success: true, result: await fn(params, base) } };
      } catch (err) {
        if (err instanceof CkanError) return { status: err.status, body: { help, success: false, error: err.error } };
        if (err instanceof AppError && err.status === 404) return { status: 404, body: { help, success: false, error: { __type: 'Not Found Error', message: 'Not found' } } };
        throw err;
      }
    },
  };
}

export type CkanApi = ReturnType<typeof createCkanApi>;
