import { DataFactory, type Quad, type Quad_Object, type Quad_Predicate, type Quad_Subject } from 'n3';
import { prefixes } from './rdf-serialise.ts';
import type { OpenDataService, OpenDataset } from './service.ts';
import { mediaTypes } from './formats.ts';

const { namedNode, literal, blankNode, quad } = DataFactory;
const ns = (p: keyof typeof prefixes) => (local: string) => namedNode(`${prefixes[p]}${local}`);
const dcat = ns('dcat');
const dct = ns('dct');
const foaf = ns('foaf');
const vcard = ns('vcard');
const rdf = ns('rdf');
const xsd = ns('xsd');
const locn = ns('locn');
const gsp = ns('gsp');

const dateTime = (d: Date | string) => literal(new Date(d).toISOString(), xsd('dateTime'));
const frequency: Record<string, string> = { realtime: 'CONT', daily: 'DAILY', weekly: 'WEEKLY', monthly: 'MONTHLY', quarterly: 'QUARTERLY', yearly: 'ANNUAL', irregular: 'IRREG' };

/**
 * DCAT-AP 3 descriptions of the open datasets as an RDF model (n3 quads): dcat:Catalog → dcat:Dataset →
 * dcat:Distribution (downloadURL, mediaType, license), with publisher, contact point, temporal and spatial
 * coverage. Serialised to Turtle, JSON-LD and RDF/XML by rdf-serialise.ts.
 */
export function createDcat(open: OpenDataService) {
  async function datasetQuads(d: OpenDataset, base: string, bbox: [number, number, number, number] | null): Promise<Quad[]> {
    const m = d.meta;
    const ds = namedNode(`${base}/dataset/${m.name}`);
    const out: Quad[] = [];
    const add = (s: Quad_Subject, p: Quad_Predicate, o: Quad_Object) => out.push(quad(s, p, o));
    add(ds, rdf('type'), dcat('Dataset'));
    add(ds, dct('identifier'), literal(m.name));
    add(ds, dct('title'), literal(m.title, 'zh'));
    if (m.titleEn) add(ds, dct('title'), literal(m.titleEn, 'en'));
    add(ds, dct('description'), literal(m.notes, 'zh'));
    add(ds, dct('issued'), dateTime(d.resource.created_at));
    add(ds, dct('modified'), dateTime(m.modified));
    add(ds, dct('accrualPeriodicity'), namedNode(`http://publications.europa.eu/resource/authority/frequency/${frequency[m.updateCycle] ?? 'IRREG'}`));
    add(ds, dcat('landingPage'), namedNode(`${base}/portal/opendata/${m.name}`));
    for (const t of m.tags) add(ds, dcat('keyword'), literal(t, 'zh'));
    add(ds, dcat('theme'), namedNode(`${base}/theme/${m.theme}`));
    const publisher = namedNode(`${base}/organization/${m.organization.name}`);
    add(ds, dct('publisher'), publisher);
    add(publisher, rdf('type'), foaf('Agent'));
    add(publisher, foaf('name'), literal(m.organization.title, 'zh'));
    const contact = blankNode(`contact-${m.name}`);
    add(ds, dcat('contactPoint'), contact);
    add(contact, rdf('type'), vcard('Organization'));
    add(contact, vcard('fn'), literal(m.organization.title, 'zh'));
    add(contact, vcard('hasURL'), namedNode(`${base}/portal/opendata`));
    const period = await open.temporal(d);
    if (period) {
      const t = blankNode(`temporal-${m.name}`);
      add(ds, dct('temporal'), t);
      add(t, rdf('type'), dct('PeriodOfTime'));
      add(t, dcat('startDate'), dateTime(period.start));
      add(t, dcat('endDate'), dateTime(period.end));
    }
    if (bbox) {
      const s = blankNode(`spatial-${m.name}`);
      const [w, so, e, n] = bbox;
      add(ds, dct('spatial'), s);
      add(s, rdf('type'), dct('Location'));
      add(s, dcat('bbox'), literal(`POLYGON((${w} ${so},${e} ${so},${e} ${n},${w} ${n},${w} ${so}))`, gsp('wktLiteral')));
      add(s, locn('geographicName'), literal(await open.cityName(), 'zh'));
    }
    const licence = namedNode(m.licenseUrl);
    add(licence, rdf('type'), dct('LicenseDocument'));
    m.formats.forEach((f) => {
      const dist = namedNode(`${base}/dataset/${m.name}/distribution/${f}`);
      const url = namedNode(`${base}/api/v1/public/opendata/datasets/${m.name}/download/${f}`);
      add(ds, dcat('distribution'), dist);
      add(dist, rdf('type'), dcat('Distribution'));
      add(dist, dct('title'), literal(`${m.title} (${f.toUpperCase()})`, 'zh'));
      add(dist, dcat('accessURL'), url);
      add(dist, dcat('downloadURL'), url);
      add(dist, dcat('mediaType'), namedNode(`http://www.iana.org/assignments/media-types/${mediaTypes[f]}`));
      add(dist, dct('format'), literal(f.toUpperCase()));
      add(dist, dct('license'), licence);
      add(dist, dct('modified'), dateTime(m.modified));
    });
    add(ds, dct('license'), licence);
    return out;
  }

  return {
    async catalog(base: string): Promise<Quad[]> {
      const [all, bbox, city] = await Promise.all([open.list(), open.bbox(), open.cityName()]);
      const cat = namedNode(`${base}/catalog`);
      const out: Quad[] = [
        quad(cat, rdf('type'), dcat('Catalog')),
        quad(cat, dct('title'), literal(`${city}开放数据目录`, 'zh')),
        quad(cat, dct('description'), literal(`${city}政务数据开放目录（DCAT-AP 3）`, 'zh')),
        quad(cat, foaf('homepage'), namedNode(`${base}/portal/opendata`)),
        quad(cat, dct('language'), namedNode('http://publications.europa.eu/resource/authority/language/ZHO')),
        quad(cat, dct('publisher'), namedNode(`${base}/organization/city`)),
        quad(namedNode(`${base}/organization/city`), rdf('type'), foaf('Agent')),
        quad(namedNode(`${base}/organization/city`), foaf('name'), literal(`${city}人民政府`, 'zh')),
      ];
      const modified = all.map((d) => d.meta.modified).sort().pop();
      if (modified) out.push(quad(cat, dct('modified'), dateTime(modified)));
      for (const d of all) {
        out.push(quad(cat, dcat('dataset'), namedNode(`${base}/dataset/${d.meta.name}`)));
        out.push(...(await datasetQuads(d, base, bbox)));
      }
      return out;
    },
    async dataset(name: string, base: string): Promise<Quad[]> {
      const d = await open.get(name);
      return datasetQuads(d, base, await open.bbox());
    },
  };
}
