import type { FastifyInstance } from 'fastify';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { participationPublicRoutes } from './public-routes.ts';
import { devOutboxSender, type SendCode } from './residents.ts';
import { createParticipationService, type ParticipationService } from './service.ts';
import { participationStaffRoutes } from './staff-routes.ts';

/** Participation, built once by the root; `sendCode` defaults to participation's demo outbox. */
export function createParticipation(deps: Deps, cases: CaseService, opts: { sendCode?: SendCode } = {}) {
  return createParticipationService(deps, { sendCode: opts.sendCode ?? devOutboxSender(deps) }, { cases });
}

export async function registerParticipation(app: FastifyInstance, svc: ParticipationService) {
  await app.register(participationPublicRoutes(svc, { codesPerMinute: 10, writesPerMinute: 120 }));
  await app.register(participationStaffRoutes(svc));
}
