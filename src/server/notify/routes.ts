import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import { caseCode, publicCase } from '../../../shared/cases/schema.ts';
import type { CaseService } from '../cases/service.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { deliverResult, outboxItem, outboxQuery, preference, ratingByCode } from './schema.ts';
import type { NotifyService } from './service.ts';
import type { OutboxRow } from './store.ts';

const present = (r: OutboxRow & { case_code: string | null }) => ({
  id: r.id,
  recipientType: r.recipient_type,
  channel: r.channel,
  event: r.event,
  caseCode: r.case_code,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at.toISOString(),
  deliveredVia: r.delivered_via,
  subject: r.subject,
  body: r.body,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  sentAt: r.sent_at?.toISOString() ?? null,
});

/** 送达: the outbox for admins, staff channel preferences, and the public rating by six-digit code. */
export const notifyRoutes =
  (notify: NotifyService, cases: CaseService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['notify'];
    app.get('/api/v1/notify/outbox', { schema: { tags, summary: 'Delivery outbox: status per message, dead letters, the dev outbox', querystring: outboxQuery, response: { 200: paged(outboxItem), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await notify.listOutbox(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(present) };
    });

    app.post('/api/v1/notify/outbox/:id/retry', { schema: { tags, summary: 'Send a dead letter again', params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: outboxItem, ...errors(401, 403, 404, 409) } } }, async (req) => {
      const row = await notify.retry(requireActor(req), req.params.id);
      return present({ ...row, case_code: null });
    });

    app.post('/api/v1/notify/outbox/deliver', { schema: { tags, summary: 'Run one delivery tick now (the background worker does this every few seconds)', response: { 200: deliverResult, ...errors(401, 403) } } }, async (req) => {
      assertCan(requireActor(req), 'notify.manage');
      return notify.deliverDue();
    });

    app.get('/api/v1/notify/preferences', { schema: { tags, summary: 'How I get my notifications (in-app, email, SMS)', response: { 200: preference, ...errors(401, 403) } } }, async (req) => notify.preference(requireActor(req)));

    app.put('/api/v1/notify/preferences', { schema: { tags, summary: 'Choose how I get my notifications', body: preference, response: { 200: preference, ...errors(400, 401, 403) } } }, async (req) =>
      notify.setPreference(requireActor(req), { channel: req.body.channel, ...(req.body.email ? { email: req.body.email } : {}), ...(req.body.phone ? { phone: req.body.phone } : {}) }),
    );

    app.post(
      '/api/v1/public/cases/:code/rating-code',
      { config: { rateLimit: { max: 20, timeWindow: '1 minute' } }, schema: { tags: ['public'], summary: 'Rate the answer (评价) with the six-digit rating code and your phone', security: [], params: z.object({ code: caseCode }), body: ratingByCode, response: { 200: publicCase, ...errors(400, 403, 404, 409, 429) } } },
      async (req) => {
        await notify.rateByCode(req.params.code, req.body);
        const { row: _row, ...view } = await cases.publicView(req.params.code);
        return view;
      },
    );
  };
