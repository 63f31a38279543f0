import type { FastifyInstance } from 'fastify';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { participationPublicRoutes } from './public-routes.ts';
import { devOutboxSender, type SendCode } from './residents.ts';
import { createParticipationService } from './service.ts';
import { participationStaffRoutes } from './staff-routes.ts';

/** Registers participation's routes; `sendCode` defaults to the demo outbox until the notification outbox is wired. */
export async function registerParticipation(app: FastifyInstance, deps: Deps, cases: CaseService, opts: { sendCode?: SendCode } = {}) {
  const svc = createParticipationService(deps, { sendCode: opts.sendCode ?? devOutboxSender(deps) }, { cases });
  await app.register(participationPublicRoutes(svc, { codesPerMinute: 10, writesPerMinute: 120 }));
  await app.register(participationStaffRoutes(svc));
  return svc;
}
