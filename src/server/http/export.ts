import { PassThrough, Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { loadExcel } from '../excel.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { csvCell } from './csv-cell.ts';

/**
 * One export helper for every list (issue #18): `?format=csv|xlsx` on the list's own path, same filters, same
 * scope, same presenter, so a column masked on screen is masked in the file. Rows are fetched a chunk at a
 * time through the list's own service method and streamed out; nothing holds the whole result in memory.
 */
export const exportFormat = z.enum(['json', 'csv', 'xlsx']).optional().describe('json (default, one page) or csv / xlsx: every matching row, as the screen masks them');
export type ExportFormat = 'csv' | 'xlsx';

/** Beyond this a file stops being a list export and becomes a bulk extract: ask for narrower filters first. */
export const EXPORT_MAX_ROWS = 100_000;
const CHUNK = 1000;

export const exportContentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
/** For a list route's OpenAPI entry: the same 200 answered as JSON, CSV or XLSX. */
export const exportProduces = ['application/json', 'text/csv', exportContentTypes.xlsx];

export type Cell = string | number | boolean | null | undefined;
export interface ExportColumn<T> {
  zh: string;
  en: string;
  value: (row: T) => Cell;
}

type Lang = 'zh' | 'en';
/** Headers follow the console's language (Accept-Language); Chinese unless the browser asks for English first. */
export function exportLang(req: FastifyRequest): Lang {
  return /^en\b/i.test(String(req.headers['accept-language'] ?? '')) ? 'en' : 'zh';
}

/** Walks the list a chunk at a time via its own `list(page, pageSize)`; the first chunk's total decides the cap. */
async function firstAndRest<T>(fetchPage: (page: number, pageSize: number) => Promise<Page<T>>, limit: number) {
  const first = await fetchPage(1, CHUNK);
  if (first.total > limit) {
    throw new AppError(400, 'export.too_many_rows', `${first.total} rows match; an export holds at most ${limit}: narrow the filters`, { total: first.total, limit });
  }
  // Offset chunks, like the paged screen: a row written meanwhile can shift by one between chunks (accepted
  // for an office export; the cap keeps the walk short).
  async function* rows() {
    yield* first.items;
    let page = 1;
    let seen = first.items.length;
    while (seen < first.total && seen < limit) {
      page += 1;
      const next = await fetchPage(page, CHUNK);
      if (next.items.length === 0) return;
      yield* next.items;
      seen += next.items.length;
    }
  }
  return rows();
}

export interface ExportSpec<Row, Out> {
  format: ExportFormat;
  /** file name without extension, ASCII: `cases` */
  name: string;
  columns: readonly ExportColumn<Out>[];
  fetchPage: (page: number, pageSize: number) => Promise<Page<Row>>;
  present: (row: Row) => Out;
  limit?: number;
}

/** Sends the export. Errors before the first byte (scope, cap) leave as problem+json; later ones cut the stream. */
export async function sendExport<Row, Out>(req: FastifyRequest, reply: FastifyReply, spec: ExportSpec<Row, Out>) {
  const lang = exportLang(req);
  const rows = await firstAndRest(spec.fetchPage, spec.limit ?? EXPORT_MAX_ROWS);
  const headers = spec.columns.map((c) => c[lang]);
  const cells = (row: Row) => {
    const out = spec.present(row);
    return spec.columns.map((c) => c.value(out));
  };
  reply
    .header('content-disposition', `attachment; filename="${spec.name}.${spec.format}"`)
    .header('cache-control', 'no-store') // masked, but still personal data: no shared caches
    .type(exportContentTypes[spec.format]);

  if (spec.format === 'csv') {
    async function* lines() {
      // The BOM makes Excel read UTF-8 (Chinese) instead of the local code page.
      yield `\uFEFF${headers.map(csvCell).join(',')}\r\n`;
      for await (const row of rows) yield `${cells(row).map(csvCell).join(',')}\r\n`;
    }
    return reply.send(Readable.from(lines()));
  }

  const out = new PassThrough();
  const workbook = new (await loadExcel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  const sheet = workbook.addWorksheet(spec.name.slice(0, 31));
  void (async () => {
    sheet.addRow(headers).commit();
    for await (const row of rows) sheet.addRow(cells(row).map((v) => v ?? null)).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => {
    req.log.error({ err }, 'export failed mid-stream');
    out.destroy(err as Error);
  });
  return reply.send(out);
}

