import type { FastifyInstance } from 'fastify';
import type { NotificationService } from '../cases/notifications.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { knowledgeRoutes } from '../knowledge/routes.ts';
import type { KnowledgeService } from '../knowledge/service.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import { callbackRoutes } from './callback-routes.ts';
import { createCallbackService } from './callback-service.ts';
import { createCitizenFollowUp, followUpRoutes } from './follow-up.ts';
import { createPublicMap, publicMapRoutes } from './map.ts';
import { notifyRoutes } from './routes.ts';
import { createNotifyService } from './service.ts';

export { startNotifyJobs } from './jobs.ts';

/** 送达 + 回访 + 知识库 + the public map, built once by the composition root on the process's case service. */
export function createNotifyServices(deps: Deps, { cases, notifications, knowledge, taxonomy }: { cases: CaseService; notifications: NotificationService; knowledge: KnowledgeService; taxonomy: Pick<TaxonomyService, 'current'> }) {
  const notify = createNotifyService(deps, { cases });
  const callbacks = createCallbackService(deps, { cases, notifications });
  return {
    notify,
    callbacks,
    knowledge,
    publicMap: createPublicMap(deps, taxonomy),
    followUp: createCitizenFollowUp(deps, taxonomy),
    /** what the background worker runs (main.ts): delivery ticks and the callback sampler */
    jobs: { deliverDue: () => notify.deliverDue(), sampleCallbacks: () => callbacks.sampleCallbacks() },
  };
}

export type NotifyServices = ReturnType<typeof createNotifyServices>;

/** Routes of delivery (outbox, preferences, rating by code), the 回访 queue, the knowledge base and the public map. */
export async function registerNotify(app: FastifyInstance, s: NotifyServices, cases: CaseService): Promise<void> {
  app.addHook('onClose', async () => {
    for (const c of Object.values(s.notify.channels)) c.close?.();
  });
  await app.register(notifyRoutes(s.notify, cases));
  await app.register(callbackRoutes(s.callbacks));
  await app.register(knowledgeRoutes(s.knowledge));
  await app.register(publicMapRoutes(s.publicMap));
  await app.register(followUpRoutes(s.followUp));
}
