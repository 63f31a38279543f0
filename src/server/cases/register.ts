import type { FastifyInstance } from 'fastify';
import type { Deps } from '../context.ts';
import { dispatchRoutes } from '../dispatch/routes.ts';
import { createDispatchService } from '../dispatch/service.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import type { Classifier } from './core.ts';
import { createNotificationService } from './notifications.ts';
import { publicCaseRoutes } from './public-routes.ts';
import { caseRoutes } from './routes.ts';
import { createCaseService, type CaseService } from './service.ts';

/**
 * Wires the case and dispatch capabilities into the app and returns the one case service, so other front
 * doors (Open311, IoT alarms, triage) call the same `intake` and share its live feed.
 */
export async function registerCases(app: FastifyInstance, deps: Deps, taxonomy: Taxonomy, opts: { classify?: Classifier | null } = {}): Promise<CaseService> {
  const dispatch = createDispatchService(deps, taxonomy);
  const cases = createCaseService(deps, { taxonomy, dispatch, classify: opts.classify ?? null });
  await app.register(caseRoutes(cases, createNotificationService(deps)));
  await app.register(publicCaseRoutes(cases));
  await app.register(dispatchRoutes(dispatch));
  return cases;
}
