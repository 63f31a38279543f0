import { XMLBuilder } from 'fast-xml-parser';

/**
 * Open311 GeoReport v2 wire formats. The same document is rendered as JSON (a bare array or object) or as XML
 * with the spec's root and item element names, so each route builds one JS value and names its elements once.
 */
export type Open311Format = 'json' | 'xml';

/** A scalar in an Open311 document; null renders as an empty element in XML and null in JSON. */
type Scalar = string | number | boolean | null;
export type Open311Value = Scalar | Open311Value[] | { [key: string]: Open311Value | undefined };

const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: false });

const declaration = { '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' } };

export const contentTypes: Record<Open311Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/**
 * Splits `requests.json` / `services/0101.xml` into the name and the format. No suffix means JSON, which is
 * what clients that send `Accept: application/json` without a suffix expect; an unknown suffix is null.
 */
export function splitFormat(segment: string): { name: string; format: Open311Format } | null {
  // [\s\S]: a segment may hold a newline (%0A), which `.` would not match (found by test/api/fuzz.test.ts)
  const m = /^([\s\S]*?)(?:\.([A-Za-z]+))?$/.exec(segment);
  if (!m) return null;
  const ext = m[2]?.toLowerCase();
  if (ext === undefined) return { name: m[1]!, format: 'json' };
  if (ext === 'json' || ext === 'xml') return { name: m[1]!, format: ext };
  return null;
}

/**
 * Renders a list document: JSON is the bare array (as the spec's examples), XML wraps each item in `item`
 * under `root`, e.g. `<service_requests><request>…</request></service_requests>`.
 */
export function renderList(format: Open311Format, root: string, item: string, rows: Record<string, Open311Value | undefined>[]): string {
  if (format === 'json') return JSON.stringify(rows.map(forJson));
  return builder.build({ ...declaration, [root]: { [item]: rows.map(forXml) } });
}

/** Renders a single document object under `root` (discovery, service_definition). */
export function renderObject(format: Open311Format, root: string, doc: Record<string, Open311Value | undefined>): string {
  if (format === 'json') return JSON.stringify(forJson(doc));
  return builder.build({ ...declaration, [root]: forXml(doc) });
}

/** `[{code, description}]`, in XML `<errors><error>…</error></errors>`: never problem+json under /open311. */
export function renderErrors(format: Open311Format, errors: { code: number; description: string }[]): string {
  return renderList(format, 'errors', 'error', errors);
}

/**
 * XML needs the element name of repeated children; lists inside a document are given as
 * `{ $list: 'value', items: [...] }` so JSON gets a plain array and XML `<values><value>…</value></values>`.
 */
export interface XmlList {
  $list: string;
  items: Open311Value[];
}

export const xmlList = (itemName: string, items: Open311Value[]): Open311Value => ({ $list: itemName, items }) as unknown as Open311Value;

function isXmlList(v: unknown): v is XmlList {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && '$list' in v;
}

function forJson(v: Open311Value | undefined): unknown {
  if (isXmlList(v)) return v.items.map(forJson);
  if (Array.isArray(v)) return v.map(forJson);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, forJson(x)]));
  }
  return v;
}

function forXml(v: Open311Value | undefined): unknown {
  if (isXmlList(v)) return { [v.$list]: v.items.map(forXml) };
  if (Array.isArray(v)) return v.map(forXml);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, forXml(x)]));
  }
  // XML text cannot carry a JSON null; an empty element is how GeoReport v2 servers say "no value"
  return v === null ? '' : v;
}
