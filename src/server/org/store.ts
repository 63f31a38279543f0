import { sql, type Generated, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { likeText, withinScope } from '../db/scope.ts';
import type { UserTable } from '../auth/store.ts';

export type AreaLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

export interface AreaTable {
  code: string;
  name: string;
  level: AreaLevel;
  path: string;
  parent_code: string | null;
  created_at: Generated<Date>;
  /** 核实 before 立案: citizen reports in this grid are filed only after on-site verification (migration 0042) */
  verify_before_filing: Generated<boolean>;
  /** false: disabled by an admin (migration 0045); old cases keep it, new cases and catalogue rows refuse it */
  active: Generated<boolean>;
}

export interface DepartmentTable {
  code: string;
  name: string;
  name_en: Generated<string>;
  kind: 'functional' | 'utility' | 'territorial';
  area_code: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

declare module '../db/tables.ts' {
  interface Tables {
    areas: AreaTable;
    departments: DepartmentTable;
  }
}

export type AreaRow = Selectable<AreaTable>;
export type DepartmentRow = Selectable<DepartmentTable>;


/** the area (`areas` of the outer query) or one above it is disabled */
const disabledAbove = sql<boolean>`exists (select 1 from areas d where not d.active and areas.path::ltree <@ d.path::ltree)`;

const userColumns = [
  'id',
  'username',
  'display_name',
  'roles',
  'scope_path',
  'department_code',
  'disabled',
  'locked_until',
  'must_change_password',
  'created_at',
  'updated_at',
] as const;

export function createOrgStore() {
  return {
    // ---- areas
    listAreas(db: Db, scopePath: string, filter: { level?: AreaLevel; parent?: string; q?: string; active?: boolean }, page: number, pageSize: number) {
      let q = db.selectFrom('areas').where(withinScope('path', scopePath));
      // in effect: an area under a disabled one is disabled too, so a picker never offers a grid of a closed district
      if (filter.active !== undefined) q = q.where(filter.active ? sql<boolean>`not ${disabledAbove}` : sql<boolean>`${disabledAbove}`);
      if (filter.level) q = q.where('level', '=', filter.level);
      if (filter.parent) q = q.where('parent_code', '=', filter.parent);
      if (filter.q) q = q.where((eb) => eb.or([eb('name', 'like', `%${likeText(filter.q!)}%`), eb('code', 'like', `${likeText(filter.q!)}%`)]));
      return Promise.all([
        q.selectAll().orderBy('path').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    findArea: (db: Db, code: string, scopePath: string) =>
      db.selectFrom('areas').selectAll().where('code', '=', code).where(withinScope('path', scopePath)).executeTakeFirst(),
    findAreaAnywhere: (db: Db, code: string) => db.selectFrom('areas').selectAll().where('code', '=', code).executeTakeFirst(),
    hasAreas: async (db: Db) => (await db.selectFrom('areas').select('code').limit(1).executeTakeFirst()) !== undefined,
    rootArea: (db: Db) => db.selectFrom('areas').selectAll().where('level', '=', 'city').orderBy('code').limit(1).executeTakeFirst(),
    /** every disabled area, shallowest first (a handful: what intake checks a place against) */
    disabledAreas: (db: Db) => db.selectFrom('areas').select(['code', 'name', sql<string>`path::text`.as('path')]).where('active', '=', false).orderBy('path').execute(),
    /** the highest disabled area on a path (itself or an ancestor), or undefined when every area on it is open */
    disabledOnPath: (db: Db, path: string) =>
      db.selectFrom('areas').selectAll().where('active', '=', false).where(sql<boolean>`${path}::ltree <@ path::ltree`).orderBy('path').limit(1).executeTakeFirst(),
    setAreaActive: (db: Db, code: string, active: boolean) => db.updateTable('areas').set({ active }).where('code', '=', code).execute(),
    async insertArea(db: Db, a: Omit<AreaRow, 'created_at' | 'verify_before_filing' | 'active'>) {
      await db.insertInto('areas').values(a).execute();
    },
    renameArea: (db: Db, code: string, name: string) => db.updateTable('areas').set({ name }).where('code', '=', code).execute(),
    /** every area in scope, in tree order (the org-tree export; a city has a few thousand) */
    allAreas: (db: Db, scopePath: string) => db.selectFrom('areas').selectAll().where(withinScope('path', scopePath)).orderBy('path').execute(),
    setVerifyBeforeFiling: (db: Db, code: string, on: boolean) => db.updateTable('areas').set({ verify_before_filing: on }).where('code', '=', code).execute(),

    // ---- departments
    listDepartments: (db: Db) => db.selectFrom('departments').selectAll().orderBy('code').execute(),
    findDepartment: (db: Db, code: string) => db.selectFrom('departments').selectAll().where('code', '=', code).executeTakeFirst(),
    async upsertDepartment(db: Db, d: { code: string; name: string; name_en: string; kind: DepartmentRow['kind']; area_code: string | null; active?: boolean }) {
      await db
        .insertInto('departments')
        .values(d)
        .onConflict((oc) => oc.column('code').doUpdateSet({ name: d.name, name_en: d.name_en, kind: d.kind, area_code: d.area_code, active: d.active ?? true }))
        .execute();
    },

    updateDepartment: (db: Db, code: string, patch: Partial<Pick<DepartmentRow, 'name' | 'name_en' | 'kind' | 'area_code' | 'active'>>) =>
      db.updateTable('departments').set(patch).where('code', '=', code).returningAll().executeTakeFirstOrThrow(),

    // ---- users
    listUsers(db: Db, scopePath: string, filter: { role?: string; q?: string; department?: string }, page: number, pageSize: number) {
      let q = db.selectFrom('users').where(withinScope('scope_path', scopePath));
      if (filter.role) q = q.where(sql<boolean>`${filter.role} = any(roles)`);
      if (filter.department) q = q.where('department_code', '=', filter.department);
      if (filter.q) q = q.where((eb) => eb.or([eb('username', 'like', `%${likeText(filter.q!)}%`), eb('display_name', 'like', `%${likeText(filter.q!)}%`)]));
      return Promise.all([
        q.select(userColumns).orderBy('username').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    findUser: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('users').select(userColumns).where('id', '=', id).where(withinScope('scope_path', scopePath)).executeTakeFirst(),
    usernameTaken: async (db: Db, username: string) =>
      (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined,
    insertUser: (db: Db, u: Omit<UserTable, 'id' | 'disabled' | 'failed_logins' | 'created_at' | 'updated_at' | 'locked_until' | 'must_change_password'> & { disabled?: boolean; must_change_password?: boolean }) =>
      db.insertInto('users').values(u).returning(userColumns).executeTakeFirstOrThrow(),
    updateUser: (db: Db, id: string, patch: Partial<Pick<UserTable, 'display_name' | 'roles' | 'scope_path' | 'department_code' | 'password_hash' | 'locked_until'>> & { disabled?: boolean; failed_logins?: number; must_change_password?: boolean; updated_at: Date }) =>
      db.updateTable('users').set(patch).where('id', '=', id).returning(userColumns).executeTakeFirstOrThrow(),
  };
}

export type OrgStore = ReturnType<typeof createOrgStore>;
export type UserView = Awaited<ReturnType<OrgStore['findUser']>> & {};
