import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { notFound } from '../errors.ts';
import { createConsultationService } from './consultations.ts';
import { createConventionService } from './conventions.ts';
import { createCommentService } from './comments.ts';
import { createProposalService } from './proposals.ts';
import { createResidentStore } from './resident-store.ts';
import { createResidentService, type SendCode } from './residents.ts';

/** 协商议事: residents, spaces and consultations, proposals and their results, built from Deps and the case front door. */
export function createParticipationService(deps: Deps, opts: { sendCode: SendCode }, others: { cases: Pick<CaseService, 'intake'> }) {
  const residents = createResidentService(deps, opts);
  const consultations = createConsultationService(deps);
  const proposals = createProposalService(deps, { consultations, cases: others.cases });
  const conventions = createConventionService(deps, { consultations });
  const areas = createResidentStore();
  return {
    residents,
    consultations,
    now: () => deps.clock.now(),
    proposals,
    conventions,
    comments: createCommentService(deps),
    /** an area code of a filter → its path (404 for an unknown code, so a typo is not an empty list) */
    async areaPath(code: string | undefined) {
      if (!code) return undefined;
      const a = await areas.area(deps.db, code);
      if (!a) throw notFound('area', code);
      return a.path;
    },
  };
}
export type ParticipationService = ReturnType<typeof createParticipationService>;
