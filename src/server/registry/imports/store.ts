import type { Generated, Selectable, Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withinScope } from '../../db/scope.ts';
import { pageOf } from '../crud/store.ts';

export type ImportState = 'validating' | 'importing' | 'done' | 'failed';
export type ImportType = 'people' | 'houses' | 'organisations' | 'components' | 'grids';

export interface ImportJobTable {
  id: Generated<string>;
  type: ImportType;
  filename: string;
  format: 'csv' | 'xlsx' | 'geojson';
  state: ImportState;
  total_rows: number;
  processed_rows: number;
  imported_rows: number;
  error_count: number;
  /** [{row, column, reason, code, params}] (jobs from before the codes lack code and params) */
  errors: unknown;
  message: string;
  actor_id: string | null;
  actor: string;
  scope_path: string;
  created_at: Date;
  finished_at: Date | null;
}

declare module '../../db/tables.ts' {
  interface Tables {
    import_jobs: ImportJobTable;
  }
}

export type ImportJobRow = Selectable<ImportJobTable>;

export function createImportStore() {
  return {
    create: (db: Db, job: Omit<ImportJobRow, 'id' | 'errors'> & { errors?: unknown }) =>
      db
        .insertInto('import_jobs')
        .values({ ...job, errors: JSON.stringify(job.errors ?? []) })
        .returningAll()
        .executeTakeFirstOrThrow(),
    async update(db: Db, id: string, patch: Updateable<ImportJobTable>) {
      const set = patch.errors === undefined ? patch : { ...patch, errors: JSON.stringify(patch.errors) };
      await db.updateTable('import_jobs').set(set).where('id', '=', id).execute();
    },
    /** A job is visible to whoever may see the area its importer was scoped to. */
    find: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('import_jobs').selectAll().where('id', '=', id).where(withinScope('scope_path', scopePath)).executeTakeFirst(),
    list(db: Db, scopePath: string, page: number, pageSize: number) {
      const q = db.selectFrom('import_jobs').where(withinScope('scope_path', scopePath));
      return pageOf(
        q.selectAll().orderBy('created_at', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      );
    },
  };
}
