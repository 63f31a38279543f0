import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { fieldworkRoutes } from '../fieldwork/routes.ts';
import { startFieldworkJobs, type FieldworkService } from '../fieldwork/service.ts';
import { riskRoutes } from '../risk/routes.ts';
import { startRiskJobs, type RiskService } from '../risk/service.ts';
import { disputeRoutes } from './routes.ts';
import type { DisputeService } from './service.ts';

/** Disputes (矛盾纠纷), risk warnings (预警) and grid field work, all on the one case front door; built by the root. */
export interface DisputeServices {
  disputes: DisputeService;
  risk: RiskService;
  fieldwork: FieldworkService;
}

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
