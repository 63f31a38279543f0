import type { FastifyPluginAsync } from 'fastify';
import { componentRoutes } from './components/routes.ts';
import type { ComponentService } from './components/service.ts';
import { houseRoutes } from './houses/routes.ts';
import type { HouseService } from './houses/service.ts';
import { importRoutes } from './imports/routes.ts';
import type { ImportService } from './imports/service.ts';
import { organisationRoutes } from './organisations/routes.ts';
import type { OrganisationService } from './organisations/service.ts';
import { peopleRoutes } from './people/routes.ts';
import type { PeopleService } from './people/service.ts';

/** The registry's services, built once in services.ts. */
export interface RegistryServices {
  people: PeopleService;
  houses: HouseService;
  organisations: OrganisationService;
  components: ComponentService;
  imports: ImportService;
}

/** 统一基础数据库 people, houses, organisations, components and their imports: one register line in app.ts. */
export const registryRoutes =
  (registry: RegistryServices, importMaxBytes: number): FastifyPluginAsync =>
  async (app) => {
    const { imports } = registry;
    await app.register(peopleRoutes(registry.people));
    await app.register(houseRoutes(registry.houses));
    await app.register(organisationRoutes(registry.organisations));
    await app.register(componentRoutes(registry.components));
    await app.register(importRoutes(imports, importMaxBytes));
    // Let a running import finish (or fail) before the database closes under it.
    app.addHook('onClose', () => imports.idle());
  };
