import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel.ts';
import type { OpenFormat } from '../../../shared/datahall.ts';
import type { Row } from './store.ts';
import { csvCell } from '../http/csv-cell.ts';

export interface Table {
  columns: { name: string; label: string }[];
  rows: Row[];
  geometries?: unknown[];
}

export interface About {
  name: string;
  title: string;
  license: { id: string; title: string; url: string };
  modified: string;
  suppression: string | null;
}

export const mediaTypes: Record<OpenFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  geojson: 'application/geo+json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function toCsv(t: Table): string {
  const lines = [t.columns.map((c) => csvCell(c.name)).join(','), ...t.rows.map((r) => t.columns.map((c) => csvCell(r[c.name])).join(','))];
  // The BOM makes Excel on a Chinese Windows read the file as UTF-8.
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export const toJson = (t: Table, about: About) => ({
  dataset: about.name,
  title: about.title,
  license: about.license,
  modified: about.modified,
  suppression: about.suppression,
  columns: t.columns,
  rows: t.rows,
});

export function toGeojson(t: Table, about: About) {
  return {
    type: 'FeatureCollection',
    name: about.name,
    license: about.license.url,
    modified: about.modified,
    features: t.rows.map((r, i) => ({ type: 'Feature', geometry: t.geometries?.[i] ?? null, properties: r })),
  };
}

export async function toXlsx(t: Table, about: About): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  const sheet = wb.addWorksheet('data');
  sheet.addRow(t.columns.map((c) => c.label));
  for (const r of t.rows) sheet.addRow(t.columns.map((c) => r[c.name] ?? null));
  const info = wb.addWorksheet('about');
  info.addRows([
    ['dataset', about.name],
    ['title', about.title],
    ['license', `${about.license.title} ${about.license.url}`],
    ['modified', about.modified],
    ...(about.suppression ? [['suppression', about.suppression]] : []),
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
