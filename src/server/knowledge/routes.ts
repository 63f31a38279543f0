import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { importResult, knowledgeInput, knowledgeItem, listQuery, searchHit, searchQuery } from './schema.ts';
import type { KnowledgeService } from './service.ts';

const byId = z.object({ id: z.uuid() });
const MAX_IMPORT_BYTES = 10 * 1024 * 1024;

/** 知识库: search for staff and its public twin (办事指南), CRUD for admins and owners, XLSX import. */
export const knowledgeRoutes =
  (knowledge: KnowledgeService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['knowledge'];
    app.get('/api/v1/knowledge/search', { schema: { tags, summary: 'Best catalogue items for an enquiry (jieba + pg_trgm + synonyms)', querystring: searchQuery, response: { 200: z.object({ items: z.array(searchHit) }), ...errors(400, 401, 403) } } }, async (req) => ({
      items: await knowledge.search(requireActor(req), req.query.q, req.query.limit),
    }));
    app.get(
      '/api/v1/public/knowledge/search',
      { config: { rateLimit: { max: 60, timeWindow: '1 minute' } }, schema: { tags: ['public'], summary: '办事指南: search the service catalogue', security: [], querystring: searchQuery, response: { 200: z.object({ items: z.array(searchHit) }), ...errors(400, 429) } } },
      async (req) => ({ items: await knowledge.publicSearch(req.query.q, req.query.limit) }),
    );
    app.get('/api/v1/public/knowledge/items/:id', { config: { rateLimit: { max: 120, timeWindow: '1 minute' } }, schema: { tags: ['public'], summary: 'One catalogue item', security: [], params: byId, response: { 200: knowledgeItem, ...errors(404, 429) } } }, async (req) =>
      knowledge.get(null, req.params.id),
    );
    app.get('/api/v1/knowledge/items', { schema: { tags, summary: 'Catalogue items (filter by department, overdue review)', querystring: listQuery, response: { 200: paged(knowledgeItem), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      return knowledge.list(requireActor(req), filter, page, pageSize);
    });
    app.get('/api/v1/knowledge/items/:id', { schema: { tags, summary: 'One catalogue item', params: byId, response: { 200: knowledgeItem, ...errors(401, 403, 404) } } }, async (req) => knowledge.get(requireActor(req), req.params.id));
    app.post('/api/v1/knowledge/items', { schema: { tags, summary: 'Add an item', body: knowledgeInput, response: { 201: knowledgeItem, ...errors(400, 401, 403) } } }, async (req, reply) =>
      reply.status(201).send(await knowledge.create(requireActor(req), req.body)),
    );
    app.put('/api/v1/knowledge/items/:id', { schema: { tags, summary: 'Change an item (admin or its owner)', params: byId, body: knowledgeInput, response: { 200: knowledgeItem, ...errors(400, 401, 403, 404) } } }, async (req) =>
      knowledge.update(requireActor(req), req.params.id, req.body),
    );
    app.delete('/api/v1/knowledge/items/:id', { schema: { tags, summary: 'Remove an item', params: byId, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await knowledge.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });
    app.post(
      '/api/v1/knowledge/items/:id/answers',
      { schema: { tags, summary: 'Record that this item answered a 直接办结 case', params: byId, body: z.object({ caseCode: z.string().regex(/^[0-9]{13}$/) }), response: { 200: z.object({ caseCode: z.string(), knowledgeItemId: z.string() }), ...errors(400, 401, 403, 404, 409) } } },
      async (req) => knowledge.recordAnswer(requireActor(req), req.params.id, req.body.caseCode),
    );
    // the spreadsheet is the body itself (no multipart), so the size cap applies before parsing
    app.register(async (scoped) => {
      scoped.addContentTypeParser(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));
      scoped.post('/api/v1/knowledge/import', { schema: { tags, summary: 'Import items from an XLSX sheet (标题, 部门, 办理条件, 申请材料, 办理流程, 收费标准, 办理时限, 办理地点, 网上办理, 生效日期, 失效日期, 负责人, 复核日期)', response: { 200: importResult, ...errors(400, 401, 403, 413, 415) } } }, async (req) => {
        if (!Buffer.isBuffer(req.body)) throw new AppError(415, 'knowledge.not_xlsx', 'send the XLSX file as the request body');
        return knowledge.importXlsx(requireActor(req), req.body);
      });
    });
  };
