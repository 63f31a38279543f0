/**
 * A small CKAN Action API client written from CKAN's documentation (docs.ckan.org, "API guide"): every action
 * is `{base}/api/3/action/{name}` (or `/api/action/{name}`), GET with query parameters or POST with a JSON
 * (or form) body, answering `{help, success, result}` or `{help, success: false, error: {__type, message…}}`.
 * It talks through a transport so tests can run it against the in-process app.
 */
export type Transport = (req: { method: 'GET' | 'POST'; url: string; body?: string; contentType?: string }) => Promise<{ status: number; body: string; headers: Record<string, unknown> }>;

export class CkanApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly error: Record<string, unknown>,
  ) {
    super(`${type}: ${JSON.stringify(error)}`);
  }
}

export interface SearchParams {
  q?: string;
  fq?: string;
  rows?: number;
  start?: number;
  sort?: string;
  facetFields?: string[];
}

export interface CkanResource {
  id: string;
  package_id: string;
  url: string;
  format: string;
  name: string;
  mimetype: string;
}
export interface CkanPackage {
  id: string;
  name: string;
  title: string;
  notes: string;
  license_id: string;
  metadata_modified: string;
  num_resources: number;
  organization: { name: string; title: string };
  tags: { name: string }[];
  resources: CkanResource[];
}
export interface CkanSearchResult {
  count: number;
  sort: string;
  results: CkanPackage[];
  facets: Record<string, Record<string, number>>;
  search_facets: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }>;
}

/** CKAN reads query and form values as strings; lists and numbers travel as their JSON text. */
const encode = (params: Record<string, unknown>): [string, string][] =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);

export class CkanClient {
  constructor(
    private readonly transport: Transport,
    private readonly opts: { prefix?: '/api/3/action' | '/api/action'; method?: 'GET' | 'POST'; form?: boolean } = {},
  ) {}

  with(opts: CkanClient['opts']): CkanClient {
    return new CkanClient(this.transport, { ...this.opts, ...opts });
  }

  async action<T>(name: string, params: Record<string, unknown> = {}): Promise<T> {
    const prefix = this.opts.prefix ?? '/api/3/action';
    const method = this.opts.method ?? 'GET';
    let res;
    if (method === 'GET') {
      const qs = new URLSearchParams(encode(params));
      res = await this.transport({ method, url: `${prefix}/${name}${qs.size ? `?${qs}` : ''}` });
    } else if (this.opts.form) {
      const form = new URLSearchParams(encode(params));
      res = await this.transport({ method, url: `${prefix}/${name}`, body: form.toString(), contentType: 'application/x-www-form-urlencoded' });
    } else {
      res = await this.transport({ method, url: `${prefix}/${name}`, body: JSON.stringify(params), contentType: 'application/json' });
    }
    const envelope = JSON.parse(res.body) as { help: string; success: boolean; result?: T; error?: Record<string, unknown> };
    if (typeof envelope.help !== 'string') throw new Error('CKAN envelope without help');
    if (!envelope.success) throw new CkanApiError(res.status, String(envelope.error?.__type), envelope.error ?? {});
    return envelope.result as T;
  }

  packageList = (limit?: number, offset?: number) => this.action<string[]>('package_list', { limit, offset });
  packageShow = (id: string) => this.action<CkanPackage>('package_show', { id });
  organizationList = () => this.action<string[]>('organization_list');
  organizationShow = (id: string) => this.action<{ name: string; title: string; packages: CkanPackage[] }>('organization_show', { id });
  groupList = () => this.action<string[]>('group_list');
  tagList = () => this.action<string[]>('tag_list');
  resourceShow = (id: string) => this.action<CkanResource>('resource_show', { id });
  licenseList = () => this.action<{ id: string; title: string; url: string }[]>('license_list');

  packageSearch(p: SearchParams): Promise<CkanSearchResult> {
    return this.action<CkanSearchResult>('package_search', {
      q: p.q,
      fq: p.fq,
      rows: p.rows,
      start: p.start,
      sort: p.sort,
      'facet.field': p.facetFields ? JSON.stringify(p.facetFields) : undefined,
    });
  }

  /** Fetches a resource's data from its `url`, as a harvester does. */
  async download(resource: CkanResource): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
    const u = new URL(resource.url);
    return this.transport({ method: 'GET', url: `${u.pathname}${u.search}` });
  }
}
