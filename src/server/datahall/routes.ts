import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import { secretDigest } from '../privacy/pii.ts';
import { presentAccess, presentRequest, presentResource } from './presenters.ts';
import {
  accessEntry, catalogueQuery, catalogueResource, chainHead, consumer, decisionBody, newConsumer, newRequest, requestQuery, resourcePatch,
  revokeBody, sharedPage, sharedQuery, sharingRequest, gradePatch, uploadBody, verifyResult,
} from './schema.ts';
import type { CatalogueService } from './service.ts';
import type { SharingService } from './sharing-service.ts';

/** Reads per minute one sharing key may make (per API node). */
export const SHARED_READS_PER_MINUTE = 120;

/** 数据大厅 routes: catalogue, uploads, consumer apps, requests and decisions, keys, shared reads, access log. */
export const datahallRoutes =
  (catalogue: CatalogueService, sharing: SharingService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['datahall'];
    const codeParam = z.object({ code: z.string().max(100) });
    const idParam = z.object({ id: z.string().max(64) });

    app.get('/api/v1/datahall/resources', { schema: { tags, summary: 'Search the catalogue (政务信息资源目录)', querystring: pageQuery.extend(catalogueQuery.shape), response: { 200: paged(catalogueResource), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, ...f } = req.query;
      const p = await catalogue.list(requireActor(req), f, page, pageSize);
      return { ...p, items: p.items.map(presentResource) };
    });
    app.get('/api/v1/datahall/resources/:code', { schema: { tags, summary: 'One resource with its fields and grades', params: codeParam, response: { 200: catalogueResource, ...errors(401, 403, 404) } } }, async (req) =>
      presentResource(await catalogue.get(requireActor(req), req.params.code)),
    );
    app.patch('/api/v1/datahall/resources/:code', { schema: { tags, summary: 'Grade a resource (GB/T 43697 grade, share and open type, approval)', params: codeParam, body: resourcePatch, response: { 200: catalogueResource, ...errors(400, 401, 403, 404) } } }, async (req) =>
      presentResource(await catalogue.grade(requireActor(req), req.params.code, req.body)),
    );
    app.patch(
      '/api/v1/datahall/resources/:code/fields/:field',
      { schema: { tags, summary: 'Grade one field; personal information can never be opened (400)', params: codeParam.extend({ field: z.string().max(63) }), body: gradePatch, response: { 200: catalogueResource, ...errors(400, 401, 403, 404) } } },
      async (req) => presentResource(await catalogue.gradeField(requireActor(req), req.params.code, req.params.field, req.body)),
    );
    app.post('/api/v1/datahall/uploads', { schema: { tags, summary: "Publish (or version) one of my department's datasets: CSV, XLSX or GeoJSON, base64", body: uploadBody, response: { 201: catalogueResource, ...errors(400, 401, 403, 409) } } }, async (req, reply) => {
      const { content, ...rest } = req.body;
      const view = await catalogue.upload(requireActor(req), { ...rest, bytes: Buffer.from(content, 'base64') });
      return reply.code(201).send(presentResource(view));
    });

    app.get('/api/v1/datahall/consumers', { schema: { tags, summary: 'External consumer apps', response: { 200: z.object({ items: z.array(consumer) }), ...errors(401, 403) } } }, async (req) => ({
      items: (await sharing.consumers(requireActor(req))).map((c) => ({ id: c.id, name: c.name, contact: c.contact, createdAt: c.created_at.toISOString() })),
    }));
    app.post('/api/v1/datahall/consumers', { schema: { tags, summary: 'Register an external consumer app', body: newConsumer, response: { 201: consumer, ...errors(400, 401, 403) } } }, async (req, reply) => {
      const c = await sharing.registerConsumer(requireActor(req), req.body);
      return reply.code(201).send({ id: c.id, name: c.name, contact: c.contact, createdAt: c.created_at.toISOString() });
    });

    app.post('/api/v1/datahall/requests', { schema: { tags, summary: 'Request fields of a resource for a purpose, an area and a period', body: newRequest, response: { 201: sharingRequest, ...errors(400, 401, 403, 404) } } }, async (req, reply) => {
      const b = req.body;
      const view = await sharing.request(requireActor(req), { ...b, validFrom: new Date(b.validFrom), validTo: new Date(b.validTo) });
      return reply.code(201).send(presentRequest(view));
    });
    app.get('/api/v1/datahall/requests', { schema: { tags, summary: 'Requests I made or that concern my data; inbox=true: waiting for my decision', querystring: pageQuery.extend(requestQuery.shape), response: { 200: paged(sharingRequest), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, inbox, state } = req.query;
      const p = await sharing.list(requireActor(req), { inbox: inbox === 'true', state }, page, pageSize);
      return { ...p, items: p.items.map(presentRequest) };
    });
    app.get('/api/v1/datahall/requests/:id', { schema: { tags, summary: 'One request', params: idParam, response: { 200: sharingRequest, ...errors(401, 403, 404) } } }, async (req) => presentRequest(await sharing.get(requireActor(req), req.params.id)));
    app.post('/api/v1/datahall/requests/:id/decision', { schema: { tags, summary: 'Approve (optionally narrowing fields) or refuse with a reason', params: idParam, body: decisionBody, response: { 200: sharingRequest, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentRequest(await sharing.decide(requireActor(req), req.params.id, req.body)),
    );
    app.post('/api/v1/datahall/requests/:id/key', { schema: { tags, summary: 'Issue (or rotate) the API key of an approved request; the key is shown only in this answer', params: idParam, response: { 201: z.object({ key: z.string(), request: sharingRequest }), ...errors(401, 403, 404, 409) } } }, async (req, reply) => {
      const { key, view } = await sharing.issueKey(requireActor(req), req.params.id);
      return reply.code(201).send({ key, request: presentRequest(view) });
    });
    app.post('/api/v1/datahall/requests/:id/revoke', { schema: { tags, summary: 'Revoke an approval and its keys at once', params: idParam, body: revokeBody, response: { 200: sharingRequest, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentRequest(await sharing.revoke(requireActor(req), req.params.id, req.body.reason)),
    );

    app.get(
      '/api/v1/datahall/shared/:resource',
      {
        schema: { tags, summary: 'Read shared rows with an X-API-Key: approved fields only, masked by grade, inside the approved area and period', security: [{ datahallKey: [] }], params: z.object({ resource: z.string().max(100) }), querystring: sharedQuery, response: { 200: sharedPage, ...errors(401, 403, 404, 429) } },
        config: { rateLimit: { max: SHARED_READS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req) => `dh:${secretDigest(String(req.headers['x-api-key'] ?? req.ip))}` } },
      },
      async (req) => {
        const key = req.headers['x-api-key'];
        const { page, pageSize, fields } = req.query;
        const r = await sharing.read(typeof key === 'string' ? key : undefined, req.params.resource, { fields: fields?.split(',').map((f) => f.trim()).filter(Boolean), page, pageSize });
        return { resource: req.params.resource, fields: r.fields, masked: r.masked, items: r.rows, total: r.total, page, pageSize };
      },
    );

    app.get('/api/v1/datahall/access-log', { schema: { tags, summary: 'Shared reads (共享访问日志): all for the data admin, reads of my data and through my keys otherwise', querystring: pageQuery.extend({ resource: z.string().max(100).optional() }), response: { 200: paged(accessEntry), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, resource } = req.query;
      const p = await sharing.accessLog(requireActor(req), { resource }, page, pageSize);
      return { ...p, items: p.items.map(presentAccess) };
    });
    app.get('/api/v1/datahall/access-log/verify', { schema: { tags, summary: 'Check the hash chain of the access log and every published daily head', response: { 200: verifyResult, ...errors(401, 403) } } }, async (req) => sharing.verify(requireActor(req)));
    app.get('/api/v1/public/datahall/chain-heads', { schema: { tags, summary: 'Published daily heads of the access-log chain (public)', security: [], querystring: z.object({ limit: z.coerce.number().int().min(1).max(366).default(30) }), response: { 200: z.object({ items: z.array(chainHead) }) } } }, async (req) => ({
      items: (await sharing.chainHeads(req.query.limit)).map((h) => ({ day: String(h.day), lastSeq: Number(h.last_seq), headHash: h.head_hash, entries: Number(h.entries), publishedAt: h.published_at.toISOString() })),
    }));
  };
