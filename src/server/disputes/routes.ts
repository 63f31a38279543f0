import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { exportFormat, exportProduces, sendExport, type ExportFormat } from '../http/export.ts';
import { disputeExportColumns, presentDisputeExport } from './export.ts';
import { presentDispute, presentDisputeDetail } from './presenters.ts';
import { disputeDetail, disputeFilter, type DisputeFilter, disputeQuery, disputeSummary, dueFollowup, followupBody, newDispute, outcomeBody, reopenBody, sessionBody } from './schema.ts';
import type { DisputeService } from './service.ts';

const byCode = z.object({ code: z.string().regex(/^[0-9]{13}$/) });

export const disputeRoutes =
  (disputes: DisputeService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['disputes'];

    app.post('/api/v1/disputes', { schema: { tags, summary: 'Register a dispute (矛盾纠纷登记): a case through intake, with parties, type, risk, mediator', body: newDispute, response: { 201: disputeDetail, ...errors(400, 401, 403) } } }, async (req, reply) =>
      reply.status(201).send(presentDisputeDetail(await disputes.create(requireActor(req), req.body))),
    );

    const exportRegister = async (req: FastifyRequest, reply: FastifyReply, format: ExportFormat, filter: DisputeFilter) => {
      const actor = requireActor(req);
      return sendExport(req, reply, { format, name: 'disputes', columns: disputeExportColumns, fetchPage: (p, size) => disputes.list(actor, filter, p, size), present: presentDisputeExport(await disputes.areaNames()) });
    };

    app.get(
      '/api/v1/disputes',
      { schema: { tags, summary: 'Dispute register (台账) in my scope; ?format=csv|xlsx exports every matching row', querystring: disputeQuery.extend({ format: exportFormat }), produces: exportProduces, response: { 200: paged(disputeSummary), ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { page, pageSize, format, ...filter } = req.query;
        if (format === 'csv' || format === 'xlsx') return exportRegister(req, reply, format, filter);
        const result = await disputes.list(requireActor(req), filter, page, pageSize);
        return { ...result, items: result.items.map(presentDispute) };
      },
    );

    // kept for links already handed out: the same file as ?format=xlsx
    app.get('/api/v1/disputes/export.xlsx', { schema: { tags, summary: 'The filtered register as an XLSX workbook (same as ?format=xlsx)', querystring: disputeFilter, produces: exportProduces, response: { ...errors(400, 401, 403) } } }, async (req, reply) =>
      exportRegister(req, reply, 'xlsx', req.query),
    );

    app.get('/api/v1/disputes/followups/due', { schema: { tags, summary: '回访 due within the next days, and those overdue', querystring: z.object({ days: z.coerce.number().int().min(0).max(90).default(7) }), response: { 200: z.array(dueFollowup), ...errors(400, 401, 403) } } }, async (req) =>
      disputes.dueFollowups(requireActor(req), req.query.days),
    );

    app.get('/api/v1/disputes/:code', { schema: { tags, summary: 'One dispute: parties (masked), sessions, outcome, follow-ups', params: byCode, response: { 200: disputeDetail, ...errors(401, 403, 404) } } }, async (req) =>
      presentDisputeDetail(await disputes.get(requireActor(req), req.params.code)),
    );

    app.post('/api/v1/disputes/:code/sessions', { schema: { tags, summary: 'Record a mediation session (调解)', params: byCode, body: sessionBody, response: { 200: disputeDetail, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentDisputeDetail(await disputes.session(requireActor(req), req.params.code, req.body)),
    );

    app.post('/api/v1/disputes/:code/outcome', { schema: { tags, summary: 'Agreement (协议 + signed scan) or handover (诉调/访调/警调对接)', params: byCode, body: outcomeBody, response: { 200: disputeDetail, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentDisputeDetail(await disputes.outcome(requireActor(req), req.params.code, req.body)),
    );

    app.post('/api/v1/disputes/:code/followups', { schema: { tags, summary: 'Record the next follow-up visit (回访)', params: byCode, body: followupBody, response: { 200: disputeDetail, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentDisputeDetail(await disputes.followup(requireActor(req), req.params.code, req.body)),
    );

    app.post('/api/v1/disputes/:code/reopen', { schema: { tags, summary: 'Re-open a dispute that flared up again', params: byCode, body: reopenBody, response: { 200: disputeDetail, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentDisputeDetail(await disputes.reopen(requireActor(req), req.params.code, req.body.reason)),
    );
  };
