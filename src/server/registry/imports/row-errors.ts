import type { z } from 'zod';
import type { ErrorParams, ImportErrorCode } from '../../../../shared/registry/import-errors.ts';

/**
 * One problem in the report: `row` is what the user sees in their file, `column` the header they wrote.
 * `code` + `params` are what the console translates (`error.<code>`); `reason` is the English text the CLI
 * prints and older clients read, kept as it was (the report is an API contract: fields are added, not renamed).
 */
export interface RowError {
  row: number;
  column: string;
  reason: string;
  code: ImportErrorCode;
  params?: ErrorParams;
}

/** A cell that cannot become its field's value. */
export class CellError {
  constructor(
    readonly code: ImportErrorCode,
    readonly reason: string,
    readonly params?: ErrorParams,
  ) {}
}

export const rowError = (row: number, column: string, e: { code: ImportErrorCode; reason: string; params?: ErrorParams }): RowError => ({
  row,
  column,
  reason: e.reason,
  code: e.code,
  ...(e.params ? { params: e.params } : {}),
});

/** The schemas' own format rules, by field: their messages are English, the code says which rule it was. */
const formatCodes: Record<string, ImportErrorCode> = {
  gridCode: 'registry.import.bad_grid_code',
  birthDate: 'registry.import.bad_date',
  installedOn: 'registry.import.bad_date',
  nationality: 'registry.import.bad_nationality',
  creditCode: 'registry.import.bad_credit_code',
  code: 'registry.import.bad_component_code',
  classCode: 'registry.import.bad_class_code',
  houseId: 'registry.import.bad_house_id',
};

/**
 * A zod issue of the API's own request schema as a report entry's code: the same schema checks a form and a
 * spreadsheet row, so the row gets the rule's name instead of the schema's English message only.
 */
export function issueCode(issue: z.core.$ZodIssue, field: string, given: unknown): Pick<RowError, 'code' | 'reason' | 'params'> {
  if (given === undefined && issue.code === 'invalid_type') return { code: 'registry.import.required', reason: 'required' };
  const reason = issue.message;
  if (issue.code === 'custom' && field === 'lat') return { code: 'registry.import.lon_lat_pair', reason };
  const exactLength = (issue.code === 'too_big' || issue.code === 'too_small') && 'exact' in issue && issue.exact;
  if (formatCodes[field] && (issue.code === 'invalid_format' || exactLength)) return { code: formatCodes[field], reason };
  if (issue.code === 'too_big') return { code: 'registry.import.too_long', reason, params: { max: Number(issue.maximum) } };
  if (issue.code === 'too_small') return { code: 'registry.import.too_short', reason, params: { min: Number(issue.minimum) } };
  if (issue.code === 'invalid_value') return { code: 'registry.import.unknown_value', reason, params: { value: String(given), allowed: issue.values.map(String).join('/') } };
  return { code: 'registry.import.invalid', reason, params: { detail: reason } };
}
