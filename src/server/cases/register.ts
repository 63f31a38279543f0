import type { FastifyInstance } from 'fastify';
import { dispatchRoutes } from '../dispatch/routes.ts';
import type { DispatchService } from '../dispatch/service.ts';
import type { NotificationService } from './notifications.ts';
import { publicCaseRoutes } from './public-routes.ts';
import { caseRoutes } from './routes.ts';
import type { CaseService } from './service.ts';

/** Registers the case and dispatch routes: the console's case API, public tracking and the 权责清单. */
export async function registerCases(app: FastifyInstance, s: { cases: CaseService; notifications: NotificationService; dispatch: DispatchService }): Promise<void> {
  await app.register(caseRoutes(s.cases, s.notifications));
  await app.register(publicCaseRoutes(s.cases));
  await app.register(dispatchRoutes(s.dispatch));
}
