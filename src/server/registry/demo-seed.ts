import { systemActor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { AreaGeometry } from '../geo/geometry.ts';
import { createComponentStore, type NewComponentRow } from './components/store.ts';
import { demoComponents, demoHouseholds, demoOrganisations, type DemoOptions } from './demo-data.ts';
import { createHouseStore, type NewHouseRow } from './houses/store.ts';
import { INSERT_BATCH } from './imports/pipelines.ts';
import { createOrganisationStore, type NewOrganisationRow } from './organisations/store.ts';
import { createPeopleStore, type NewPersonRow } from './people/store.ts';

export interface DemoAreaInput {
  code: string;
  name: string;
  level: string;
  path: string;
  geometry: AreaGeometry;
}

export type DemoScale = 'small' | 'city';

/** small: seeded with every demo city (and the test template), so it stays around a second. */
export const demoScales = {
  small: { houses: 1_000, people: Infinity, organisations: 300, components: 2_000 },
  city: { houses: Infinity, people: 1_000_000, organisations: 20_000, components: 100_000 },
} as const;

export interface SeedCounts {
  houses: number;
  people: number;
  organisations: number;
  components: number;
}

export type SeedProgress = (what: keyof SeedCounts, done: number, target: number) => void;

function optionsFor(deps: Deps, areas: readonly DemoAreaInput[], now: Date, scale: DemoScale): DemoOptions {
  const grids = areas.filter((a) => a.level === 'grid').sort((a, b) => a.code.localeCompare(b.code));
  if (grids.length === 0) throw new Error('the demo registers need the grid map: seed the areas first');
  const districtNames = new Map(areas.filter((a) => a.level === 'district').map((a) => [a.code, a.name]));
  return { grids, districtNames, pii: deps.pii, now, seed: scale === 'small' ? 20_260_101 : 20_261_231, offset: scale === 'small' ? 0 : 1 };
}

/**
 * Streams the generators into the database in batches. `write` runs each batch in a transaction of the
 * caller's choosing: the small demo inside the seed's one transaction, the city run one per batch (a million
 * rows in one transaction would hold every row's undo until the end).
 */
async function stream(
  deps: Deps,
  areas: readonly DemoAreaInput[],
  now: Date,
  scale: DemoScale,
  write: <T>(work: (tx: Db) => Promise<T>) => Promise<T>,
  onProgress?: SeedProgress,
): Promise<SeedCounts> {
  const opts = optionsFor(deps, areas, now, scale);
  const target = demoScales[scale];
  const houses = createHouseStore();
  const people = createPeopleStore();
  const counts: SeedCounts = { houses: 0, people: 0, organisations: 0, components: 0 };

  let houseBatch: NewHouseRow[] = [];
  let peopleBatch: NewPersonRow[] = [];
  const flush = async () => {
    const [h, p] = [houseBatch, peopleBatch];
    houseBatch = [];
    peopleBatch = [];
    // houses first: people reference them
    await write(async (tx) => {
      await houses.insertMany(tx, h);
      await people.insertMany(tx, p);
    });
    counts.houses += h.length;
    counts.people += p.length;
    onProgress?.('people', counts.people, Number.isFinite(target.people) ? target.people : counts.people);
  };
  for (const hh of demoHouseholds(opts, target.houses)) {
    houseBatch.push(hh.house);
    peopleBatch.push(...hh.people);
    if (peopleBatch.length >= INSERT_BATCH) await flush();
    if (counts.people + peopleBatch.length >= target.people) break;
  }
  await flush();

  const orgs = createOrganisationStore();
  let orgBatch: NewOrganisationRow[] = [];
  for (const o of demoOrganisations(opts, target.organisations)) {
    orgBatch.push(o);
    if (orgBatch.length >= INSERT_BATCH) {
      const part = orgBatch;
      orgBatch = [];
      await write((tx) => orgs.insertMany(tx, part));
      counts.organisations += part.length;
    }
  }
  await write((tx) => orgs.insertMany(tx, orgBatch));
  counts.organisations += orgBatch.length;
  onProgress?.('organisations', counts.organisations, target.organisations);

  const components = createComponentStore();
  let compBatch: NewComponentRow[] = [];
  for (const c of demoComponents(opts, target.components)) {
    compBatch.push(c);
    if (compBatch.length >= INSERT_BATCH) {
      const part = compBatch;
      compBatch = [];
      await write((tx) => components.insertMany(tx, part));
      counts.components += part.length;
      if (counts.components % 10_000 === 0) onProgress?.('components', counts.components, target.components);
    }
  }
  await write((tx) => components.insertMany(tx, compBatch));
  counts.components += compBatch.length;
  onProgress?.('components', counts.components, target.components);
  return counts;
}

/** The small demo registers, written inside the demo seed's transaction (`tx`) right after the grid map. */
export function seedRegistryDemo(tx: Db, deps: Deps, areas: readonly DemoAreaInput[], now: Date): Promise<SeedCounts> {
  return stream(deps, areas, now, 'small', (work) => work(tx));
}

/**
 * `civicgrid seed demo --scale city`: a million people and a hundred thousand components on top of the demo
 * city, committed batch by batch, with one audit entry at the end.
 */
export async function seedRegistryCity(deps: Deps, areas: readonly DemoAreaInput[], onProgress?: SeedProgress): Promise<SeedCounts> {
  const now = deps.clock.now();
  const counts = await stream(deps, areas, now, 'city', (work) => deps.db.transaction().execute(work), onProgress);
  const city = areas.find((a) => a.level === 'city');
  const actor = systemActor(city?.path ?? '', 'seed');
  await deps.db.transaction().execute((tx) =>
    deps.audit.record(tx, now, { id: null, username: actor.username }, 'seed.registry_city', { type: 'city', id: city?.code ?? '' }, { ...counts }),
  );
  return counts;
}
