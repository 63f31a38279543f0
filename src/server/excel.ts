import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | undefined;

/**
 * exceljs, loaded on the first spreadsheet (export, import, report) rather than at every start: it is the
 * heaviest module the server has (~0.3 s of CPU to load), and a restart after kill -9 must be back in < 3 s
 * (issue #19). Loaded once, then shared.
 */
export const loadExcel = (): Promise<typeof ExcelJS> => (loading ??= import('exceljs').then((m) => (m as { default?: typeof ExcelJS }).default ?? (m as unknown as typeof ExcelJS)));
