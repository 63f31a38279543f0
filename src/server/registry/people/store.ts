import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withinScope } from '../../db/scope.ts';
import type { careTags, genders, houseRelations, idTypes, personKinds } from '../../../../shared/registry/vocab.ts';
import { chunks, contains, entityStore, placeConditions, type AreaFilter, type LocatedColumns } from '../crud/store.ts';

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

// jsonb goes in as text so both drivers (pg and PGlite) store the same document; a patch without care keeps it.
const careAsText = (p: Record<string, unknown>) => ('care' in p && p.care !== undefined ? { ...p, care: JSON.stringify(p.care) } : p);

function filtered(db: Db, scopePath: string, f: PersonFilter) {
  let q = db.selectFrom('people');
  for (const c of placeConditions('people', scopePath, f)) q = q.where(c);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.tag) q = q.where(sql<boolean>`tags @> array[${f.tag}]::text[]`);
  if (f.house) q = q.where('house_id', '=', f.house);
  if (f.idNumberBidx) q = q.where('id_number_bidx', '=', f.idNumberBidx);
  if (f.phoneBidx) q = q.where('phone_bidx', '=', f.phoneBidx);
  // Special-care names are sealed, so a name search cannot find them: by design, not an oversight.
  if (f.q) q = q.where((eb) => eb.or([contains('people.name', f.q!), contains('people.address', f.q!)]));
  return q;
}

export function createPeopleStore() {
  const crud = entityStore<'people', PersonFilter, PersonRow>({ table: 'people', filtered, order: ['grid_code', 'created_at', 'id'], locatedOrder: ['grid_code', 'id'], forWrite: careAsText });
  return {
    ...crud,
    residents: (db: Db, houseId: string, scopePath: string) =>
      db
        .selectFrom('people')
        .selectAll()
        .where('house_id', '=', houseId)
        .where(withinScope('people.area_path', scopePath))
        .orderBy('created_at')
        .limit(200)
        .execute(),
    /** All residents of a house (the list above stops at 200). */
    countResidents: async (db: Db, houseId: string, scopePath: string) =>
      Number(
        (await db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).where('house_id', '=', houseId).where(withinScope('people.area_path', scopePath)).executeTakeFirstOrThrow()).n,
      ),
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
    /** People living in a house follow it when it moves to another grid or point. */
    async followHouse(db: Db, houseId: string, place: LocatedColumns, at: Date) {
      await db.updateTable('people').set({ ...place, updated_at: at }).where('house_id', '=', houseId).execute();
    },
  };
}

export type PeopleStore = ReturnType<typeof createPeopleStore>;
