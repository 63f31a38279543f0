import { assertCan, type Actor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import type { ConsultationService, NewConsultation } from './consultations.ts';
import { createConsultationStore } from './consultation-store.ts';
import { createProposalStore, type Decision, type ProposalRow } from './proposal-store.ts';
import type { ResidentInArea } from './resident-store.ts';
import { DAY_MS, livesIn } from './rules.ts';

export interface ProposalAnswer {
  decision: Decision;
  /** the answer the public reads; for a rejection, the reason */
  answer: string;
  /** who carries an accepted outcome out (required unless rejected) */
  responsibleUnit?: string;
  /** for decision = consultation: the consultation to open */
  consultation?: NewConsultation;
}

const inside = (path: string, area: string) => path === area || path.startsWith(`${area}.`);

/** 居民提议 → 附议 → 答复, and the accountability of every accepted outcome (Decidim's "results"). */
export function createProposalService(deps: Deps, others: { consultations: ConsultationService; cases: Pick<CaseService, 'intake'> }) {
  const { db, clock, audit } = deps;
  const store = createProposalStore();
  const spaces = createConsultationStore();

  const residentActor = (r: ResidentInArea) => ({ id: null, username: `resident:${r.id}` });

  async function inScope(actor: Actor, id: string) {
    assertCan(actor, 'participation.organise');
    const p = await store.find(db, id);
    if (!p || !inside(p.area_path, actor.scopePath)) throw notFound('proposal', id);
    return p;
  }

  async function addResult(tx: Db, p: ProposalRow, unit: string, extra: { consultation_id?: string; case_code?: string }) {
    const now = clock.now();
    await store.insertResult(tx, { area_code: p.area_code, area_path: p.area_path, title: p.title, proposal_id: p.id, responsible_unit: unit, created_at: now, updated_at: now, ...extra });
  }

  return {
    async propose(resident: ResidentInArea, input: { spaceId: string; title: string; body: string }) {
      const space = await spaces.space(db, input.spaceId);
      if (!space) throw notFound('participation_space', input.spaceId);
      if (!livesIn(resident, space.area_path)) throw new AppError(403, 'participation.outside_area', 'only residents of this area propose here');
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const { id } = await store.insert(tx, {
          space_id: space.id,
          area_code: space.area_code,
          area_path: space.area_path,
          resident_id: resident.id,
          title: input.title,
          body: input.body,
          threshold: space.support_threshold,
          created_at: now,
        });
        await audit.record(tx, now, residentActor(resident), 'participation.proposal_created', { type: 'participation_proposal', id });
        return (await store.find(tx, id))!;
      });
    },

    /** 附议: one support per resident of the area; the one that reaches the threshold starts the answer clock. */
    async support(resident: ResidentInArea, id: string) {
      const p = await store.find(db, id);
      if (!p) throw notFound('proposal', id);
      if (!livesIn(resident, p.area_path)) throw new AppError(403, 'participation.outside_area', 'only residents of this area support this proposal');
      if (p.resident_id === resident.id) throw conflict('participation.own_proposal', 'you cannot support your own proposal');
      if (p.decision) throw conflict('participation.proposal_answered', 'the proposal has been answered');
      const space = (await spaces.space(db, p.space_id))!;
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        await store.lock(tx, id);
        if (!(await store.addSupport(tx, id, resident.id, now))) throw conflict('participation.already_supported', 'you support this proposal already');
        await store.bumpSupports(tx, id, now, new Date(now.getTime() + space.answer_days * DAY_MS));
        return (await store.find(tx, id))!;
      });
    },

    find: async (id: string) => {
      const p = await store.find(db, id);
      if (!p) throw notFound('proposal', id);
      return p;
    },
    list: (f: { areaPath?: string; aroundPath?: string; spaceId?: string; status?: 'open' | 'answered' }, page: number, pageSize: number) => store.list(db, f, page, pageSize),
    staffList: (actor: Actor, f: { spaceId?: string; status?: 'open' | 'answered' }, page: number, pageSize: number) => {
      assertCan(actor, 'participation.organise');
      return store.list(db, { ...f, areaPath: actor.scopePath }, page, pageSize);
    },

    /** 待答复 inbox: proposals over the threshold without an answer, soonest deadline first. */
    inbox(actor: Actor) {
      assertCan(actor, 'participation.organise');
      return store.inbox(db, actor.scopePath);
    },

    /** 答复: accept into a consultation, a case (through cases.intake) or a work item, or reject with a reason. */
    async answer(actor: Actor, id: string, a: ProposalAnswer) {
      const p = await inScope(actor, id);
      if (p.decision) throw conflict('participation.proposal_answered', 'the proposal has been answered');
      const answer = a.answer.trim();
      if (!answer) throw invalid('participation.answer_required', 'write the answer (for a rejection, the reason)');
      const unit = a.decision === 'reject' ? null : (a.responsibleUnit ?? p.responsible_unit);
      if (a.decision !== 'reject') {
        if (!unit || !(await store.department(db, unit))) throw invalid('participation.unit_required', 'an accepted proposal needs a responsible unit (a department code)');
      }
      if (a.decision === 'consultation' && !a.consultation) throw invalid('participation.consultation_required', 'say which consultation to open (title, options, timetable)');
      const now = clock.now();
      const set = { decision: a.decision, answer, answered_at: now, answered_by: actor.id };
      const record = (tx: Db, extra: Record<string, unknown> = {}) =>
        audit.record(tx, now, actor, 'participation.proposal_answered', { type: 'participation_proposal', id }, { decision: a.decision, unit, late: p.answer_due_at ? now > p.answer_due_at : false, ...extra });
      const claim = async (tx: Db, extra: { consultation_id?: string; case_code?: string } = {}) => {
        const r = await store.answer(tx, id, { ...set, ...extra });
        if (Number(r.numUpdatedRows) === 0) throw conflict('participation.proposal_answered', 'the proposal has been answered');
      };

      if (a.decision === 'case') {
        // The case and the answer commit together: `within` runs in the transaction that writes the case.
        const channel = actor.roles.includes('gridworker') && !actor.roles.includes('admin') ? 'gridworker' : 'web';
        await others.cases.intake(
          actor,
          { channel, text: `【居民提议】${p.title}\n${p.body}`, nature: 'suggest', externalRef: `participation:${p.id}` },
          {
            within: async (tx, row) => {
              await claim(tx, { case_code: row.code });
              await addResult(tx, p, unit!, { case_code: row.code });
              await record(tx, { caseCode: row.code });
            },
          },
        );
      } else {
        await db.transaction().execute(async (tx) => {
          if (a.decision === 'consultation') {
            const consultationId = await others.consultations.create(actor, p.space_id, a.consultation!, { tx });
            await claim(tx, { consultation_id: consultationId });
            await addResult(tx, p, unit!, { consultation_id: consultationId });
          } else {
            await claim(tx);
            if (a.decision === 'work') await addResult(tx, p, unit!, {});
          }
          await record(tx);
        });
      }
      return (await store.find(db, id))!;
    },

    /** 答复情况 per responsible unit: on time, late, open and overdue (for the evaluation of that unit). */
    byUnit(actor: Actor) {
      assertCan(actor, 'participation.organise');
      return store.byUnit(db, actor.scopePath, clock.now());
    },

    results: (f: { areaPath?: string; aroundPath?: string; unit?: string }, page: number, pageSize: number) => store.results(db, f, page, pageSize),
    /** the outcomes of an organiser's area, to report their progress */
    staffResults(actor: Actor, page: number, pageSize: number) {
      assertCan(actor, 'participation.organise');
      return store.results(db, { areaPath: actor.scopePath }, page, pageSize);
    },
    async result(id: string) {
      const r = await store.result(db, id);
      if (!r) throw notFound('participation_result', id);
      return { ...r, updates: await store.updates(db, id) };
    },
    resultOf: (proposalId: string) => store.resultOf(db, proposalId),
    /** 进展: percent and a note the public reads; 100 % marks the outcome done. */
    async progress(actor: Actor, id: string, u: { progress: number; note: string }) {
      assertCan(actor, 'participation.organise');
      const r = await store.result(db, id);
      if (!r || !inside(r.area_path, actor.scopePath)) throw notFound('participation_result', id);
      if (r.status === 'done') throw conflict('participation.result_done', 'the outcome is done; nothing more to report');
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await store.insertUpdate(tx, { result_id: id, progress: u.progress, note: u.note, created_by: actor.id, created_at: now });
        await store.progress(tx, id, u.progress, now);
        await audit.record(tx, now, actor, 'participation.result_progress', { type: 'participation_result', id }, { progress: u.progress });
      });
      return { ...(await store.result(db, id))!, updates: await store.updates(db, id) };
    },
  };
}
export type ProposalService = ReturnType<typeof createProposalService>;
