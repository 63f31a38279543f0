import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import { presentComment } from './comments.ts';
import { presentConsultation, presentConsultationItem, presentConvention, presentProposal, presentResult, presentSpace, presentVersion } from './presenters.ts';
import { answerBody, convention, conventionVersion, reportedComment, newConventionVersion, consultationDetail, consultationItem, consultationQuery, inboxItem, inPersonBody, meeting, meetingBody, newConsultation, newSpace, progressBody, proposal, proposalQuery, result, space, unitReport } from './schema.ts';
import type { ParticipationService } from './service.ts';
import { DAY_MS } from './rules.ts';

const S = '/api/v1/participation';

/** The organisers' side (participation.organise, scoped to their area): create, run, close, publish, answer. */
export const participationStaffRoutes =
  (svc: ParticipationService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['participation'];
    const id = z.object({ id: z.uuid() });

    app.get(`${S}/spaces`, { schema: { tags, summary: 'Spaces in my scope', response: { 200: z.object({ items: z.array(space) }), ...errors(401, 403) } } }, async (req) => {
      const actor = requireActor(req);
      return { items: (await svc.consultations.spaces(actor)).map(presentSpace) };
    });
    app.post(`${S}/spaces`, { schema: { tags, summary: 'Open a space for an area', body: newSpace, response: { 201: space, ...errors(400, 401, 403, 404) } } }, async (req, reply) =>
      reply.status(201).send(presentSpace(await svc.consultations.createSpace(requireActor(req), req.body))),
    );
    app.get(`${S}/consultations`, { schema: { tags, summary: 'Consultations in my scope', querystring: consultationQuery.omit({ area: true }), response: { 200: paged(consultationItem), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, state, space: spaceId } = req.query;
      const r = await svc.consultations.staffList(requireActor(req), { state, spaceId }, page, pageSize);
      return { ...r, items: r.items.map(presentConsultationItem) };
    });
    app.post(`${S}/spaces/:id/consultations`, { schema: { tags, summary: 'Create a consultation with its timetable and poll', params: id, body: newConsultation, response: { 201: consultationDetail, ...errors(400, 401, 403, 404) } } }, async (req, reply) => {
      const actor = requireActor(req);
      const cid = await svc.consultations.create(actor, req.params.id, req.body);
      return reply.status(201).send(presentConsultation(await svc.consultations.staffView(actor, cid)));
    });
    app.get(`${S}/consultations/:id`, { schema: { tags, summary: 'A consultation as its organiser sees it (tally from the close on)', params: id, response: { 200: consultationDetail, ...errors(401, 403, 404) } } }, async (req) =>
      presentConsultation(await svc.consultations.staffView(requireActor(req), req.params.id)),
    );
    app.post(`${S}/consultations/:id/close`, { schema: { tags, summary: 'End the vote now', params: id, response: { 200: consultationDetail, ...errors(401, 403, 404, 409) } } }, async (req) =>
      presentConsultation(await svc.consultations.close(requireActor(req), req.params.id)),
    );
    app.post(`${S}/consultations/:id/publish`, { schema: { tags, summary: 'Publish the outcome and the results', params: id, body: z.object({ outcome: z.string().trim().min(1).max(10_000) }), response: { 200: consultationDetail, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentConsultation(await svc.consultations.publish(requireActor(req), req.params.id, req.body.outcome)),
    );
    app.post(`${S}/consultations/:id/meetings`, { schema: { tags, summary: 'Add a meeting (time, place, minutes)', params: id, body: meetingBody, response: { 201: meeting, ...errors(400, 401, 403, 404) } } }, async (req, reply) => {
      const m = await svc.consultations.addMeeting(requireActor(req), req.params.id, req.body);
      return reply.status(201).send({ id: m.id, consultationId: m.consultation_id, startsAt: m.starts_at.toISOString(), place: m.place, minutes: m.minutes });
    });
    app.put(`${S}/meetings/:id/minutes`, { schema: { tags, summary: 'Upload the minutes of a meeting', params: id, body: z.object({ minutes: z.string().trim().min(1).max(20_000) }), response: { 200: meeting, ...errors(400, 401, 403, 404) } } }, async (req) => {
      const m = await svc.consultations.setMinutes(requireActor(req), req.params.id, req.body.minutes);
      return { id: m.id, consultationId: m.consultation_id, startsAt: m.starts_at.toISOString(), place: m.place, minutes: m.minutes };
    });

    app.get(`${S}/proposals`, { schema: { tags, summary: 'Proposals in my scope', querystring: proposalQuery.omit({ area: true }), response: { 200: paged(proposal), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, space: spaceId, status } = req.query;
      const r = await svc.proposals.staffList(requireActor(req), { spaceId, status }, page, pageSize);
      return { ...r, items: r.items.map((p) => presentProposal(p)) };
    });
    app.get(`${S}/inbox`, { schema: { tags, summary: '待答复: proposals over their threshold awaiting my answer, with deadlines', response: { 200: z.object({ items: z.array(inboxItem) }), ...errors(401, 403) } } }, async (req) => {
      const rows = await svc.proposals.inbox(requireActor(req));
      return {
        items: rows.map((p) => {
          const left = (p.answer_due_at!.getTime() - svc.now().getTime()) / DAY_MS;
          return { ...presentProposal(p), overdue: left < 0, daysLeft: Math.round(left * 10) / 10 };
        }),
      };
    });
    app.post(`${S}/proposals/:id/answer`, { schema: { tags, summary: 'Answer a proposal: consultation, case, work item, or reject with a reason', params: id, body: answerBody, response: { 200: proposal, ...errors(400, 401, 403, 404, 409) } } }, async (req) => {
      const p = await svc.proposals.answer(requireActor(req), req.params.id, req.body);
      return presentProposal(p, (await svc.proposals.resultOf(p.id))?.id ?? null);
    });
    app.get(`${S}/proposals/by-unit`, { schema: { tags, summary: 'Answered / unanswered proposals per responsible unit (for evaluation)', response: { 200: z.object({ items: z.array(unitReport) }), ...errors(401, 403) } } }, async (req) => ({
      items: (await svc.proposals.byUnit(requireActor(req))).map((r) => ({
        unit: r.unit,
        unitName: r.unit_name,
        due: Number(r.due),
        answeredOnTime: Number(r.answered_on_time),
        answeredLate: Number(r.answered_late),
        unanswered: Number(r.unanswered),
        overdue: Number(r.overdue),
      })),
    }));
    app.get(`${S}/results`, { schema: { tags, summary: 'Accepted outcomes in my scope (to report progress)', querystring: pageQuery, response: { 200: paged(result), ...errors(401, 403) } } }, async (req) => {
      const r = await svc.proposals.staffResults(requireActor(req), req.query.page, req.query.pageSize);
      return { ...r, items: r.items.map(presentResult) };
    });
    app.post(`${S}/results/:id/progress`, { schema: { tags, summary: 'Report progress on an accepted outcome', params: id, body: progressBody, response: { 200: result, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentResult(await svc.proposals.progress(requireActor(req), req.params.id, req.body)),
    );

    app.post(`${S}/conventions`, { schema: { tags, summary: 'Put a convention text (new, or a new version) to the vote', body: newConventionVersion, response: { 201: conventionVersion, ...errors(400, 401, 403, 404) } } }, async (req, reply) =>
      reply.status(201).send(presentVersion(await svc.conventions.propose(requireActor(req), req.body))),
    );
    app.post(`${S}/convention-versions/:id/decide`, { schema: { tags, summary: 'After the vote: adopt (published as the text in force) or reject', params: id, response: { 200: conventionVersion.extend({ agree: z.number().int(), disagree: z.number().int() }), ...errors(401, 403, 404, 409) } } }, async (req) => {
      const v = await svc.conventions.decide(requireActor(req), req.params.id);
      return { ...presentVersion(v), agree: v.agree, disagree: v.disagree };
    });
    app.get(`${S}/conventions`, { schema: { tags, summary: 'Conventions in my scope with every version', response: { 200: z.object({ items: z.array(convention) }), ...errors(401, 403) } } }, async (req) => ({
      items: (await svc.conventions.staffList(requireActor(req))).map(presentConvention),
    }));
    app.get(`${S}/comments/reported`, { schema: { tags, summary: '举报待处理: reported comments in my scope, not yet hidden', response: { 200: z.object({ items: z.array(reportedComment) }), ...errors(401, 403) } } }, async (req) => ({
      items: (await svc.comments.reported(requireActor(req))).map((c) => ({ ...presentComment(c), consultationId: c.consultation_id, consultationTitle: c.consultation_title })),
    }));
    app.post(`${S}/comments/:id/hide`, { schema: { tags, summary: 'Hide a comment; the reason is kept and logged', params: id, body: z.object({ reason: z.string().trim().min(2).max(500) }), response: { 204: z.null(), ...errors(400, 401, 403, 404, 409) } } }, async (req, reply) => {
      await svc.comments.hide(requireActor(req), req.params.id, req.body.reason);
      return reply.status(204).send(null);
    });
    app.post(`${S}/residents`, { schema: { tags, summary: '网格员当面核验: verify a registered person in person; returns their resident session', body: inPersonBody, response: { 201: z.object({ token: z.string(), expiresAt: z.string() }), ...errors(400, 401, 403, 404) } } }, async (req, reply) => {
      const s = await svc.residents.verifyInPerson(requireActor(req), req.body.personId, req.body.nickname);
      return reply.status(201).send({ token: s.token, expiresAt: s.expiresAt.toISOString() });
    });
    app.get(`${S}/dev-outbox`, { schema: { tags, summary: 'Demo mode only: the codes the sender would have texted (admins)', response: { 200: z.object({ items: z.array(z.object({ id: z.number(), phone: z.string(), text: z.string(), at: z.string() })) }), ...errors(401, 403, 404) } } }, async (req) => ({
      items: (await svc.residents.devOutbox(requireActor(req))).map((m) => ({ id: Number(m.id), phone: m.phone_mask, text: m.body, at: m.created_at.toISOString() })),
    }));
  };
