import type { FastifyInstance } from 'fastify';
import { createCaseService, type CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { callbackRoutes } from './callback-routes.ts';
import { createCallbackService } from './callback-service.ts';
import { notifyRoutes } from './routes.ts';
import { createPublicMap, publicMapRoutes } from './map.ts';
import { createCitizenFollowUp, followUpRoutes } from './follow-up.ts';
import { knowledgeRoutes } from '../knowledge/routes.ts';
import { createKnowledgeService } from '../knowledge/service.ts';
import { createNotifyService } from './service.ts';

export { startNotifyJobs } from './jobs.ts';

/** Routes of delivery (outbox, preferences, rating by code) and of the 回访 queue, on the app's case service. */
export async function registerNotify(app: FastifyInstance, deps: Deps, cases: CaseService): Promise<void> {
  const notify = createNotifyService(deps, { cases });
  app.addHook('onClose', async () => {
    for (const c of Object.values(notify.channels)) c.close?.();
  });
  await app.register(notifyRoutes(notify, cases));
  await app.register(callbackRoutes(createCallbackService(deps, { cases })));
  await app.register(knowledgeRoutes(createKnowledgeService(deps, { cases })));
  await app.register(publicMapRoutes(createPublicMap(deps, cases.core.taxonomy)));
  await app.register(followUpRoutes(createCitizenFollowUp(deps, cases.core.taxonomy)));
}

/** What the background worker runs (main.ts): delivery ticks and the callback sampler. */
export function createNotifyJobs(deps: Deps, taxonomy: Taxonomy) {
  const cases = createCaseService(deps, { taxonomy });
  const notify = createNotifyService(deps, { cases });
  const callbacks = createCallbackService(deps, { cases });
  return { deliverDue: () => notify.deliverDue(), sampleCallbacks: () => callbacks.sampleCallbacks() };
}
