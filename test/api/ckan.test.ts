import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CkanApiError, CkanClient } from '../support/ckan-client.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let ckan: CkanClient;

beforeAll(async () => {
  t = await createTestApp();
  ckan = new CkanClient(async (r) => {
    const res = await t.call(r.method, r.url, r.body !== undefined ? { payload: r.body, headers: { 'content-type': r.contentType! } } : {});
    return { status: res.statusCode, body: res.body, headers: res.headers };
  });
});
afterAll(() => t.close());

describe('CKAN Action API, through a client written against CKAN’s documented API', () => {
  it('reports status and lists the demo city’s open datasets, organisations, groups, tags and licences', async () => {
    const status = await ckan.action<{ ckan_version: string; site_title: string }>('status_show');
    expect(status.ckan_version).toMatch(/^2\./);
    expect(await ckan.action('site_read')).toBe(true);
    const names = await ckan.packageList();
    expect(names).toEqual(expect.arrayContaining(['cases-monthly', 'population-by-community', 'city-components', 'grid-map', 'sensor-hourly']));
    // tables with personal information are catalogued for sharing, never published
    expect(names).not.toContain('people');
    expect(names).not.toContain('cases');
    expect(await ckan.packageList(2, 1)).toEqual(names.slice(1, 3));
    const orgs = await ckan.organizationList();
    expect(orgs).toEqual(expect.arrayContaining(['sz', 'zw']));
    const zw = await ckan.organizationShow('zw');
    expect(zw.packages.map((p) => p.name)).toContain('cases-monthly');
    expect(await ckan.groupList()).toEqual(expect.arrayContaining(['geo', 'iot']));
    expect(await ckan.tagList()).toEqual(expect.arrayContaining(['地图', '统计']));
    expect((await ckan.licenseList()).map((l) => l.id)).toContain('cc-by-4.0');
    const all = await ckan.action<{ name: string; resources: unknown[] }[]>('current_package_list_with_resources', { limit: 100 });
    expect(all.map((p) => p.name).sort()).toEqual([...names].sort());
    expect(all.every((p) => p.resources.length > 0)).toBe(true);
  });

  it('shows a package with CKAN’s fields, and its resource url downloads the data', async () => {
    const pkg = await ckan.packageShow('city-components');
    expect(pkg).toMatchObject({ name: 'city-components', license_id: 'cc-by-4.0', organization: { name: 'sz' } });
    expect(pkg.num_resources).toBe(pkg.resources.length);
    expect(pkg.resources.map((r) => r.format).sort()).toEqual(['CSV', 'GEOJSON', 'JSON', 'XLSX']);
    expect(Date.parse(pkg.metadata_modified)).not.toBeNaN();
    const csv = pkg.resources.find((r) => r.format === 'CSV')!;
    expect(await ckan.resourceShow(csv.id)).toMatchObject({ id: csv.id, url: csv.url, mimetype: 'text/csv' });
    const file = await ckan.download(csv);
    expect(file.status).toBe(200);
    expect(String(file.headers['content-type'])).toContain('text/csv');
    const lines = file.body.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines[0]).toBe('code,class_code,name,state,grid_code,lon,lat');
    expect(lines.length).toBeGreaterThan(1);
    const geo = JSON.parse((await ckan.download(pkg.resources.find((r) => r.format === 'GEOJSON')!)).body);
    expect(geo.type).toBe('FeatureCollection');
    expect(geo.features[0].geometry.type).toBe('Point');
    expect(geo.license).toContain('creativecommons.org');
    const xlsx = await ckan.download(pkg.resources.find((r) => r.format === 'XLSX')!);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['link']).toContain('rel="license"');
  });

  it('searches with q, fq on organization/tags/res_format, rows/start, sort and facets', async () => {
    const everything = await ckan.packageSearch({ rows: 100, facetFields: ['organization', 'tags', 'res_format'] });
    expect(everything.count).toBe((await ckan.packageList()).length);
    expect(everything.facets.res_format!.CSV).toBe(everything.count);
    expect(everything.facets.res_format!.GEOJSON).toBe(2);
    expect(everything.search_facets.organization!.items.find((i) => i.name === 'sz')).toMatchObject({ count: 1, display_name: '市政设施管理处' });

    const q = await ckan.packageSearch({ q: '网格' });
    expect(q.results.map((p) => p.name)).toEqual(expect.arrayContaining(['grid-map', 'cases-monthly']));
    expect(q.results.map((p) => p.name)).not.toContain('sensor-hourly');

    expect((await ckan.packageSearch({ fq: 'organization:sz' })).results.map((p) => p.name)).toEqual(['city-components']);
    expect((await ckan.packageSearch({ fq: 'tags:"统计"' })).results.map((p) => p.name).sort()).toEqual(['cases-monthly', 'population-by-community']);
    expect((await ckan.packageSearch({ fq: 'res_format:GEOJSON +tags:地图' })).results.map((p) => p.name).sort()).toEqual(['city-components', 'grid-map']);

    const sorted = await ckan.packageSearch({ sort: 'name asc', rows: 2, start: 1 });
    const byName = (await ckan.packageList()).sort();
    expect(sorted.results.map((p) => p.name)).toEqual(byName.slice(1, 3));
    expect(sorted.count).toBe(byName.length);
    expect((await ckan.packageSearch({ sort: 'name desc', rows: 1 })).results[0]!.name).toBe(byName[byName.length - 1]);
  });

  it('answers the same on /api/action and by POST (JSON or form)', async () => {
    const get = await ckan.packageShow('grid-map');
    for (const c of [ckan.with({ prefix: '/api/action' }), ckan.with({ method: 'POST' }), ckan.with({ method: 'POST', form: true, prefix: '/api/action' })]) {
      expect((await c.packageShow('grid-map')).id).toBe(get.id);
      expect((await c.packageSearch({ fq: 'organization:sz', rows: 5 })).count).toBe(1);
    }
  });

  it('uses CKAN’s error shape: 404 Not Found Error, 409 Validation Error, 400 for an unknown action', async () => {
    const nf = await ckan.packageShow('no-such-dataset').catch((e: unknown) => e);
    expect(nf).toBeInstanceOf(CkanApiError);
    expect(nf).toMatchObject({ status: 404, type: 'Not Found Error' });
    const missing = (await ckan.action('package_show').catch((e: unknown) => e)) as CkanApiError;
    expect(missing).toMatchObject({ status: 409, type: 'Validation Error' });
    expect(missing.error.id).toEqual(['Missing value']);
    expect(await ckan.packageShow('people').catch((e: CkanApiError) => e.status)).toBe(404);
    const raw = await t.call('GET', '/api/3/action/package_delete?id=grid-map');
    expect(raw.statusCode).toBe(400);
    expect(raw.json()).toMatchObject({ success: false, error: { __type: 'Bad request' } });
    expect(typeof raw.json().help).toBe('string');
    const badRows = (await ckan.action('package_search', { rows: 'many' }).catch((e: unknown) => e)) as CkanApiError;
    expect(badRows.status).toBe(409);
  });
});
