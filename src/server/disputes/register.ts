import type { FastifyInstance } from 'fastify';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { fieldworkRoutes } from '../fieldwork/routes.ts';
import { createFieldworkService } from '../fieldwork/service.ts';
import { riskRoutes } from '../risk/routes.ts';
import { createRiskService, startRiskJobs } from '../risk/service.ts';
import { createCaseService } from '../cases/service.ts';
import { createFieldworkService as fieldwork, startFieldworkJobs } from '../fieldwork/service.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { disputeRoutes } from './routes.ts';
import { createDisputeService } from './service.ts';

/** Wires disputes (矛盾纠纷), risk warnings (预警) and grid field work, all on the one case front door. */
export async function registerDisputes(app: FastifyInstance, deps: Deps, taxonomy: Taxonomy, cases: CaseService) {
  await app.register(disputeRoutes(createDisputeService(deps, { cases, taxonomy })));
  await app.register(riskRoutes(createRiskService(deps, { taxonomy })));
  await app.register(fieldworkRoutes(createFieldworkService(deps, { cases })));
}

/** The background jobs: the risk scan every minute, patrol track retention every hour. Returns the stopper. */
export function startDisputeJobs(deps: Deps, taxonomy: Taxonomy): () => void {
  const stopRisk = startRiskJobs(createRiskService(deps, { taxonomy }).scan, 60_000, deps.logger);
  const fw = fieldwork(deps, { cases: createCaseService(deps, { taxonomy }) });
  const stopTracks = startFieldworkJobs(() => fw.purgeTracks(), 3_600_000, deps.logger);
  return () => {
    stopRisk();
    stopTracks();
  };
}
