import type { Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { GeoService } from '../../geo/service.ts';
import type { Db } from '../../db/database.ts';
import { assignCodes, prepareComponent, type PreparedComponent } from '../components/rules.ts';
import { createComponentStore } from '../components/store.ts';
import { districtOf, prepareHouse } from '../houses/rules.ts';
import { createHouseStore, type HouseRow, type NewHouseRow } from '../houses/store.ts';
import type { RegistryType } from './columns.ts';
import { prepareOrganisation } from '../organisations/rules.ts';
import { createOrganisationStore, type NewOrganisationRow } from '../organisations/store.ts';
import { personAddressKey, pickHouse, preparePerson } from '../people/rules.ts';
import { createPeopleStore, type NewPersonRow } from '../people/store.ts';
import { createPlacer, type Prepared } from '../placement.ts';
import type { NewComponent, NewHouse, NewOrganisation, NewPerson } from '../../../../shared/registry/schema.ts';
import { chunks } from '../crud/store.ts';

/** Rows per INSERT statement: ~30 columns × 500 stays far below PostgreSQL's 65,535 parameters. */
export const INSERT_BATCH = 500;

/**
 * How one registry imports: the same preparation as the API's create (so a spreadsheet row and a form are held
 * to the same rules), plus what makes bulk work cheap — lookups preloaded in a few queries, a natural key for
 * duplicates inside the file and against the database, and batched inserts.
 */
export interface Pipeline<P> {
  preload(inputs: unknown[]): Promise<void>;
  prepare(input: unknown): Promise<Prepared<P>>;
  /** the natural key of a prepared row (null: none to check) and the field a duplicate is reported on */
  key(row: P): string | null;
  keyField: string;
  existing(keys: string[]): Promise<Set<string>>;
  insert(tx: Db, rows: P[], onBatch: (n: number) => void): Promise<void>;
}

async function insertInBatches<R>(rows: R[], write: (part: R[]) => Promise<void>, onBatch: (n: number) => void) {
  for (const part of chunks(rows, INSERT_BATCH)) {
    await write(part);
    onBatch(part.length);
  }
}

const gridCodesOf = (inputs: unknown[]) => inputs.map((i) => (i as { gridCode?: string }).gridCode).filter((c): c is string => !!c);

export function createPipeline(deps: Deps, geo: Pick<GeoService, 'locate'>, actor: Actor, type: RegistryType): Pipeline<unknown> {
  const placer = createPlacer(deps, geo, actor);
  const now = deps.clock.now();
  const { db } = deps;

  if (type === 'people') {
    const store = createPeopleStore();
    const houses = createHouseStore();
    const byId = new Map<string, HouseRow>();
    const byKey = new Map<string, HouseRow[]>();
    const pipeline: Pipeline<NewPersonRow> = {
      async preload(inputs) {
        const people = inputs as NewPerson[];
        await placer.preload(gridCodesOf(inputs));
        for (const h of await houses.byIds(db, people.map((p) => p.houseId).filter((id): id is string => !!id), actor.scopePath)) byId.set(h.id, h);
        const keys = people.filter((p) => p.houseId === undefined).map((p) => personAddressKey(p.address)).filter(Boolean);
        for (const h of await houses.byAddressKeys(db, keys, actor.scopePath)) byKey.set(h.address_key, [...(byKey.get(h.address_key) ?? []), h]);
        await placer.preload([...byId.values(), ...[...byKey.values()].flat()].map((h) => h.grid_code));
      },
      async prepare(raw) {
        let input = raw as NewPerson;
        let house = input.houseId ? (byId.get(input.houseId) ?? null) : null;
        if (input.houseId === undefined) {
          house = pickHouse(input, byKey.get(personAddressKey(input.address)));
          if (house) input = { ...input, houseId: house.id };
        }
        return preparePerson(input, { pii: deps.pii, placer, house, now });
      },
      key: (r) => r.id_number_bidx,
      keyField: 'idNumber',
      existing: (keys) => store.existingIdNumbers(db, keys),
      insert: (tx, rows, onBatch) => insertInBatches(rows, (part) => store.insertMany(tx, part), onBatch),
    };
    return pipeline as Pipeline<unknown>;
  }

  if (type === 'houses') {
    const store = createHouseStore();
    const pipeline: Pipeline<NewHouseRow> = {
      preload: (inputs) => placer.preload(gridCodesOf(inputs)),
      prepare: (input) => prepareHouse(input as NewHouse, placer, now),
      // one address per district (the key leaves the district out, as callers do)
      key: (r) => `${districtOf(r.grid_code)}|${r.address_key}`,
      keyField: 'address',
      async existing(keys) {
        const found = await store.byAddressKeys(db, keys.map((k) => k.slice(7)));
        return new Set(found.map((h) => `${districtOf(h.grid_code)}|${h.address_key}`));
      },
      insert: (tx, rows, onBatch) => insertInBatches(rows, (part) => store.insertMany(tx, part), onBatch),
    };
    return pipeline as Pipeline<unknown>;
  }

  if (type === 'organisations') {
    const store = createOrganisationStore();
    const pipeline: Pipeline<NewOrganisationRow> = {
      preload: (inputs) => placer.preload(gridCodesOf(inputs)),
      prepare: (input) => prepareOrganisation(input as NewOrganisation, placer, now),
      key: (r) => r.credit_code ?? null,
      keyField: 'creditCode',
      existing: (keys) => store.existingCreditCodes(db, keys),
      insert: (tx, rows, onBatch) => insertInBatches(rows, (part) => store.insertMany(tx, part), onBatch),
    };
    return pipeline as Pipeline<unknown>;
  }

  const store = createComponentStore();
  const pipeline: Pipeline<PreparedComponent> = {
    preload: (inputs) => placer.preload(gridCodesOf(inputs)),
    prepare: (input) => prepareComponent(input as NewComponent, placer, now),
    key: (r) => r.code,
    keyField: 'code',
    existing: (keys) => store.existingCodes(db, keys),
    async insert(tx, rows, onBatch) {
      // Serials are reserved inside the import's transaction, under the code lock, after validation.
      const coded = assignCodes(rows, await store.nextSerials(tx, rows.map((r) => r.codePrefix)));
      await insertInBatches(coded, (part) => store.insertMany(tx, part), onBatch);
    },
  };
  return pipeline as Pipeline<unknown>;
}
