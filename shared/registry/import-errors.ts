/**
 * The stable codes of the registry's row-level problems (import report, and the field errors of a register's
 * create/change). A code is the i18n key `error.<code>` of the console; its params fill the message's
 * placeholders. The English `reason` beside it stays for the CLI and for clients that predate the codes.
 * Listed here so a code without a zh/en message is a type error in web/src/i18n/messages/registry.ts.
 */
export const importErrorCodes = [
  // the file as a whole
  'registry.import.unreadable',
  'registry.import.bad_json',
  'registry.import.not_feature_collection',
  'registry.import.empty_file',
  'registry.import.server_error',
  // the header row
  'registry.import.unknown_column',
  'registry.import.duplicate_column',
  // a cell on its own
  'registry.import.required',
  'registry.import.digits_lost',
  'registry.import.not_a_number',
  'registry.import.not_a_point',
  'registry.import.yes_or_no',
  'registry.import.bad_date',
  'registry.import.unknown_value',
  'registry.import.unknown_care_group',
  'registry.import.bad_care_json',
  'registry.import.unknown_class',
  'registry.import.too_long',
  'registry.import.too_short',
  'registry.import.bad_grid_code',
  'registry.import.bad_nationality',
  'registry.import.bad_component_code',
  'registry.import.bad_class_code',
  'registry.import.bad_house_id',
  'registry.import.lon_lat_pair',
  'registry.import.invalid',
  // the rules of a register
  'registry.import.bad_id_number',
  'registry.import.bad_document_number',
  'registry.import.birth_date_mismatch',
  'registry.import.gender_mismatch',
  'registry.import.bad_phone',
  'registry.import.care_without_tag',
  'registry.import.relation_without_house',
  'registry.import.house_not_found',
  'registry.import.credit_code_required',
  'registry.import.bad_credit_code',
  'registry.import.component_code_mismatch',
  // where the record sits
  'registry.import.point_outside_city',
  'registry.import.point_in_other_grid',
  'registry.import.point_outside_house_grid',
  'registry.import.point_outside_scope',
  'registry.import.grid_not_found',
  'registry.import.house_in_other_grid',
  'registry.import.no_place',
  // against the file and the register
  'registry.import.duplicate_in_file',
  'registry.import.already_registered',
  // a grid feature (the geo importer's own reason is the param)
  'registry.import.bad_feature',
] as const;

export type ImportErrorCode = (typeof importErrorCodes)[number];

/** Values a message is filled with: a grid code, a row number, the allowed values… never clear PII. */
export type ErrorParams = Record<string, string | number>;
