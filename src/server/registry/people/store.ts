import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withinScope } from '../../db/scope.ts';
import type { careTags, genders, houseRelations, idTypes, personKinds } from '../vocab.ts';
import { chunks, contains, insertRows, pageOf, placeConditions, type AreaFilter, type LocatedColumns } from '../store-common.ts';

export interface PersonTable extends LocatedColumns {
  id: Generated<string>;
  kind: (typeof personKinds)[number];
  /** null for special-care people, whose name is only in name_sealed */
  name: string | null;
  name_sealed: string | null;
  name_mask: string;
  gender: (typeof genders)[number];
  birth_date: string | null;
  id_type: (typeof idTypes)[number];
  id_number_sealed: string;
  id_number_bidx: string;
  id_number_mask: string;
  phone_sealed: string | null;
  phone_bidx: string | null;
  phone_mask: string | null;
  ethnicity: string;
  nationality: string;
  address: string;
  house_id: string | null;
  house_relation: (typeof houseRelations)[number] | null;
  tags: string[];
  care: Partial<Record<keyof typeof careTags, Record<string, unknown>>>;
  note: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

declare module '../../db/tables.ts' {
  interface Tables {
    people: PersonTable;
  }
}

export type PersonRow = Selectable<PersonTable>;
export type NewPersonRow = Insertable<PersonTable>;

export interface PersonFilter extends AreaFilter {
  q?: string;
  kind?: PersonRow['kind'];
  tag?: string;
  house?: string;
  idNumberBidx?: string;
  phoneBidx?: string;
}

// jsonb goes in as text so both drivers (pg and PGlite) store the same document.
const forInsert = (p: NewPersonRow) => ({ ...p, care: JSON.stringify(p.care ?? {}) as unknown as PersonTable['care'] });

export function createPeopleStore() {
  return {
    list(db: Db, scopePath: string, f: PersonFilter, page: number, pageSize: number) {
      let q = db.selectFrom('people');
      for (const c of placeConditions('people', scopePath, f)) q = q.where(c);
      if (f.kind) q = q.where('kind', '=', f.kind);
      if (f.tag) q = q.where(sql<boolean>`tags @> array[${f.tag}]::text[]`);
      if (f.house) q = q.where('house_id', '=', f.house);
      if (f.idNumberBidx) q = q.where('id_number_bidx', '=', f.idNumberBidx);
      if (f.phoneBidx) q = q.where('phone_bidx', '=', f.phoneBidx);
      // Special-care names are sealed, so a name search cannot find them: by design, not an oversight.
      if (f.q) q = q.where((eb) => eb.or([contains('people.name', f.q!), contains('people.address', f.q!)]));
      return pageOf(
        q.selectAll().orderBy('grid_code').orderBy('created_at').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      );
    },
    find: (db: Db, id: string, scopePath: string) =>
      db
        .selectFrom('people')
        .selectAll()
        .where('id', '=', id)
        .where(withinScope('people.area_path', scopePath))
        .executeTakeFirst(),
    residents: (db: Db, houseId: string, scopePath: string) =>
      db
        .selectFrom('people')
        .selectAll()
        .where('house_id', '=', houseId)
        .where(withinScope('people.area_path', scopePath))
        .orderBy('created_at')
        .limit(200)
        .execute(),
    /** Which of these blind indexes are already registered (anywhere: one person is one entry city-wide). */
    async existingIdNumbers(db: Db, bidx: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      for (const part of chunks(bidx, 1000)) {
        const rows = await db.selectFrom('people').select('id_number_bidx').where('id_number_bidx', 'in', part).execute();
        for (const r of rows) found.add(r.id_number_bidx);
      }
      return found;
    },
    idNumberTaken: async (db: Db, bidx: string, exceptId?: string) => {
      let q = db.selectFrom('people').select('id').where('id_number_bidx', '=', bidx);
      if (exceptId) q = q.where('id', '<>', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },
    insert: (db: Db, p: NewPersonRow) => db.insertInto('people').values(forInsert(p)).returningAll().executeTakeFirstOrThrow(),
    insertMany: (db: Db, rows: NewPersonRow[]) => insertRows(db, 'people', rows),
    update: (db: Db, id: string, patch: Updateable<PersonTable>) =>
      db
        .updateTable('people')
        .set(patch.care ? { ...patch, care: JSON.stringify(patch.care) as unknown as PersonTable['care'] } : patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
    /** People living in a house follow it when it moves to another grid or point. */
    async followHouse(db: Db, houseId: string, place: LocatedColumns, at: Date) {
      await db.updateTable('people').set({ ...place, updated_at: at }).where('house_id', '=', houseId).execute();
    },
    remove: async (db: Db, id: string) => {
      await db.deleteFrom('people').where('id', '=', id).execute();
    },
  };
}

export type PeopleStore = ReturnType<typeof createPeopleStore>;
