/**
 * One CSV cell, RFC 4180: quoted when it holds a separator, quote or line break. Text a spreadsheet would run as
 * a formula (a leading = + - @, tab or carriage return: CSV injection) gets a leading quote. Lists join with ';'.
 * Shared by the list exports and the open-data downloads.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = Array.isArray(v) ? v.join(';') : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
