import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../context.ts';
import { componentRoutes } from './components/routes.ts';
import { createComponentService } from './components/service.ts';
import { houseRoutes } from './houses/routes.ts';
import { createHouseService } from './houses/service.ts';
import { importRoutes } from './imports/routes.ts';
import { createImportService } from './imports/service.ts';
import { organisationRoutes } from './organisations/routes.ts';
import { createOrganisationService } from './organisations/service.ts';
import { peopleRoutes } from './people/routes.ts';
import { createPeopleService } from './people/service.ts';

/** 统一基础数据库 people, houses, organisations, components and their imports: one register line in app.ts. */
export const registryRoutes =
  (deps: Deps): FastifyPluginAsync =>
  async (app) => {
    const imports = createImportService(deps);
    await app.register(peopleRoutes(createPeopleService(deps)));
    await app.register(houseRoutes(createHouseService(deps)));
    await app.register(organisationRoutes(createOrganisationService(deps)));
    await app.register(componentRoutes(createComponentService(deps)));
    await app.register(importRoutes(imports, deps.config.IMPORT_MAX_BYTES));
    // Let a running import finish (or fail) before the database closes under it.
    app.addHook('onClose', () => imports.idle());
  };
