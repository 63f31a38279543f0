import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../../../shared/paging.ts';
import { correctionBody, correctionResponse, statusResponse, triageBody, triageResponse } from './schema.ts';
import type { TriageService } from './service.ts';

export const triageRoutes =
  (triage: TriageService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['triage'];
    app.post(
      '/api/v1/triage',
      { schema: { tags, summary: 'Suggest category, department, nature and urgency for an appeal (智能分拨), with near-duplicate open cases', body: triageBody, response: { 200: triageResponse, ...errors(400, 401, 403) } } },
      (req) => triage.triage(requireActor(req), req.body),
    );
    app.post(
      '/api/v1/triage/corrections',
      { schema: { tags, summary: 'A dispatcher corrects the category; the model learns it at once', body: correctionBody, response: { 201: correctionResponse, ...errors(400, 401, 403) } } },
      async (req, reply) => reply.status(201).send(await triage.correct(requireActor(req), req.body)),
    );
    app.get(
      '/api/v1/triage/status',
      { schema: { tags, summary: 'Training size and the calibrated auto-dispatch threshold', response: { 200: statusResponse, ...errors(401, 403, 503) } } },
      (req) => triage.status(requireActor(req)),
    );
  };
