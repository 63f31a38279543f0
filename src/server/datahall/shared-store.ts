import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.ts';
import { maskIdNumber, maskName, maskPhone, type PiiCipher } from '../privacy/pii.ts';

/**
 * The rows a sharing key may read, per registered platform table. Each field says which columns it needs and
 * how it leaves: PII is masked unless the approval granted clear access to that field, and sealed columns are
 * decrypted only then. The area scope of the approval is applied here, in SQL, never by the caller.
 */
type Raw = Record<string, unknown>;
interface FieldReader {
  columns: string[];
  value(row: Raw, clear: boolean, pii: PiiCipher): unknown;
}
interface TableReader {
  table: string;
  scopeColumn: string;
  order: string;
  fields: Record<string, FieldReader>;
}

const col = (name: string, as = (v: unknown) => v): FieldReader => ({ columns: [name], value: (r) => as(r[name] ?? null) });
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
const open = (p: PiiCipher, v: unknown) => (typeof v === 'string' ? p.decrypt(v) : null);

/** a field kept masked in its own column, its clear value sealed in another */
const sealedWithMask = (sealed: string, mask: string): FieldReader => ({
  columns: [sealed, mask],
  value: (r, clear, p) => (clear ? open(p, r[sealed]) : (r[mask] ?? null)),
});
/** a field only kept sealed: masked on the way out unless clear access was approved */
const sealedOnly = (sealed: string, masker: (s: string) => string): FieldReader => ({
  columns: [sealed],
  value: (r, clear, p) => {
    const v = open(p, r[sealed]);
    return v === null ? null : clear ? v : masker(v);
  },
});

const readers: Record<string, TableReader> = {
  people: {
    table: 'people', scopeColumn: 'area_path', order: 'id',
    fields: {
      id: col('id'),
      name: { columns: ['name', 'name_sealed', 'name_mask'], value: (r, clear, p) => (clear ? ((r.name as string | null) ?? open(p, r.name_sealed)) : r.name_mask) },
      id_number: sealedWithMask('id_number_sealed', 'id_number_mask'),
      phone: sealedWithMask('phone_sealed', 'phone_mask'),
      kind: col('kind'), gender: col('gender'), birth_date: col('birth_date'), tags: col('tags'), grid_code: col('grid_code'),
    },
  },
  houses: {
    table: 'houses', scopeColumn: 'area_path', order: 'id',
    fields: Object.fromEntries(['id', 'address', 'building', 'unit', 'room', 'purpose', 'rental', 'grid_code'].map((c) => [c, col(c)])),
  },
  organisations: {
    table: 'organisations', scopeColumn: 'area_path', order: 'id',
    fields: Object.fromEntries(['id', 'name', 'kind', 'credit_code', 'industry', 'status', 'grid_code'].map((c) => [c, col(c)])),
  },
  components: {
    table: 'components', scopeColumn: 'area_path', order: 'code',
    fields: Object.fromEntries(['code', 'class_code', 'name', 'state', 'owner_unit', 'grid_code', 'lon', 'lat'].map((c) => [c, col(c)])),
  },
  cases: {
    table: 'cases', scopeColumn: 'area_path', order: 'code',
    fields: {
      ...Object.fromEntries(['code', 'channel', 'category', 'state', 'text', 'grid_code', 'main_department'].map((c) => [c, col(c)])),
      created_at: col('created_at', iso),
      reporter_name: sealedOnly('reporter_name', maskName),
      reporter_phone: sealedOnly('reporter_phone', maskPhone),
    },
  },
  devices: {
    table: 'devices', scopeColumn: 'area_path', order: 'id',
    fields: { ...Object.fromEntries(['id', 'name', 'type', 'grid_code', 'owner_department', 'lon', 'lat'].map((c) => [c, col(c)])), last_seen: col('last_seen', iso) },
  },
  grids: {
    table: 'areas', scopeColumn: 'path', order: 'code',
    fields: Object.fromEntries(['code', 'name', 'level', 'parent_code'].map((c) => [c, col(c)])),
  },
};

// An ID number is never stored in clear anywhere else, so masking here is the same mask the registry shows.
export const maskers = { id_number: maskIdNumber, phone: maskPhone, name: maskName };

export const hasReader = (source: string, field?: string) => (field === undefined ? source in readers : Boolean(readers[source]?.fields[field]));

export interface SharedPage {
  rows: Record<string, unknown>[];
  total: number;
}

export function createSharedStore(pii: PiiCipher) {
  return {
    /** Rows of `source` inside `scopePath`, exactly the `fields` asked for; `clear` lists those sent unmasked. */
    async read(db: Db, source: string, fields: string[], clear: ReadonlySet<string>, scopePath: string, page: number, pageSize: number): Promise<SharedPage> {
      const reader = readers[source];
      if (!reader) throw new Error(`no reader for ${source}`);
      const picked = fields.map((f) => [f, reader.fields[f]] as const).filter((x): x is readonly [string, FieldReader] => Boolean(x[1]));
      const columns = [...new Set(picked.flatMap(([, r]) => r.columns))];
      const where: RawBuilder<unknown> = sql`${sql.ref(reader.scopeColumn)} <@ ${scopePath}::ltree`;
      const [rows, count] = await Promise.all([
        sql<Raw>`select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(reader.table)} where ${where}
          order by ${sql.ref(reader.order)} limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(db),
        sql<{ n: number }>`select count(*)::int as n from ${sql.table(reader.table)} where ${where}`.execute(db),
      ]);
      return {
        rows: rows.rows.map((raw) => Object.fromEntries(picked.map(([name, r]) => [name, r.value(raw, clear.has(name), pii)]))),
        total: Number(count.rows[0]?.n ?? 0),
      };
    },
  };
}
