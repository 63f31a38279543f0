import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../../excel.ts';

/** A cell as a parser hands it over: spreadsheets keep numbers and dates typed, CSV gives text. */
export type Cell = string | number | boolean | Date | null;

export interface SheetRow {
  /** the line (CSV), row (XLSX) or feature number (GeoJSON, from 1) the user sees */
  row: number;
  cells: Map<string, Cell>;
}

export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

export type ImportFormat = 'csv' | 'xlsx' | 'geojson';

export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
  constructor(
    message: string,
    /** the report's code: the file cannot be parsed, is not JSON, or is JSON but not a FeatureCollection */
    readonly code: 'registry.import.unreadable' | 'registry.import.bad_json' | 'registry.import.not_feature_collection' = 'registry.import.unreadable',
  ) {
    super(message);
  }
}

/** The format from the file name, else from the first bytes (an XLSX is a ZIP, GeoJSON starts with `{`). */
export function detectFormat(filename: string, bytes: Buffer): ImportFormat | null {
  const ext = /\.([a-z]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (ext === 'csv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'geojson' || ext === 'json') return 'geojson';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx';
  if (bytes.subarray(0, 64).toString('utf8').trimStart().startsWith('{')) return 'geojson';
  return null;
}

/**
 * Text of a CSV. Excel on a Chinese Windows saves CSV in GBK, so bytes that are not valid UTF-8 are read as
 * GB 18030 (a superset of GBK) rather than turned into replacement characters.
 */
function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const headerText = (v: unknown) => String(v ?? '').trim();

function fromCsv(bytes: Buffer): Sheet {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(decodeText(bytes), { info: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as never;
  } catch (err) {
    throw new UnreadableFile(`the CSV cannot be read: ${(err as Error).message}`);
  }
  const [head, ...body] = records;
  if (!head) return { headers: [], rows: [] };
  const headers = head.record.map(headerText);
  return {
    headers,
    rows: body
      .filter((r) => r.record.some((v) => v !== ''))
      .map((r) => ({ row: r.info.lines, cells: new Map(headers.map((h, i) => [h, r.record[i] ?? null] as [string, Cell])) })),
  };
}

/** ExcelJS cell values come as rich text, hyperlinks, formula results…; reduce them to the plain value. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('hyperlink' in v) return String(v.text ?? '');
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('error' in v) return null;
  }
  return String(v);
}

async function fromXlsx(bytes: Buffer): Promise<Sheet> {
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new UnreadableFile(`the XLSX cannot be read: ${(err as Error).message}`);
  }
  const ws = wb.worksheets[0];
  if (!ws) return { headers: [], rows: [] };
  const headerRow = ws.getRow(1);
  const headers: string[] = [];
  headerRow.eachCell({ includeEmpty: true }, (cell, col) => (headers[col - 1] = headerText(cellValue(cell.value))));
  const rows: SheetRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = new Map<string, Cell>();
    headers.forEach((h, i) => {
      const v = cellValue(row.getCell(i + 1).value);
      cells.set(h, typeof v === 'string' ? v.trim() : v);
    });
    if ([...cells.values()].some((v) => v !== null && v !== '')) rows.push({ row: rowNumber, cells });
  });
  return { headers: headers.map((h) => h ?? ''), rows };
}

/** Features become rows: their properties are the columns, a Point geometry fills lon and lat. */
function fromGeojson(bytes: Buffer): Sheet {
  let doc: { type?: string; features?: { properties?: Record<string, unknown> | null; geometry?: { type?: string; coordinates?: unknown } | null }[] };
  try {
    doc = JSON.parse(decodeText(bytes));
  } catch {
    throw new UnreadableFile('the GeoJSON is not valid JSON', 'registry.import.bad_json');
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new UnreadableFile('a GeoJSON import is a FeatureCollection', 'registry.import.not_feature_collection');
  const headers = new Set<string>();
  const rows = doc.features.map((f, i) => {
    const cells = new Map<string, Cell>();
    for (const [k, v] of Object.entries(f?.properties ?? {})) {
      headers.add(k);
      cells.set(k, v === null || ['string', 'number', 'boolean'].includes(typeof v) ? (v as Cell) : JSON.stringify(v));
    }
    const g = f?.geometry;
    if (g) {
      headers.add('lon').add('lat');
      const c = g.coordinates;
      const point = g.type === 'Point' && Array.isArray(c) && c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number';
      // A non-point geometry is reported by the row checks as a bad position, not silently dropped.
      cells.set('lon', point ? (c[0] as number) : `geometry ${g.type ?? '?'} is not a Point`);
      cells.set('lat', point ? (c[1] as number) : null);
    }
    return { row: i + 1, cells };
  });
  return { headers: [...headers], rows };
}

export async function readSheet(bytes: Buffer, format: ImportFormat): Promise<Sheet> {
  if (format === 'csv') return fromCsv(bytes);
  if (format === 'xlsx') return fromXlsx(bytes);
  return fromGeojson(bytes);
}
