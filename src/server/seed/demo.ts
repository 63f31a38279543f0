import { systemActor } from '../access/permissions.ts';
import { hashPassword } from '../auth/passwords.ts';
import { seedBrainDemo, seedBrainRules } from '../brain/seed.ts';
import { seedCalendar } from '../calendar/service.ts';
import { seedOpen311Demo } from '../open311/keys.ts';
import type { Deps } from '../context.ts';
import { seedDispatchCatalogue } from '../dispatch/service.ts';
import { demoCityMap, seedCityMap } from '../geo/seed.ts';
import { createOrgStore } from '../org/store.ts';
import { seedParticipationDemo } from '../participation/demo-seed.ts';
import { seedRegistryDemo } from '../registry/demo-seed.ts';
import { putSetting } from '../settings.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';

/** 示范市: a fictional city (code 990100; province 99 does not exist in GB/T 2260, so it can't be mistaken for a real one). */
export const demoCity = { code: '990100', name: '示范市', nameEn: 'Demo City' };

export const demoDistricts = [
  { code: '990102', name: '东城区' },
  { code: '990105', name: '西湖区' },
  { code: '990106', name: '南山区' },
];

/** Accounts named in PRODUCT.md's fixed contracts, plus a few that make every role reachable in the demo. */
export const demoAccounts = [
  { username: 'admin', displayName: '系统管理员', roles: ['admin'], scope: demoCity.code, department: null },
  { username: 'dispatcher', displayName: '指挥中心派遣员', roles: ['dispatcher'], scope: demoCity.code, department: null },
  { username: 'clerk', displayName: '12345受理员', roles: ['clerk'], scope: demoCity.code, department: null },
  { username: 'handler.sz', displayName: '市政设施处置员', roles: ['handler'], scope: demoCity.code, department: 'SZ' },
  { username: 'gridworker', displayName: '网格员', roles: ['gridworker'], scope: 'firstGrid', department: null },
  { username: 'leader', displayName: '分管领导', roles: ['leader'], scope: demoCity.code, department: null },
  { username: 'dataadmin', displayName: '数据管理员', roles: ['dataadmin'], scope: demoCity.code, department: null },
  { username: 'dispatcher.east', displayName: '东城区派遣员', roles: ['dispatcher'], scope: '990102', department: null },
] as const;

/** The demo city's grid map (3 districts, 12 streets, 60 communities, 600 grids, specialist layers): src/server/geo/demo-city.ts. */
export const demoMap = () => demoCityMap({ city: demoCity, districts: demoDistricts, layers: true });

/** The admin hierarchy of the demo city (area rows without their shapes). */
export function demoAreas() {
  return demoMap().areas.map(({ code, name, level, path, parent_code }) => ({ code, name, level, path, parent_code }));
}

/** Seeds departments from the taxonomy, the demo city and the demo accounts, in one transaction. */
export async function seedDemo(deps: Deps, taxonomy: Taxonomy, password: string): Promise<void> {
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
    await seedParticipationDemo(tx, deps, now); // spaces, consultations, proposals and demo residents around the grid worker's grid
    await deps.audit.record(tx, now, { id: null, username: actor.username }, 'seed.demo', { type: 'city', id: demoCity.code }, { areas: areas.length, accounts: demoAccounts.length });
  });
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
    await putSetting(tx, 'mode', 'production', deps.clock.now());
  });
}
