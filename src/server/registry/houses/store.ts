import type { Generated, Insertable, Selectable } from 'kysely';
import type { Db } from '../../db/database.ts';
import { withinScope } from '../../db/scope.ts';
import type { housePurposes } from '../../../../shared/registry/vocab.ts';
import { chunks, contains, entityStore, inBbox, placeConditions, type AreaFilter, type LocatedColumns } from '../crud/store.ts';

export interface HouseTable extends LocatedColumns {
  id: Generated<string>;
  address: string;
  /** normalised address (geo/address.ts): what appeals and imported people are matched on */
  address_key: string;
  building: string;
  unit: string;
  room: string;
  purpose: (typeof housePurposes)[number];
  rental: boolean;
  /** 走访 cycle of the house in days (migration 0043); null: not visited on a cycle */
  visit_cycle_days: Generated<number | null>;
  note: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

declare module '../../db/tables.ts' {
  interface Tables {
    houses: HouseTable;
  }
}

export type HouseRow = Selectable<HouseTable>;
export type NewHouseRow = Insertable<HouseTable>;

export interface HouseFilter extends AreaFilter {
  q?: string;
  rental?: boolean;
  purpose?: HouseRow['purpose'];
  bbox?: [number, number, number, number];
  located?: boolean;
}

function filtered(db: Db, scopePath: string, f: HouseFilter) {
  let q = db.selectFrom('houses');
  for (const c of placeConditions('houses', scopePath, f)) q = q.where(c);
  if (f.rental !== undefined) q = q.where('rental', '=', f.rental);
  if (f.purpose) q = q.where('purpose', '=', f.purpose);
  if (f.q) q = q.where(contains('houses.address', f.q));
  if (f.located) q = q.where('lon', 'is not', null);
  if (f.bbox) q = q.where(inBbox('houses', f.bbox));
  return q;
}

export function createHouseStore() {
  const crud = entityStore<'houses', HouseFilter, HouseRow>({ table: 'houses', filtered, order: ['grid_code', 'address_key'], locatedOrder: ['grid_code', 'id'] });
  return {
    ...crud,
    /** Located houses for a map layer; one row more than the limit tells the caller it was cut. */
    located: (db: Db, scopePath: string, f: HouseFilter, limit: number) => crud.located(db, scopePath, { ...f, located: true }, limit),
    /**
     * Houses with these normalised addresses: anywhere when checking duplicates (an address is taken whoever
     * can see it), inside a scope when linking people to their house.
     */
    async byAddressKeys(db: Db, keys: string[], scopePath?: string): Promise<HouseRow[]> {
      const out: HouseRow[] = [];
      for (const part of chunks([...new Set(keys)], 1000)) {
        let q = db.selectFrom('houses').selectAll().where('address_key', 'in', part);
        if (scopePath) q = q.where(withinScope('houses.area_path', scopePath));
        out.push(...(await q.execute()));
      }
      return out;
    },
    /** Houses whose key starts with `key` (a door or building named without the flat), at most `limit`. */
    underAddress: (db: Db, key: string, limit: number) =>
      db
        .selectFrom('houses')
        .selectAll()
        .where('address_key', 'like', `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
        .orderBy('address_key')
        .limit(limit)
        .execute(),
    async byIds(db: Db, ids: string[], scopePath: string): Promise<HouseRow[]> {
      const out: HouseRow[] = [];
      for (const part of chunks([...new Set(ids)], 1000)) {
        out.push(...(await db.selectFrom('houses').selectAll().where('id', 'in', part).where(withinScope('houses.area_path', scopePath)).execute()));
      }
      return out;
    },
    addressTaken: async (db: Db, key: string, exceptId?: string) => {
      let q = db.selectFrom('houses').select('id').where('address_key', '=', key);
      if (exceptId) q = q.where('id', '<>', exceptId);
      return (await q.executeTakeFirst()) !== undefined;
    },
  };
}

export type HouseStore = ReturnType<typeof createHouseStore>;
