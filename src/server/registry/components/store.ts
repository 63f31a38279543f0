import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { likeText, withinScope } from '../../db/scope.ts';
import type { componentStates } from '../vocab.ts';
import { chunks, contains, inBbox, insertRows, pageOf, placeConditions, type AreaFilter } from '../store-common.ts';

export interface ComponentTable {
  id: Generated<string>;
  code: string;
  class_code: string;
  name: string;
  owner_unit: string;
  maintainer_unit: string;
  state: (typeof componentStates)[number];
  address: string;
  installed_on: string | null;
  grid_code: string;
  area_path: string;
  lon: number;
  lat: number;
  h3: string;
  note: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

declare module '../../db/tables.ts' {
  interface Tables {
    components: ComponentTable;
  }
}

export type ComponentRow = Selectable<ComponentTable>;
export type NewComponentRow = Insertable<ComponentTable>;

export interface ComponentFilter extends AreaFilter {
  q?: string;
  class?: string;
  state?: ComponentRow['state'];
  unit?: string;
  bbox?: [number, number, number, number];
}

// Serial numbers are handed out under one lock, so two imports never give two components the same code.
const CODE_LOCK = 74210031;

export function createComponentStore() {
  function filtered(db: Db, scopePath: string, f: ComponentFilter) {
    let q = db.selectFrom('components');
    for (const c of placeConditions('components', scopePath, f)) q = q.where(c);
    if (f.class) q = q.where('class_code', f.class.length === 2 ? 'like' : '=', f.class.length === 2 ? `${f.class}%` : f.class);
    if (f.state) q = q.where('state', '=', f.state);
    if (f.unit) q = q.where((eb) => eb.or([eb('owner_unit', '=', f.unit!), eb('maintainer_unit', '=', f.unit!)]));
    if (f.q) q = q.where((eb) => eb.or([eb('code', 'like', `${likeText(f.q!)}%`), contains('components.name', f.q!), contains('components.address', f.q!)]));
    if (f.bbox) q = q.where(inBbox('components', f.bbox));
    return q;
  }

  return {
    list(db: Db, scopePath: string, f: ComponentFilter, page: number, pageSize: number) {
      const q = filtered(db, scopePath, f);
      return pageOf(
        q.selectAll().orderBy('grid_code').orderBy('code').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      );
    },
    located: (db: Db, scopePath: string, f: ComponentFilter, limit: number) => filtered(db, scopePath, f).selectAll().orderBy('grid_code').orderBy('code').limit(limit + 1).execute(),
    find: (db: Db, id: string, scopePath: string) =>
      db.selectFrom('components').selectAll().where('id', '=', id).where(withinScope('components.area_path', scopePath)).executeTakeFirst(),
    async existingCodes(db: Db, codes: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const part of chunks(codes, 1000)) {
        for (const r of await db.selectFrom('components').select('code').where('code', 'in', part).execute()) found.add(r.code);
      }
      return found;
    },
    /**
     * Reserves the next serials for each district+class prefix. Call inside the inserting transaction: the
     * lock is held until it commits, so a concurrent import waits and then sees these codes as taken.
     */
    async nextSerials(tx: Db, prefixes: string[]): Promise<Map<string, number>> {
      await sql`select pg_advisory_xact_lock(${CODE_LOCK})`.execute(tx);
      const out = new Map<string, number>();
      for (const prefix of new Set(prefixes)) {
        const row = await tx.selectFrom('components').select((eb) => eb.fn.max('code').as('max')).where('code', 'like', `${prefix}%`).executeTakeFirst();
        out.set(prefix, row?.max ? Number(String(row.max).slice(10)) + 1 : 1);
      }
      return out;
    },
    insert: (db: Db, c: NewComponentRow) => db.insertInto('components').values(c).returningAll().executeTakeFirstOrThrow(),
    insertMany: (db: Db, rows: NewComponentRow[]) => insertRows(db, 'components', rows),
    update: (db: Db, id: string, patch: Updateable<ComponentTable>) =>
      db.updateTable('components').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    remove: async (db: Db, id: string) => {
      await db.deleteFrom('components').where('id', '=', id).execute();
    },
    departments: (db: Db) => db.selectFrom('departments').select(['code', 'name']).execute(),
  };
}

export type ComponentStore = ReturnType<typeof createComponentStore>;
