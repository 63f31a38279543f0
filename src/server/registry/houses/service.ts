import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { GeoService } from '../../geo/service.ts';
import { conflict } from '../../errors.ts';
import { districtOf, prepareHouse } from './rules.ts';
import { createHouseStore, type HouseFilter, type HouseRow } from './store.ts';
import { createPeopleStore } from '../people/store.ts';
import { createPlacer, placeOf } from '../placement.ts';
import type { HousePatch, NewHouse } from '../../../../shared/registry/schema.ts';
import { changedFields, crudService, invalidRecord, mergePatch } from '../crud/service.ts';

const taken = () => conflict('house.exists', 'a house with this address is already registered in this district');

/** 房屋 houses: community → building → unit → room, rental flag, residents and tenants. */
export function createHouseService(deps: Deps, services: { geo: Pick<GeoService, 'locate'> }) {
  const store = createHouseStore();
  const people = createPeopleStore();
  const { db, clock } = deps;
  const crud = crudService<HouseRow, HouseFilter>(deps, 'house', store, taken);
  const { inScope, write } = crud;

  async function addressTaken(key: string, gridCode: string, exceptId?: string) {
    const same = await store.byAddressKeys(db, [key]);
    return same.some((h) => h.id !== exceptId && districtOf(h.grid_code) === districtOf(gridCode));
  }

  const asInput = (h: HouseRow): NewHouse => ({
    address: h.address,
    building: h.building,
    unit: h.unit,
    room: h.room,
    purpose: h.purpose,
    rental: h.rental,
    visitCycleDays: h.visit_cycle_days,
    gridCode: h.grid_code,
    lon: h.lon ?? undefined,
    lat: h.lat ?? undefined,
    note: h.note,
  });

  return {
    list: crud.list,
    located: crud.located,

    /** The house with the people registered in it (their names presented under the usual masking rules). */
    async get(actor: Actor, id: string) {
      const { row: house, place } = await crud.detail(actor, id);
      const [residents, residentsCount] = await Promise.all([people.residents(db, id, actor.scopePath), people.countResidents(db, id, actor.scopePath)]);
      return { house, place, residents, residentsCount };
    },

    async create(actor: Actor, input: NewHouse): Promise<HouseRow> {
      assertCan(actor, 'registry.write');
      const prepared = await prepareHouse(input, createPlacer(deps, services.geo, actor), clock.now());
      if (!prepared.ok) throw invalidRecord('house', prepared.errors);
      const row = prepared.value;
      if (await addressTaken(row.address_key, row.grid_code)) throw taken();
      return write(actor, 'create', async (tx) => {
        const h = await store.insert(tx, row);
        return [h, { grid: h.grid_code, addressKey: h.address_key, rental: h.rental }];
      });
    },

    async update(actor: Actor, id: string, patch: HousePatch): Promise<HouseRow> {
      assertCan(actor, 'registry.write');
      const current = await inScope(actor, id);
      const prepared = await prepareHouse(mergePatch(asInput(current), patch), createPlacer(deps, services.geo, actor), clock.now());
      if (!prepared.ok) throw invalidRecord('house', prepared.errors);
      const { created_at: _created, ...row } = prepared.value;
      if ((row.address_key !== current.address_key || districtOf(row.grid_code) !== districtOf(current.grid_code)) && (await addressTaken(row.address_key, row.grid_code, id))) throw taken();
      const now = clock.now();
      return write(actor, 'update', async (tx) => {
        const h = await store.update(tx, id, { ...row, updated_at: now });
        // Residents are where their house is: a corrected point or grid moves them too.
        if (h.grid_code !== current.grid_code || h.lon !== current.lon || h.lat !== current.lat) await people.followHouse(tx, id, placeOf(h), now);
        return [h, { changed: changedFields(patch), grid: h.grid_code }];
      });
    },

    // The residents stay registered (the link is cleared by the foreign key), only the house goes.
    remove: (actor: Actor, id: string) => crud.remove(actor, id, (h) => ({ grid: h.grid_code, addressKey: h.address_key })),
  };
}

export type HouseService = ReturnType<typeof createHouseService>;
