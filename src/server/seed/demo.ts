import { systemActor } from '../access/permissions.ts';
import { hashPassword } from '../auth/passwords.ts';
import { seedBrainHistory } from '../brain/demo-history.ts';
import { seedBrainDemo, seedBrainRules } from '../brain/seed.ts';
import { seedCalendar } from '../calendar/service.ts';
import { seedOpen311Demo } from '../open311/keys.ts';
import { registerBuiltinCatalogue } from '../datahall/service.ts';
import { seedDatahallDemo } from '../datahall/demo-seed.ts';
import type { Deps } from '../context.ts';
import { seedDisputesDemo } from '../disputes/demo-seed.ts';
import { createServices } from '../services.ts';
import { seedDispatchCatalogue } from '../dispatch/service.ts';
import { demoCityMap, seedCityMap } from '../geo/seed.ts';
import { createOrgStore } from '../org/store.ts';
import { seedParticipationDemo, seedParticipationDiscussion } from '../participation/demo-seed.ts';
import { seedRegistryDemo } from '../registry/demo-seed.ts';
import { createPartitionStore } from '../db/partitions.ts';
import { putSetting } from '../db/settings-store.ts';
import { seedKnowledgeDemo } from '../knowledge/service.ts';
import { seedEvaluationHistory } from '../evaluation/demo-history.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { demoAccounts, demoCity } from '../org/demo-accounts.ts';

/** 示范市: a fictional city (code 990100; province 99 does not exist in GB/T 2260, so it can't be mistaken for a real one). */
// the demo city and its accounts live with org (the UI config lists the accounts too, and must not import a seeder)
export { demoAccounts, demoCity } from '../org/demo-accounts.ts';

export const demoDistricts = [
  { code: '990102', name: '东城区' },
  { code: '990105', name: '西湖区' },
  { code: '990106', name: '南山区' },
];

/** The demo city's grid map (3 districts, 12 streets, 60 communities, 600 grids, specialist layers): src/server/geo/demo-city.ts. */
export const demoMap = () => demoCityMap({ city: demoCity, districts: demoDistricts, layers: true });

/** The admin hierarchy of the demo city (area rows without their shapes). */
export function demoAreas() {
  return demoMap().areas.map(({ code, name, level, path, parent_code }) => ({ code, name, level, path, parent_code }));
}

/** Seeds departments from the taxonomy, the demo city and the demo accounts, in one transaction. */
export async function seedDemo(deps: Deps, taxonomy: Taxonomy, password: string, opts: { history?: boolean; disputes?: boolean; telemetry?: boolean } = {}): Promise<void> {
  const store = createOrgStore();
  const now = deps.clock.now();
  const actor = systemActor(demoCity.code, 'seed');
  const areas = demoAreas();
  const firstGrid = areas.find((a) => a.level === 'grid')!;
  const passwordHash = await hashPassword(password);

  await deps.db.transaction().execute(async (tx) => {
    await seedCityMap(tx, demoMap(), now);
    await seedRegistryDemo(tx, deps, demoMap().areas, now); // people, houses, organisations, components on the grids
    for (const d of taxonomy.departments) {
      await store.upsertDepartment(tx, { code: d.code, name: d.zh, name_en: d.en, kind: d.kind, area_code: null });
    }
    for (const acc of demoAccounts) {
      const scope = acc.scope === 'firstGrid' ? firstGrid.path : areas.find((a) => a.code === acc.scope)!.path;
      await store.insertUser(tx, {
        username: acc.username,
        display_name: acc.displayName,
        password_hash: passwordHash,
        roles: [...acc.roles],
        scope_path: scope,
        department_code: acc.department,
      });
    }
    await putSetting(tx, 'mode', 'demo', now);
    await putSetting(tx, 'city', { code: demoCity.code, name: demoCity.name }, now);
    await seedCalendar(tx, now);
    await seedDispatchCatalogue(tx, taxonomy, now);
    await seedOpen311Demo(tx, now);
    await seedBrainDemo(tx, now); // default alarm rules, demo-water-level-001 and the simulated sensor fleet
    await seedDatahallDemo(tx, deps, demoCity.code, now); // data hall catalogue, open datasets, demo sharing key
    await seedKnowledgeDemo(tx, now); // 知识库: ~120 service catalogue items across the departments (knowledge/data/items.jsonl)
    await seedParticipationDemo(tx, deps, now); // spaces, consultations, proposals and demo residents around the grid worker's grid
    await deps.audit.record(tx, now, { id: null, username: actor.username }, 'seed.demo', { type: 'city', id: demoCity.code }, { areas: areas.length, accounts: demoAccounts.length });
  });
  if (opts.history) {
    await seedEvaluationHistory(deps, taxonomy); // a year of cases for `npm start` only (the test template stays light)
    await createPartitionStore().settle(deps.db, 'case_events'); // the year's events move from the default partition into their months
    await seedParticipationDiscussion(deps.db, now); // comments on the open consultation, one reported (the moderation tab's first work)
  }
  if (opts.disputes || opts.telemetry) {
    const services = createServices(deps, taxonomy); // built once, in the composition root
    if (opts.disputes) await seedDisputesDemo(deps, { cases: services.cases, disputes: services.disputes }); // disputes in several states, a cluster warning, overdue visits (not in the test template)
    if (opts.telemetry) {
      // the last hours of every simulated sensor through the ingest pipeline: charts, online devices, alarms and their cases
      await services.brain.load();
      await seedBrainHistory(services.brain, actor, now);
      await services.brain.close();
    }
  }
}

/** Departments from the taxonomy and the deployment mode for a production install. */
export async function seedProduction(deps: Deps, taxonomy: Taxonomy): Promise<void> {
  const store = createOrgStore();
  await deps.db.transaction().execute(async (tx) => {
    for (const d of taxonomy.departments) {
      await store.upsertDepartment(tx, { code: d.code, name: d.zh, name_en: d.en, kind: d.kind, area_code: null });
    }
    await seedDispatchCatalogue(tx, taxonomy, deps.clock.now());
    await seedBrainRules(tx, deps.clock.now()); // default alarm rules
    await registerBuiltinCatalogue(tx, deps.clock.now()); // 数据大厅: every table the platform holds
    await putSetting(tx, 'mode', 'production', deps.clock.now());
  });
}
