import { Writer, type Quad, type Term } from 'n3';

/**
 * Serialisers over one RDF model (n3 quads): Turtle by n3's Writer; JSON-LD (expanded form, full IRIs, so any
 * JSON-LD processor reads it without fetching a context) and RDF/XML written here from the same triples,
 * because n3 writes neither. Every literal and IRI is escaped by the serialiser, never pasted into a template.
 */
export const prefixes: Record<string, string> = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  locn: 'http://www.w3.org/ns/locn#',
  gsp: 'http://www.opengis.net/ont/geosparql#',
  adms: 'http://www.w3.org/ns/adms#',
};

const RDF_TYPE = `${prefixes.rdf}type`;
const XSD_STRING = `${prefixes.xsd}string`;
const RDF_LANG_STRING = `${prefixes.rdf}langString`;

export function toTurtle(quads: Quad[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Writer({ prefixes });
    w.addQuads(quads);
    w.end((err, out) => (err ? reject(err) : resolve(out)));
  });
}

type JsonLdValue = { '@id': string } | { '@value': string; '@language'?: string; '@type'?: string };

const nodeId = (t: Term) => (t.termType === 'BlankNode' ? `_:${t.value}` : t.value);

function jsonLdObject(t: Term): JsonLdValue {
  if (t.termType === 'NamedNode' || t.termType === 'BlankNode') return { '@id': nodeId(t) };
  if (t.termType !== 'Literal') throw new Error(`cannot serialise ${t.termType}`);
  if (t.language) return { '@value': t.value, '@language': t.language };
  if (t.datatype.value !== XSD_STRING) return { '@value': t.value, '@type': t.datatype.value };
  return { '@value': t.value };
}

/** Expanded JSON-LD: one node object per subject; rdf:type becomes @type, as JSON-LD's RDF algorithm does. */
export function toJsonLd(quads: Quad[]): object[] {
  const nodes = new Map<string, Record<string, unknown>>();
  for (const q of quads) {
    const id = nodeId(q.subject);
    const node = nodes.get(id) ?? { '@id': id };
    nodes.set(id, node);
    if (q.predicate.value === RDF_TYPE && q.object.termType === 'NamedNode') {
      node['@type'] = [...((node['@type'] as string[]) ?? []), q.object.value];
    } else {
      node[q.predicate.value] = [...((node[q.predicate.value] as JsonLdValue[]) ?? []), jsonLdObject(q.object)];
    }
  }
  return [...nodes.values()];
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r/g, '&#13;');

/** An IRI as a QName: a known prefix, else a generated one declared on the root. */
function qname(iri: string, extra: Map<string, string>): string {
  for (const [p, ns] of Object.entries(prefixes)) {
    if (iri.startsWith(ns) && /^[A-Za-z_][\w.-]*$/.test(iri.slice(ns.length))) return `${p}:${iri.slice(ns.length)}`;
  }
  const m = /^(.*[#/])([A-Za-z_][\w.-]*)$/.exec(iri);
  if (!m) throw new Error(`no QName for predicate ${iri}`);
  let p = [...extra.entries()].find(([, ns]) => ns === m[1])?.[0];
  if (!p) {
    p = `ns${extra.size}`;
    extra.set(p, m[1]!);
  }
  return `${p}:${m[2]}`;
}

/**
 * RDF/XML: a typed node element per subject when its first type has a QName (dcat:Dataset …), else
 * rdf:Description; blank nodes by rdf:nodeID; literals with xml:lang or rdf:datatype.
 */
export function toRdfXml(quads: Quad[]): string {
  const extra = new Map<string, string>();
  const subjects = new Map<string, { term: Term; props: Quad[]; types: string[] }>();
  for (const q of quads) {
    const id = nodeId(q.subject);
    const s = subjects.get(id) ?? { term: q.subject, props: [], types: [] };
    subjects.set(id, s);
    if (q.predicate.value === RDF_TYPE && q.object.termType === 'NamedNode') s.types.push(q.object.value);
    else s.props.push(q);
  }
  const body: string[] = [];
  for (const s of subjects.values()) {
    const [first, ...restTypes] = s.types;
    const tag = first ? qname(first, extra) : 'rdf:Description';
    const about = s.term.termType === 'BlankNode' ? `rdf:nodeID="${xmlEscape(s.term.value)}"` : `rdf:about="${xmlEscape(s.term.value)}"`;
    body.push(`  <${tag} ${about}>`);
    for (const t of restTypes) body.push(`    <rdf:type rdf:resource="${xmlEscape(t)}"/>`);
    for (const q of s.props) {
      const p = qname(q.predicate.value, extra);
      const o = q.object;
      if (o.termType === 'NamedNode') body.push(`    <${p} rdf:resource="${xmlEscape(o.value)}"/>`);
      else if (o.termType === 'BlankNode') body.push(`    <${p} rdf:nodeID="${xmlEscape(o.value)}"/>`);
      else if (o.termType === 'Literal') {
        const attr = o.language ? ` xml:lang="${xmlEscape(o.language)}"` : o.datatype.value !== XSD_STRING && o.datatype.value !== RDF_LANG_STRING ? ` rdf:datatype="${xmlEscape(o.datatype.value)}"` : '';
        body.push(`    <${p}${attr}>${xmlEscape(o.value)}</${p}>`);
      }
    }
    body.push(`  </${tag}>`);
  }
  const ns = [...Object.entries(prefixes), ...extra.entries()].map(([p, n]) => `xmlns:${p}="${xmlEscape(n)}"`).join('\n    ');
  return `<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF\n    ${ns}>\n${body.join('\n')}\n</rdf:RDF>\n`;
}
