import { XMLParser } from 'fast-xml-parser';
import { Parser, type Quad } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { intake, pointIn } from './cases-support.ts';

const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const parseTurtle = (text: string) => new Parser({ format: 'text/turtle' }).parse(text);
const objects = (quads: Quad[], s: string, p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object);
const ofType = (quads: Quad[], type: string) => quads.filter((q) => q.predicate.value === RDF_TYPE && q.object.value === type).map((q) => q.subject.value);

/** Triples of expanded JSON-LD (the form the server writes), as "s p o" strings with blank nodes kept by label. */
function jsonLdTriples(doc: unknown): Set<string> {
  const out = new Set<string>();
  for (const node of doc as Record<string, unknown>[]) {
    const s = node['@id'] as string;
    for (const ty of (node['@type'] as string[] | undefined) ?? []) out.add(`${s} ${RDF_TYPE} ${ty}`);
    for (const [p, vs] of Object.entries(node)) {
      if (p.startsWith('@')) continue;
      for (const v of vs as Record<string, string>[]) out.add(`${s} ${p} ${v['@id'] ?? `"${v['@value']}"${v['@language'] ? `@${v['@language']}` : v['@type'] ? `^^${v['@type']}` : ''}`}`);
    }
  }
  return out;
}
const quadTriples = (quads: Quad[]) =>
  new Set(quads.map((q) => {
    const term = (x: Quad['object']) => (x.termType === 'BlankNode' ? `_:${x.value}` : x.termType === 'Literal' ? `"${x.value}"${x.language ? `@${x.language}` : x.datatype.value !== 'http://www.w3.org/2001/XMLSchema#string' ? `^^${x.datatype.value}` : ''}` : x.value);
    return `${term(q.subject as Quad['object'])} ${q.predicate.value} ${term(q.object)}`;
  }));

describe('DCAT-AP 3 catalogue of the open datasets', () => {
  it('catalog.ttl parses and holds dcat:Catalog, dcat:Dataset and dcat:Distribution with DCAT-AP properties', async () => {
    const res = await t.call('GET', '/catalog.ttl');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/turtle');
    const quads = parseTurtle(res.body);
    const base = 'http://localhost:80';
    expect(ofType(quads, `${DCAT}Catalog`)).toEqual([`${base}/catalog`]);
    const datasets = ofType(quads, `${DCAT}Dataset`);
    expect(datasets).toEqual(expect.arrayContaining([`${base}/dataset/cases-monthly`, `${base}/dataset/city-components`]));
    expect(objects(quads, `${base}/catalog`, `${DCAT}dataset`).map((o) => o.value).sort()).toEqual([...datasets].sort());
    const ds = `${base}/dataset/city-components`;
    expect(objects(quads, ds, `${DCT}title`)[0]).toMatchObject({ value: '城市部件分布', language: 'zh' });
    const publisher = objects(quads, ds, `${DCT}publisher`)[0]!.value;
    expect(objects(quads, publisher, 'http://xmlns.com/foaf/0.1/name')[0]!.value).toBe('市政设施管理处');
    const contact = objects(quads, ds, `${DCAT}contactPoint`)[0]!;
    expect(objects(quads, contact.value, RDF_TYPE)[0]!.value).toBe('http://www.w3.org/2006/vcard/ns#Organization');
    const spatial = objects(quads, ds, `${DCT}spatial`)[0]!;
    expect(objects(quads, spatial.value, `${DCAT}bbox`)[0]!.value).toMatch(/^POLYGON\(\(/);
    expect(objects(quads, ds, `${DCT}license`)[0]!.value).toBe('https://creativecommons.org/licenses/by/4.0/');
    const dists = objects(quads, ds, `${DCAT}distribution`).map((o) => o.value);
    expect(dists.length).toBe(4);
    for (const d of dists) expect(objects(quads, d, RDF_TYPE)[0]!.value).toBe(`${DCAT}Distribution`);
    const csv = dists.find((d) => d.endsWith('/csv'))!;
    expect(objects(quads, csv, `${DCAT}mediaType`)[0]!.value).toBe('http://www.iana.org/assignments/media-types/text/csv');
    const url = objects(quads, csv, `${DCAT}downloadURL`)[0]!.value;
    const file = await t.call('GET', new URL(url).pathname);
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain('code,class_code');
  });

  it('a dataset document carries temporal coverage; jsonld yields the same triples; rdf is RDF/XML', async () => {
    const clerk = await t.login('clerk');
    const p = await pointIn(t, '990102');
    await intake(t, clerk, { category: '0101', lon: p.lon, lat: p.lat, text: '道路上有一处坑洼需要修补' });
    const ttl = parseTurtle((await t.call('GET', '/dataset/cases-monthly.ttl')).body);
    const ds = 'http://localhost:80/dataset/cases-monthly';
    expect(ofType(ttl, `${DCAT}Dataset`)).toEqual([ds]);
    const temporal = objects(ttl, ds, `${DCT}temporal`)[0]!;
    expect(objects(ttl, temporal.value, `${DCAT}startDate`)[0]!).toMatchObject({ datatype: { value: 'http://www.w3.org/2001/XMLSchema#dateTime' } });

    const jsonld = await t.call('GET', '/dataset/cases-monthly.jsonld');
    expect(jsonld.headers['content-type']).toContain('application/ld+json');
    const doc = JSON.parse(jsonld.body);
    expect(doc.find((n: { '@id': string }) => n['@id'] === ds)['@type']).toEqual([`${DCAT}Dataset`]);
    // same model in both serialisations (blank-node labels are the server's own in both)
    const fromTtl = quadTriples(ttl);
    const fromJson = jsonLdTriples(doc);
    expect(fromJson.size).toBe(fromTtl.size);
    const ttlNoBlanks = [...fromTtl].filter((x) => !x.includes('_:'));
    for (const tr of ttlNoBlanks) expect(fromJson.has(tr), tr).toBe(true);

    const rdf = await t.call('GET', '/dataset/cases-monthly.rdf');
    expect(rdf.headers['content-type']).toContain('application/rdf+xml');
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(rdf.body);
    const root = xml['rdf:RDF'];
    expect(root['@xmlns:dcat']).toBe(DCAT);
    expect(root['dcat:Dataset']['@rdf:about']).toBe(ds);
    expect([root['dcat:Distribution']].flat().length).toBe(3); // csv, json, xlsx: no geometry, no GeoJSON
    expect([root['dcat:Dataset']['dct:title']].flat()).toContainEqual({ '#text': '案件月度统计（按网格和类别）', '@xml:lang': 'zh' });
  });

  it('negotiates /catalog on Accept', async () => {
    const ld = await t.call('GET', '/catalog', { headers: { accept: 'application/ld+json' } });
    expect(ld.headers['content-type']).toContain('application/ld+json');
    expect(Array.isArray(JSON.parse(ld.body))).toBe(true);
    const xml = await t.call('GET', '/catalog', { headers: { accept: 'application/rdf+xml, text/turtle;q=0.5' } });
    expect(xml.headers['content-type']).toContain('application/rdf+xml');
    const ttl = await t.call('GET', '/catalog', { headers: { accept: 'text/turtle' } });
    expect(parseTurtle(ttl.body).length).toBeGreaterThan(10);
    expect((await t.call('GET', '/dataset/people.ttl')).statusCode).toBe(404);
  });

  it('publishes cases per grid × category × month only where at least 5 cases fall (k ≥ 5)', async () => {
    const clerk = await t.login('clerk');
    const big = await pointIn(t, '990105', 0);
    const small = await pointIn(t, '990106', 0);
    for (let i = 0; i < 6; i++) await intake(t, clerk, { category: '0102', lon: big.lon, lat: big.lat, text: `第${i + 1}处道路积水，车辆无法通行` });
    for (let i = 0; i < 2; i++) await intake(t, clerk, { category: '0103', lon: small.lon, lat: small.lat, text: `第${i + 1}个井盖松动，行人有危险` });
    const res = await t.call('GET', '/api/v1/public/opendata/datasets/cases-monthly/download/json');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.suppression).toContain('k ≥ 5');
    expect(body.license.id).toBe('cc-by-4.0');
    for (const r of body.rows) expect(r.cases).toBeGreaterThanOrEqual(5);
    expect(body.rows).toContainEqual({ grid_code: big.grid, category: '0102', month: '2026-11', cases: 6 });
    expect(body.rows.some((r: { grid_code: string }) => r.grid_code === small.grid)).toBe(false);
    expect(JSON.stringify(body)).not.toMatch(/积水|井盖/); // no case text, only counts
    const preview = (await t.call('GET', '/api/v1/public/opendata/datasets/cases-monthly/preview')).json();
    expect(preview.suppressed).toBeGreaterThanOrEqual(1);
  });
});
