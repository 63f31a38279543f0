import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { presentConsultation, presentConsultationItem, presentConvention, presentProposal, presentResult, presentSpace } from './presenters.ts';
import type { ResidentInArea } from './resident-store.ts';
import { RESIDENT_HEADER } from './residents.ts';
import { presentComment } from './comments.ts';
import { ballot, codeRequest, comment, convention, consultationDetail, consultationItem, consultationQuery, meeting, newProposal, proposal, proposalQuery, residentSession, result, resultQuery, space, verifyBody, voteAnswer } from './schema.ts';
import type { ParticipationService } from './service.ts';

const P = '/api/v1/public/participation';

/** The residents' side: public reads, and writes with a resident session in the X-Resident-Token header. */
export const participationPublicRoutes =
  (svc: ParticipationService, limits: { codesPerMinute: number; writesPerMinute: number }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['participation'];
    const security: [] = [];
    /** routes that act as a verified resident: the X-Resident-Token session, not a staff bearer token */
    const asResident = [{ residentToken: [] }];
    const id = z.object({ id: z.uuid() });
    const writeLimit = { rateLimit: { max: limits.writesPerMinute, timeWindow: 60_000 } };

    const resident = async (req: FastifyRequest): Promise<ResidentInArea | null> => {
      const token = req.headers[RESIDENT_HEADER];
      if (typeof token !== 'string' || !token) return null;
      const r = await svc.residents.authenticate(token);
      if (!r) throw new AppError(401, 'participation.session_expired', 'the resident session has expired; verify again');
      return r;
    };
    const requireResident = async (req: FastifyRequest) => {
      const r = await resident(req);
      if (!r) throw new AppError(401, 'participation.resident_required', `verify as a resident first and send ${RESIDENT_HEADER}`);
      return r;
    };
    const sessionOut = async (s: { token: string; expiresAt: Date }, r: ResidentInArea) => ({
      token: s.token,
      expiresAt: s.expiresAt.toISOString(),
      resident: { displayName: r.displayName, areas: (await svc.residents.areasOf(r)).map((a) => ({ code: a.code, name: a.name, level: a.level })) },
    });

    app.post(`${P}/residents/code`, { config: { rateLimit: { max: limits.codesPerMinute, timeWindow: 60_000 } }, schema: { tags, security, summary: 'Ask for a one-time code (sent to the phone registered with the ID number)', body: codeRequest, response: { 202: z.object({ sent: z.literal(true), expiresInSeconds: z.number() }), ...errors(400, 429) } } }, async (req, reply) =>
      reply.status(202).send(await svc.residents.requestCode(req.body.idNumber, req.body.phone)),
    );
    app.post(`${P}/residents/verify`, { config: { rateLimit: { max: limits.codesPerMinute, timeWindow: 60_000 } }, schema: { tags, security, summary: 'Check the code; opens a resident session (send it as X-Resident-Token)', body: verifyBody, response: { 200: residentSession, ...errors(400, 429) } } }, async (req) => {
      const s = await svc.residents.verify(req.body);
      return sessionOut(s, (await svc.residents.authenticate(s.token))!);
    });
    app.get(`${P}/residents/me`, { schema: { tags, security: asResident, summary: 'The signed-in resident (display name and areas only)', response: { 200: residentSession.shape.resident, ...errors(401) } } }, async (req) => {
      const r = await requireResident(req);
      return { displayName: r.displayName, areas: (await svc.residents.areasOf(r)).map((a) => ({ code: a.code, name: a.name, level: a.level })) };
    });
    app.delete(`${P}/residents/session`, { schema: { tags, security: asResident, summary: 'Sign the resident out', response: { 204: z.null(), ...errors(401) } } }, async (req, reply) => {
      await requireResident(req);
      await svc.residents.signOut(req.headers[RESIDENT_HEADER] as string);
      return reply.status(204).send(null);
    });

    app.get(`${P}/spaces`, { schema: { tags, security, summary: 'Participation spaces (one per area that runs them)', response: { 200: z.object({ items: z.array(space) }) } } }, async () => ({
      items: (await svc.consultations.spaces(null)).map(presentSpace),
    }));

    app.get(`${P}/consultations`, { schema: { tags, security, summary: 'Consultations (议事), filter by area (its subtree) and state', querystring: consultationQuery, response: { 200: paged(consultationItem), ...errors(400, 404) } } }, async (req) => {
      const { page, pageSize, area, state, space: spaceId } = req.query;
      const r = await svc.consultations.list({ areaPath: await svc.areaPath(area), state, spaceId }, page, pageSize);
      return { ...r, items: r.items.map(presentConsultationItem) };
    });
    app.get(`${P}/consultations/:id`, { schema: { tags, security, summary: 'A consultation with its options, meetings and, when published, results', params: id, response: { 200: consultationDetail, ...errors(404) } } }, async (req) =>
      presentConsultation(await svc.consultations.publicView(req.params.id)),
    );
    app.post(`${P}/consultations/:id/votes`, { config: writeLimit, schema: { tags, security: asResident, summary: 'Vote (one per verified resident; 409 for a second one unless replace: true)', params: id, body: ballot, response: { 201: voteAnswer, 200: voteAnswer, ...errors(400, 401, 403, 404, 409) } } }, async (req, reply) => {
      const r = await svc.consultations.vote(await requireResident(req), req.params.id, req.body.choices, req.body.replace === true);
      return reply.status(r.changed ? 200 : 201).send({ ...r, at: r.at.toISOString() });
    });
    app.put(`${P}/consultations/:id/votes/mine`, { config: writeLimit, schema: { tags, security: asResident, summary: 'Change one’s vote before the close (still counted once)', params: id, body: ballot.pick({ choices: true }), response: { 200: voteAnswer, ...errors(400, 401, 403, 404, 409) } } }, async (req) => {
      const r = await svc.consultations.changeVote(await requireResident(req), req.params.id, req.body.choices);
      return { ...r, at: r.at.toISOString() };
    });
    app.get(`${P}/consultations/:id/votes/mine`, { schema: { tags, security: asResident, summary: 'One’s own vote', params: id, response: { 200: z.object({ choices: z.array(z.string()).nullable() }), ...errors(401) } } }, async (req) => {
      const v = await svc.consultations.myVote(await requireResident(req), req.params.id);
      return { choices: v ? v.choices : null };
    });
    app.get(`${P}/consultations/:id/comments`, { schema: { tags, security, summary: 'Comments on a consultation (hidden ones without their text)', params: id, response: { 200: z.object({ items: z.array(comment) }) } } }, async (req) => ({
      items: (await svc.comments.list(req.params.id)).map(presentComment),
    }));
    app.post(`${P}/consultations/:id/comments`, { config: writeLimit, schema: { tags, security: asResident, summary: 'Comment (verified resident of the area; rate-limited per resident)', params: id, body: z.object({ body: z.string().trim().min(2).max(2000) }), response: { 201: z.object({ id: z.uuid() }), ...errors(400, 401, 403, 404, 429) } } }, async (req, reply) =>
      reply.status(201).send(await svc.comments.post(await requireResident(req), req.params.id, req.body.body)),
    );
    app.post(`${P}/comments/:id/reports`, { config: writeLimit, schema: { tags, security: asResident, summary: 'Report a comment to the organisers', params: id, response: { 204: z.null(), ...errors(401, 404) } } }, async (req, reply) => {
      await svc.comments.report(await requireResident(req), req.params.id);
      return reply.status(204).send(null);
    });
    app.get(`${P}/meetings`, { schema: { tags, security, summary: 'Meetings calendar of an area (and of the areas above it)', querystring: z.object({ area: z.string().max(15).optional() }), response: { 200: z.object({ items: z.array(meeting) }), ...errors(404) } } }, async (req) => {
      const rows = await svc.consultations.meetingsAround(null, (await svc.areaPath(req.query.area)) ?? null);
      return { items: rows.map((m) => ({ id: m.id, consultationId: m.consultation_id, startsAt: m.starts_at.toISOString(), place: m.place, minutes: m.minutes, title: m.title })) };
    });

    app.get(`${P}/proposals`, { schema: { tags, security, summary: 'Residents’ proposals (居民提议)', querystring: proposalQuery, response: { 200: paged(proposal), ...errors(400, 404) } } }, async (req) => {
      const { page, pageSize, area, space: spaceId, status } = req.query;
      const r = await svc.proposals.list({ areaPath: await svc.areaPath(area), spaceId, status }, page, pageSize);
      return { ...r, items: r.items.map((p) => presentProposal(p)) };
    });
    app.get(`${P}/proposals/:id`, { schema: { tags, security, summary: 'A proposal, its answer and the result it led to', params: id, response: { 200: proposal, ...errors(404) } } }, async (req) => {
      const p = await svc.proposals.find(req.params.id);
      return presentProposal(p, (await svc.proposals.resultOf(p.id))?.id ?? null);
    });
    app.post(`${P}/proposals`, { config: writeLimit, schema: { tags, security: asResident, summary: 'Propose (verified resident of the space’s area)', body: newProposal, response: { 201: proposal, ...errors(400, 401, 403, 404) } } }, async (req, reply) =>
      reply.status(201).send(presentProposal(await svc.proposals.propose(await requireResident(req), req.body))),
    );
    app.post(`${P}/proposals/:id/supports`, { config: writeLimit, schema: { tags, security: asResident, summary: 'Support a proposal (附议), once per resident', params: id, response: { 201: proposal, ...errors(401, 403, 404, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentProposal(await svc.proposals.support(await requireResident(req), req.params.id))),
    );

    app.get(`${P}/results`, { schema: { tags, security, summary: 'Accepted outcomes and their progress (accountability)', querystring: resultQuery, response: { 200: paged(result), ...errors(400, 404) } } }, async (req) => {
      const { page, pageSize, area, unit } = req.query;
      const r = await svc.proposals.results({ areaPath: await svc.areaPath(area), unit }, page, pageSize);
      return { ...r, items: r.items.map(presentResult) };
    });
    app.get(`${P}/conventions`, { schema: { tags, security, summary: 'Residents’ conventions (居民公约): the text in force and every version', querystring: z.object({ area: z.string().max(15).optional() }), response: { 200: z.object({ items: z.array(convention) }), ...errors(404) } } }, async (req) => ({
      items: (await svc.conventions.list((await svc.areaPath(req.query.area)) ?? null)).map(presentConvention),
    }));
    app.get(`${P}/results/:id`, { schema: { tags, security, summary: 'An outcome with its progress updates', params: id, response: { 200: result, ...errors(404) } } }, async (req) => presentResult(await svc.proposals.result(req.params.id)));
  };
