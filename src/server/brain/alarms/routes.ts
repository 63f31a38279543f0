import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../access/permissions.ts';
import type { AuthService } from '../../auth/service.ts';
import { AppError } from '../../errors.ts';
import { requireActor } from '../../http/auth-hook.ts';
import { errors, paged } from '../../../../shared/paging.ts';
import type { Brain } from '../brain.ts';
import { presentAlarm, presentRule } from '../presenters.ts';
import { exportFormat, exportProduces, sendExport } from '../../http/export.ts';
import { alarmExportColumns } from './export-columns.ts';
import { alarm, alarmCaseBody, alarmQuery, hotspotQuery, rule, ruleBody } from '../schema.ts';
import { streamLive } from '../stream.ts';

/** Alarms, alarm rules, and the live-operations endpoints (stats, sweep, dashboard, hotspots, SSE). */
export const alarmRoutes =
  (brain: Brain, auth: AuthService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['brain'];
    const params = z.object({ id: z.string().max(64) });

    app.get(
      '/api/v1/alarms',
      { schema: { tags, summary: 'Alarms in my scope (filters: deviceId, status, severity, type, area); ?format=csv|xlsx exports every matching row', querystring: alarmQuery.extend({ format: exportFormat }), produces: exportProduces, response: { 200: paged(alarm), ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { page, pageSize, format, ...filter } = req.query;
        const actor = requireActor(req);
        if (format === 'csv' || format === 'xlsx') {
          return sendExport(req, reply, { format, name: 'alarms', columns: alarmExportColumns, fetchPage: (p, size) => brain.alarms.list(actor, filter, p, size), present: presentAlarm });
        }
        const result = await brain.alarms.list(actor, filter, page, pageSize);
        return { ...result, items: result.items.map(presentAlarm) };
      },
    );

    app.get('/api/v1/alarms/:id', { schema: { tags, summary: 'One alarm', params, response: { 200: alarm, ...errors(401, 403, 404) } } }, async (req) =>
      presentAlarm(await brain.alarms.get(requireActor(req), req.params.id)),
    );

    app.post(
      '/api/v1/alarms/:id/acknowledge',
      { schema: { tags, summary: 'Acknowledge (确认) an active alarm; stops its escalation', params, body: z.object({ comment: z.string().trim().max(500).optional() }).optional(), response: { 200: alarm, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => presentAlarm(await brain.alarms.acknowledge(requireActor(req), req.params.id, req.body?.comment)),
    );

    app.post(
      '/api/v1/alarms/:id/clear',
      { schema: { tags, summary: 'Clear (解除) an alarm by hand, with a reason; noted on its case', params, body: z.object({ reason: z.string().trim().min(1).max(500) }), response: { 200: alarm, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => presentAlarm(await brain.alarms.clear(requireActor(req), req.params.id, req.body.reason)),
    );

    app.post(
      '/api/v1/alarms/:id/case',
      { schema: { tags, summary: 'Link the alarm to an open case (caseCode), or open a case through intake (category, else the rule\'s)', params, body: alarmCaseBody, response: { 200: alarm, ...errors(400, 401, 403, 404, 409, 503) } } },
      async (req) => presentAlarm(await brain.alarms.linkCase(requireActor(req), req.params.id, req.body)),
    );

    app.get('/api/v1/alarm-rules', { schema: { tags, summary: 'Alarm rules (预警规则)', response: { 200: z.array(rule), ...errors(401, 403) } } }, async (req) =>
      (await brain.rules.list(requireActor(req))).map(presentRule),
    );

    app.post('/api/v1/alarm-rules', { schema: { tags, summary: 'Create an alarm rule', body: ruleBody, response: { 201: rule, ...errors(400, 401, 403) } } }, async (req, reply) =>
      reply.status(201).send(presentRule(await brain.rules.create(requireActor(req), req.body))),
    );

    app.put('/api/v1/alarm-rules/:id', { schema: { tags, summary: 'Replace an alarm rule', params: z.object({ id: z.uuid() }), body: ruleBody, response: { 200: rule, ...errors(400, 401, 403, 404) } } }, async (req) =>
      presentRule(await brain.rules.update(requireActor(req), req.params.id, req.body)),
    );

    app.delete('/api/v1/alarm-rules/:id', { schema: { tags, summary: 'Delete an alarm rule', params: z.object({ id: z.uuid() }), response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await brain.rules.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.get('/api/v1/brain/stats', { schema: { tags, summary: 'Ingestion counters: received, accepted, rejected by reason, batches', response: { 200: z.record(z.string(), z.unknown()), ...errors(401, 403) } } }, async (req) =>
      brain.stats(requireActor(req)),
    );

    app.post('/api/v1/brain/sweep', { schema: { tags, summary: 'Run the sweeper now: no-data and duration rules, escalation, pending cases, rollups, retention', response: { 200: z.record(z.string(), z.unknown()), ...errors(401, 403) } } }, async (req) =>
      brain.sweep(requireActor(req)),
    );

    app.get('/api/v1/brain/dashboard', { schema: { tags, summary: 'City KPIs: open cases by state/category/area, overdue, alarms by severity, device online rate', response: { 200: z.record(z.string(), z.unknown()), ...errors(401, 403) } } }, async (req) =>
      brain.dashboard.kpis(requireActor(req)),
    );

    app.get('/api/v1/brain/hotspots', { schema: { tags, summary: 'Cases and alarms of a time window per H3 cell (e.g. window=24h&res=8)', querystring: hotspotQuery, response: { 200: z.record(z.string(), z.unknown()), ...errors(400, 401, 403) } } }, async (req) =>
      brain.dashboard.hotspots(requireActor(req), req.query.window, req.query.res),
    );

    app.get(
      '/api/v1/brain/stream',
      {
        schema: {
          tags,
          summary: 'Live feed (SSE) of alarms and case changes in my scope; EventSource passes ?ticket= (POST /api/v1/auth/stream-ticket)',
          querystring: z.object({ ticket: z.string().max(1000).optional() }),
          response: { 200: z.string().describe('text/event-stream'), ...errors(401, 403) },
        },
      },
      async (req, reply) => {
        // a stream ticket (never the session token) signs an EventSource in: http/sse-ticket.ts
        const actor: Actor | null = req.actor;
        if (!actor) throw new AppError(401, 'auth.required', 'sign in first: send Authorization: Bearer <token>, or ?ticket= from POST /api/v1/auth/stream-ticket');
        brain.streamGuard(actor);
        streamLive(req, reply, brain.events, brain.caseBus(), actor);
      },
    );
  };
