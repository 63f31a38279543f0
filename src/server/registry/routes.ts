import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../context.ts';
import { createComponentService } from './components/service.ts';
import { createHouseService } from './houses/service.ts';
import { importRoutes } from './imports/routes.ts';
import { createImportService } from './imports/service.ts';
import { createOrganisationService } from './organisations/service.ts';
import { peopleRoutes } from './people/routes.ts';
import { createPeopleService } from './people/service.ts';
import { placeRoutes } from './place-routes.ts';

/** 统一基础数据库 people, houses, organisations, components and their imports: one register line in app.ts. */
export const registryRoutes =
  (deps: Deps): FastifyPluginAsync =>
  async (app) => {
    const imports = createImportService(deps);
    await app.register(peopleRoutes(createPeopleService(deps)));
    await app.register(placeRoutes(createHouseService(deps), createOrganisationService(deps), createComponentService(deps)));
    await app.register(importRoutes(imports, deps.config.IMPORT_MAX_BYTES));
    // Let a running import finish (or fail) before the database closes under it.
    app.addHook('onClose', () => imports.idle());
  };
