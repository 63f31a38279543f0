import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { fieldworkRoutes } from '../fieldwork/routes.ts';
import { createFieldworkService, startFieldworkJobs } from '../fieldwork/service.ts';
import { riskRoutes } from '../risk/routes.ts';
import { createRiskService, startRiskJobs } from '../risk/service.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { disputeRoutes } from './routes.ts';
import { createDisputeService } from './service.ts';

/** Disputes (矛盾纠纷), risk warnings (预警) and grid field work, all on the one case front door; built once by the root. */
export function createDisputeServices(deps: Deps, { cases, taxonomy }: { cases: CaseService; taxonomy: Taxonomy }) {
  return {
    disputes: createDisputeService(deps, { cases, taxonomy }),
    risk: createRiskService(deps, { taxonomy }),
    fieldwork: createFieldworkService(deps, { cases }),
  };
}

export type DisputeServices = ReturnType<typeof createDisputeServices>;

export async function registerDisputes(app: FastifyInstance, s: DisputeServices) {
  await app.register(disputeRoutes(s.disputes));
  await app.register(riskRoutes(s.risk));
  await app.register(fieldworkRoutes(s.fieldwork));
}

/** The background jobs: the risk scan every minute, patrol track retention every hour. Returns the stopper. */
export function startDisputeJobs(s: DisputeServices, logger: Logger): () => void {
  const stopRisk = startRiskJobs(s.risk.scan, 60_000, logger);
  const stopTracks = startFieldworkJobs(() => s.fieldwork.purgeTracks(), 3_600_000, logger);
  return () => {
    stopRisk();
    stopTracks();
  };
}
