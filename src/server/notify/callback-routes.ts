import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, pageQuery, paged } from '../../../shared/paging.ts';
import type { CallbackService } from './callback-service.ts';
import type { CallbackRow } from './callback-store.ts';

const queueItem = z.object({
  id: z.number(),
  caseCode: z.string(),
  reason: z.enum(['complaint', 'sample', 'unsatisfied']),
  tries: z.number(),
  category: z.string().nullable(),
  nature: z.string().nullable(),
  state: z.string(),
  department: z.string().nullable(),
  queuedAt: z.string(),
  closedAt: z.string(),
  script: z.string(),
});

const callbackView = z.object({ id: z.number(), status: z.enum(['queued', 'done', 'unreachable']), outcome: z.string().nullable(), followUp: z.string().nullable(), tries: z.number(), at: z.string().nullable() });
const present = (r: CallbackRow) => ({ id: r.id, status: r.status, outcome: r.outcome, followUp: r.follow_up, tries: r.tries, at: r.at?.toISOString() ?? null });
const byId = z.object({ id: z.coerce.number().int().positive() });

/** 回访 queue for clerks. */
export const callbackRoutes =
  (callbacks: CallbackService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['callbacks'];
    app.get('/api/v1/callbacks', { schema: { tags, summary: '回访 queue: closed cases to call back (不满意 and 投诉 first)', querystring: pageQuery, response: { 200: paged(queueItem), ...errors(400, 401, 403) } } }, async (req) =>
      callbacks.queue(requireActor(req), req.query.page, req.query.pageSize),
    );
    app.get('/api/v1/callbacks/:id/script', { schema: { tags, summary: 'The call script with the rating code', params: byId, response: { 200: z.object({ script: z.string() }), ...errors(401, 403, 404) } } }, async (req) =>
      callbacks.scriptFor(requireActor(req), req.params.id),
    );
    app.post(
      '/api/v1/callbacks/:id/outcome',
      { schema: { tags, summary: 'Record the callback: 满意 / 基本满意 / 不满意 (reopens) / unreachable', params: byId, body: z.object({ outcome: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable']), note: z.string().trim().max(500).optional() }), response: { 200: callbackView, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => present(await callbacks.record(requireActor(req), req.params.id, req.body)),
    );
    app.post('/api/v1/callbacks/sample', { schema: { tags, summary: 'Sample newly closed cases into the queue now (the worker does this continuously)', response: { 200: z.object({ queued: z.number() }), ...errors(401, 403) } } }, async (req) => {
      assertCan(requireActor(req), 'ops.run');
      return { queued: await callbacks.sampleCallbacks() };
    });
  };
