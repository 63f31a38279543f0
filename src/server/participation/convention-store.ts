import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

interface ConventionTable {
  id: Generated<string>;
  area_code: string;
  area_path: string;
  title: string;
  created_at: Date;
}
interface ConventionVersionTable {
  id: Generated<string>;
  convention_id: string;
  version: number;
  body: string;
  consultation_id: string | null;
  status: Generated<'voting' | 'adopted' | 'rejected'>;
  decided_at: Date | null;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    participation_conventions: ConventionTable;
    participation_convention_versions: ConventionVersionTable;
  }
}

export type ConventionRow = Selectable<ConventionTable> & { area_name: string };
export type ConventionVersionRow = Selectable<ConventionVersionTable>;

export function createConventionStore() {
  const conventions = (db: Db) =>
    db
      .selectFrom('participation_conventions as v')
      .innerJoin('areas as a', 'a.code', 'v.area_code')
      .selectAll('v')
      .select([sql<string>`v.area_path::text`.as('area_path'), 'a.name as area_name']);
  return {
    insert: (db: Db, row: Insertable<ConventionTable>) => db.insertInto('participation_conventions').values(row).returning('id').executeTakeFirstOrThrow(),
    find: (db: Db, id: string) => conventions(db).where('v.id', '=', id).executeTakeFirst() as Promise<ConventionRow | undefined>,
    list: (db: Db, areaPath: string | null) => {
      let q = conventions(db);
      if (areaPath) q = q.where(withinScope('v.area_path', areaPath));
      return q.orderBy('v.area_path').orderBy('v.created_at').limit(200).execute() as Promise<ConventionRow[]>;
    },
    insertVersion: (db: Db, row: Insertable<ConventionVersionTable>) => db.insertInto('participation_convention_versions').values(row).returningAll().executeTakeFirstOrThrow(),
    nextVersion: (db: Db, conventionId: string) =>
      db
        .selectFrom('participation_convention_versions')
        .select(sql<number>`coalesce(max(version), 0) + 1`.as('n'))
        .where('convention_id', '=', conventionId)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),
    versions: (db: Db, conventionIds: string[]) =>
      conventionIds.length === 0
        ? Promise.resolve([] as ConventionVersionRow[])
        : db.selectFrom('participation_convention_versions').selectAll().where('convention_id', 'in', conventionIds).orderBy('convention_id').orderBy('version').execute(),
    version: (db: Db, id: string) => db.selectFrom('participation_convention_versions').selectAll().where('id', '=', id).executeTakeFirst(),
    decide: (db: Db, id: string, status: 'adopted' | 'rejected', at: Date) =>
      db.updateTable('participation_convention_versions').set({ status, decided_at: at }).where('id', '=', id).where('status', '=', 'voting').executeTakeFirst(),
  };
}
