import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { GeoService } from '../../geo/service.ts';
import { conflict } from '../../errors.ts';
import type { Page } from '../../../../shared/paging.ts';
import { createHouseStore } from '../houses/store.ts';
import { idNumberIndex, personAddressKey, personAsInput, phoneIndex, pickHouse, preparePerson, unsealPerson } from './rules.ts';
import { createPeopleStore, type PersonFilter, type PersonRow } from './store.ts';
import { createPlacer } from '../placement.ts';
import type { NewPerson, PersonPatch } from '../../../../shared/registry/schema.ts';
import { changedFields, crudService, invalidRecord, mergePatch } from '../crud/service.ts';

export type PersonQuery = Omit<PersonFilter, 'idNumberBidx' | 'phoneBidx'> & { idNumber?: string; phone?: string };
export type RevealField = 'name' | 'idNumber' | 'phone';

const taken = () => conflict('person.exists', 'a person with this ID number is already registered');

/** 人口 people: register, change, remove, and the audited reveal of clear PII. */
export function createPeopleService(deps: Deps, services: { geo: Pick<GeoService, 'locate'> }) {
  const store = createPeopleStore();
  const houses = createHouseStore();
  const { db, clock, pii } = deps;
  const crud = crudService<PersonRow, PersonFilter>(deps, 'person', store, taken);
  const { inScope, write, record } = crud;

  async function prepare(actor: Actor, given: NewPerson) {
    let input = given;
    let house = input.houseId ? ((await houses.find(db, input.houseId, actor.scopePath)) ?? null) : null;
    // Only when the house was not named at all: an explicit null means "lives in no registered house".
    const key = input.houseId === undefined ? personAddressKey(input.address) : '';
    if (key) {
      house = pickHouse(input, await houses.byAddressKeys(db, [key], actor.scopePath));
      if (house) input = { ...input, houseId: house.id };
    }
    const prepared = await preparePerson(input, { pii, placer: createPlacer(deps, services.geo, actor), house, now: clock.now() });
    if (!prepared.ok) throw invalidRecord('person', prepared.errors);
    return prepared.value;
  }

  return {
    async list(actor: Actor, query: PersonQuery, page: number, pageSize: number): Promise<Page<PersonRow>> {
      assertCan(actor, 'registry.read');
      const { idNumber, phone, ...rest } = query;
      // Exact search hashes the term with the same key as the stored blind index: nothing is decrypted.
      const filter: PersonFilter = { ...rest, idNumberBidx: idNumber ? idNumberIndex(pii, idNumber) : undefined, phoneBidx: phone ? phoneIndex(pii, phone) : undefined };
      return crud.list(actor, filter, page, pageSize);
    },

    get: crud.get,

    /** One person (masked as in the list), the areas they live in and the registered house they are linked to. */
    async detail(actor: Actor, id: string) {
      const { row, place } = await crud.detail(actor, id);
      const house = row.house_id ? ((await houses.find(db, row.house_id, actor.scopePath)) ?? null) : null;
      return { person: row, place, house };
    },

    async create(actor: Actor, input: NewPerson): Promise<PersonRow> {
      assertCan(actor, 'registry.write');
      const row = await prepare(actor, input);
      if (await store.idNumberTaken(db, row.id_number_bidx)) throw taken();
      return write(actor, 'create', async (tx) => {
        const p = await store.insert(tx, row);
        return [p, { kind: p.kind, grid: p.grid_code, tags: p.tags }];
      });
    },

    async update(actor: Actor, id: string, patch: PersonPatch): Promise<PersonRow> {
      assertCan(actor, 'registry.write');
      const current = await inScope(actor, id);
      const row = await prepare(actor, mergePatch(personAsInput(pii, current), patch));
      if (row.id_number_bidx !== current.id_number_bidx && (await store.idNumberTaken(db, row.id_number_bidx, id))) throw taken();
      const { created_at: _created, ...changes } = row;
      return write(actor, 'update', async (tx) => {
        const p = await store.update(tx, id, { ...changes, updated_at: clock.now() });
        return [p, { changed: changedFields(patch), grid: p.grid_code }];
      });
    },

    remove: (actor: Actor, id: string) => crud.remove(actor, id, (p) => ({ grid: p.grid_code, kind: p.kind })),

    /**
     * 查看明文: the clear values for a stated purpose. The audit entry (who, whom, which fields, why) commits
     * before anything is returned, so no clear read goes unrecorded.
     */
    async reveal(actor: Actor, id: string, purpose: string, fields: RevealField[]) {
      assertCan(actor, 'registry.read');
      assertCan(actor, 'registry.reveal');
      const p = await inScope(actor, id);
      const clear = unsealPerson(pii, p);
      const wanted = [...new Set(fields)];
      const at = clock.now();
      await db.transaction().execute((tx) => record(tx, actor, 'person.reveal', 'person', id, { fields: wanted, purpose }));
      return {
        id,
        ...(wanted.includes('name') ? { name: clear.name } : {}),
        ...(wanted.includes('idNumber') ? { idNumber: clear.idNumber } : {}),
        ...(wanted.includes('phone') ? { phone: clear.phone } : {}),
        purpose,
        revealedAt: at.toISOString(),
      };
    },
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
