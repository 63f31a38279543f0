import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface DispatchRuleTable {
  id: Generated<string>;
  category: string;
  area_code: string | null;
  area_path: string | null;
  department_code: string;
  co_departments: Generated<string[]>;
  allow_territorial: Generated<boolean>;
  note: Generated<string>;
  created_at: Date;
  updated_at: Date;
}

export interface CaseObjectionTable {
  id: Generated<number>;
  case_id: string;
  department_code: string;
  reason: string;
  objected_by: string | null;
  objected_by_name: string;
  objected_at: Date;
  redispatched_to: string | null;
  redispatched_at: Date | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    dispatch_rules: DispatchRuleTable;
    case_objections: CaseObjectionTable;
  }
}

export type DispatchRuleRow = Selectable<DispatchRuleTable>;
export type ObjectionRow = Selectable<CaseObjectionTable>;

export function createDispatchStore() {
  return {
    /** categories that already have a city-wide rule */
    cityWideCategories: async (db: Db) => (await db.selectFrom('dispatch_rules').select('category').where('area_code', 'is', null).execute()).map((r) => r.category),
    async insertMany(db: Db, rows: Insertable<DispatchRuleTable>[]): Promise<void> {
      if (rows.length) await db.insertInto('dispatch_rules').values(rows).execute();
    },
    /** The most specific rule for a category at a place: a rule on an enclosing area beats the city-wide one. */
    bestRule: (db: Db, category: string, areaPath: string) =>
      db
        .selectFrom('dispatch_rules')
        .selectAll()
        .where('category', '=', category)
        .where((eb) => eb.or([eb('area_path', 'is', null), eb(sql<boolean>`${areaPath}::ltree <@ area_path`, '=', true)]))
        .orderBy(sql`coalesce(nlevel(area_path), 0)`, 'desc')
        .limit(1)
        .executeTakeFirst(),

    list(db: Db, filter: { category?: string; area?: string; department?: string }, page: number, pageSize: number) {
      let q = db.selectFrom('dispatch_rules');
      if (filter.category) q = q.where('category', '=', filter.category);
      if (filter.area) q = q.where('area_code', '=', filter.area);
      if (filter.department) q = q.where('department_code', '=', filter.department);
      return Promise.all([
        q.selectAll().orderBy('category').orderBy(sql`coalesce(area_code, '')`).limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },

    /** rows naming a unit as the responsible or a 协办 unit (the guard on disabling it) */
    naming: (db: Db, departmentCode: string) =>
      db
        .selectFrom('dispatch_rules')
        .select(['id', 'category', 'area_code', 'department_code'])
        .where((eb) => eb.or([eb('department_code', '=', departmentCode), eb(sql<boolean>`${departmentCode} = any(co_departments)`, '=', true)]))
        .orderBy('category')
        .orderBy(sql`coalesce(area_code, '')`)
        .execute(),

    find: (db: Db, id: string) => db.selectFrom('dispatch_rules').selectAll().where('id', '=', id).executeTakeFirst(),

    findKey: (db: Db, category: string, areaCode: string | null) =>
      db
        .selectFrom('dispatch_rules')
        .selectAll()
        .where('category', '=', category)
        .where(areaCode === null ? sql<boolean>`area_code is null` : sql<boolean>`area_code = ${areaCode}`)
        .executeTakeFirst(),

    insert: (db: Db, row: Insertable<DispatchRuleTable>) => db.insertInto('dispatch_rules').values(row).returningAll().executeTakeFirstOrThrow(),

    update: (db: Db, id: string, patch: Partial<Pick<DispatchRuleRow, 'department_code' | 'co_departments' | 'allow_territorial' | 'note' | 'updated_at'>>) =>
      db.updateTable('dispatch_rules').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

    remove: async (db: Db, id: string) => Number((await db.deleteFrom('dispatch_rules').where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0,

    // ---- objections (退单)
    insertObjection: (db: Db, row: Insertable<CaseObjectionTable>) => db.insertInto('case_objections').values(row).execute(),

    /** Marks the open objections of a case as answered by a re-dispatch to `department`. */
    resolveObjections: (db: Db, caseId: string, department: string, at: Date) =>
      db.updateTable('case_objections').set({ redispatched_to: department, redispatched_at: at }).where('case_id', '=', caseId).where('redispatched_at', 'is', null).execute(),

    objections: (db: Db, caseId: string) => db.selectFrom('case_objections').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
  };
}

export type DispatchStore = ReturnType<typeof createDispatchStore>;
