import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../../excel.ts';
import { invalid } from '../../errors.ts';

/** One import row as text cells keyed by header, like a CSV row. */
export type TextRow = Record<string, string>;

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !(v instanceof Date)) {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('hyperlink' in v) return String(v.text ?? '');
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
  }
  return v instanceof Date ? v.toISOString() : String(v);
}

/** 批量导入 files: CSV text (BOM allowed) or the first sheet of an XLSX workbook; the first row holds the headers. */
export async function readImportFile(input: { csv?: string; xlsx?: Buffer }): Promise<TextRow[]> {
  if (input.csv !== undefined) {
    try {
      return parseCsv(input.csv, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as TextRow[];
    } catch (err) {
      throw invalid('device.import_bad_csv', `the CSV cannot be read: ${(err as Error).message}`);
    }
  }
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(input.xlsx as unknown as ArrayBuffer);
  } catch (err) {
    throw invalid('device.import_bad_xlsx', `the XLSX cannot be read: ${(err as Error).message}`);
  }
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const headers: string[] = [];
  ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (headers[col - 1] = cellText(cell.value).trim()));
  const rows: TextRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    if (n === 1) return;
    const r: TextRow = {};
    headers.forEach((h, i) => h && (r[h] = cellText(row.getCell(i + 1).value).trim()));
    if (Object.values(r).some((v) => v !== '')) rows.push(r);
  });
  return rows;
}
