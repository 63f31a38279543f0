import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import { AppError } from '../errors.ts';
import { requireActor } from '../http/auth-hook.ts';
import { exportFormat, exportProduces, sendExport } from '../http/export.ts';
import { caseExportColumns } from './export-columns.ts';
import { cursorPaged, errors, paged } from '../../../shared/paging.ts';
import { MAX_ATTACHMENT_BYTES } from './attachments.ts';
import type { NotificationService } from './notifications.ts';
import { presentAttachment } from './presenters.ts';
import { actionBody, attachmentView, caseCode, caseDetail, caseQuery, caseSummary, duplicatesQuery, intakeResult, newCase, notification, notificationQuery, reporterClear, revealBody } from '../../../shared/cases/schema.ts';
import type { CaseService } from './service.ts';
import type { CaseAction } from '../../../shared/cases/state-machine.ts';
import { streamCaseChanges } from './stream.ts';
import { caseMapQuery, caseMapView } from '../../../shared/cases/map.ts';
import { ratingCodeFor } from '../notify/rating-code.ts';

export const caseRoutes =
  (cases: CaseService, notifications: NotificationService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['cases'];
    // Encapsulated in this plugin (as the registry's import routes do theirs): a second app-wide registration
    // would clash with theirs. One file per request, size-capped before bytes reach the service.
    await app.register(fastifyMultipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5, parts: 6 } });
    const byCode = z.object({ code: caseCode });

    app.post('/api/v1/cases', { schema: { tags, summary: 'Intake (受理): one front door for every channel', body: newCase, response: { 201: intakeResult, ...errors(400, 401, 403) } } }, async (req, reply) => {
      const actor = requireActor(req);
      const result = await cases.intake(actor, req.body);
      return reply.status(201).send({ ...cases.intakeView(result, actor), duplicates: result.duplicates, ratingToken: result.ratingToken, ratingCode: ratingCodeFor(cases.core.deps.pii, result.case.id) });
    });

    app.get(
      '/api/v1/cases',
      { schema: { tags, summary: 'Cases in my scope, newest first; page by ?cursor= (keyset) or ?page=; ?format=csv|xlsx exports every matching row (masked as listed)', querystring: caseQuery.extend({ format: exportFormat }), produces: exportProduces, response: { 200: cursorPaged(caseSummary), ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { page, pageSize, source, channel, format, cursor, ...rest } = req.query;
        const actor = requireActor(req);
        const filter = { ...rest, channel: channel ?? source };
        if (format === 'csv' || format === 'xlsx') {
          return sendExport(req, reply, { format, name: 'cases', columns: caseExportColumns, fetchPage: (p, size) => cases.list(actor, filter, p, size), present: cases.present });
        }
        const result = await cases.list(actor, { ...filter, cursor }, page, pageSize);
        return { ...result, items: result.items.map(cases.present) };
      },
    );

    // Registered before /:code so "stream", "map" and "duplicates" are never read as a case code.
    app.get('/api/v1/cases/stream', { schema: { tags, summary: 'Live feed of case changes in my scope (server-sent events)', response: { ...errors(401, 403) } } }, async (req, reply) => {
      const actor = requireActor(req);
      assertCan(actor, 'case.read');
      streamCaseChanges(req, reply, cases.core.bus, actor);
    });

    app.get(
      '/api/v1/cases/map',
      { schema: { tags, summary: 'Open cases in view (地图): counts per H3 cell at low zoom, the cases at street zoom (15+), in my scope', querystring: caseMapQuery, response: { 200: caseMapView, ...errors(400, 401, 403) } } },
      async (req) => cases.mapView(requireActor(req), req.query),
    );

    app.get('/api/v1/cases/duplicates', { schema: { tags, summary: 'Open cases near a point with similar text (并单 candidates)', querystring: duplicatesQuery, response: { 200: z.array(z.object({ caseCode: z.string(), score: z.number() })), ...errors(400, 401, 403) } } }, async (req) => {
      const actor = requireActor(req);
      assertCan(actor, 'case.read');
      return cases.findDuplicates({ ...req.query, scopePath: actor.scopePath });
    });

    app.get('/api/v1/cases/:code', { schema: { tags, summary: 'One case with its timeline, deadlines and attachments', params: byCode, response: { 200: caseDetail, ...errors(401, 403, 404) } } }, async (req) =>
      cases.detail(await cases.get(requireActor(req), req.params.code)),
    );

    app.post(
      '/api/v1/cases/:code/actions',
      { schema: { tags, summary: 'Move a case on: 立案, 派遣, 签收, 退单, 改派, 延期, 挂账, 反馈, 核查, 返工, 结案, 评价 …', params: byCode, body: actionBody, response: { 200: caseDetail, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => {
        const { action, ...input } = req.body;
        const updated = await cases.act(requireActor(req), req.params.code, action as CaseAction, input);
        return cases.detail(updated);
      },
    );

    app.post(
      '/api/v1/cases/:code/reporter/reveal',
      { schema: { tags, summary: "Reveal the reporter's contacts (查看明文), audited with a purpose", params: byCode, body: revealBody, response: { 200: reporterClear, ...errors(400, 401, 403, 404) } } },
      async (req) => cases.revealReporter(requireActor(req), req.params.code, req.body.purpose),
    );

    app.post(
      '/api/v1/cases/:code/attachments',
      { schema: { tags, summary: 'Upload a photo or document (multipart, field "file")', params: byCode, consumes: ['multipart/form-data'], response: { 201: attachmentView, ...errors(400, 401, 403, 404, 413, 415) } } },
      async (req, reply) => {
        const actor = requireActor(req);
        if (!req.isMultipart()) throw new AppError(415, 'attachment.not_multipart', 'send the file as multipart/form-data in a field named "file"');
        const file = await req.file();
        if (!file) throw new AppError(400, 'attachment.missing', 'no file in the request');
        let bytes: Buffer;
        try {
          bytes = await file.toBuffer();
        } catch (err) {
          if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError(413, 'attachment.too_large', 'the file is larger than the server accepts');
          throw err;
        }
        const row = await cases.attachments.add(actor, req.params.code, { fileName: file.filename, bytes });
        return reply.status(201).send(presentAttachment(row));
      },
    );

    app.get(
      '/api/v1/cases/:code/attachments/:id',
      { schema: { tags, summary: 'Download an attachment (original)', params: byCode.extend({ id: z.uuid() }), response: { ...errors(401, 403, 404) } } },
      async (req, reply) => {
        const { row, bytes } = await cases.attachments.original(requireActor(req), req.params.code, req.params.id);
        return reply.type(row.content_type).header('content-disposition', `attachment; filename="${row.file_name}"`).header('x-content-type-options', 'nosniff').send(bytes as never); // a Buffer is sent as is, never through the JSON serializer
      },
    );

    app.get('/api/v1/notifications', { schema: { tags: ['notifications'], summary: 'My notifications (通知): dispatches, objections, supervision cards', querystring: notificationQuery, response: { 200: paged(notification), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await notifications.list(requireActor(req), filter, page, pageSize);
      return {
        ...result,
        items: result.items.map((n) => ({ id: n.id, kind: n.kind, title: n.title, body: n.body, caseCode: n.case_code, read: n.read_at !== null, createdAt: n.created_at.toISOString() })),
      };
    });

    app.post('/api/v1/notifications/:id/read', { schema: { tags: ['notifications'], summary: 'Mark a notification read', params: z.object({ id: z.coerce.number().int().positive() }), response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await notifications.markRead(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.post('/api/v1/admin/sweep', { schema: { tags: ['ops'], summary: 'Run the supervision sweep now (督办: yellow and red cards)', response: { 200: z.object({ yellow: z.number(), red: z.number() }), ...errors(401, 403) } } }, async (req) => {
      assertCan(requireActor(req), 'ops.run');
      return cases.runSupervisionSweep();
    });
  };
