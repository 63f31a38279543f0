import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { openDataset } from '../../../shared/datahall.ts';
import { errors } from '../../../shared/paging.ts';
import type { CkanApi } from './ckan.ts';
import type { createDcat } from './dcat.ts';
import { toJsonLd, toRdfXml, toTurtle } from './rdf-serialise.ts';
import type { OpenDataService } from './service.ts';

type Dcat = ReturnType<typeof createDcat>;
const rdfTypes = { ttl: 'text/turtle', jsonld: 'application/ld+json', rdf: 'application/rdf+xml' } as const;
type RdfExt = keyof typeof rdfTypes;

/** The public base URL as the caller reached us (behind a proxy too: trustProxy is on). */
const baseOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

/** Accept → serialisation for /catalog; Turtle when the client states no RDF preference. */
function negotiate(accept: string | undefined): RdfExt {
  const prefs = (accept ?? '').split(',').map((p) => {
    const [type, ...params] = p.trim().split(';');
    const q = params.map((x) => x.trim()).find((x) => x.startsWith('q='));
    return { type: type!.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
  });
  let best: { ext: RdfExt; q: number } = { ext: 'ttl', q: 0 };
  for (const [ext, type] of Object.entries(rdfTypes) as [RdfExt, string][]) {
    const hit = prefs.find((p) => p.type === type || (type === 'application/ld+json' && p.type === 'application/json'));
    if (hit && hit.q > best.q) best = { ext, q: hit.q };
  }
  return best.ext;
}

async function sendRdf(reply: FastifyReply, ext: RdfExt, quads: Awaited<ReturnType<Dcat['catalog']>>) {
  const body = ext === 'ttl' ? await toTurtle(quads) : ext === 'jsonld' ? JSON.stringify(toJsonLd(quads)) : toRdfXml(quads);
  return reply.header('content-type', `${rdfTypes[ext]}; charset=utf-8`).header('vary', 'Accept').send(body);
}

/** Open-data portal API, CKAN Action API (both prefixes CKAN serves) and DCAT-AP documents. */
export const openDataRoutes =
  (open: OpenDataService, ckan: CkanApi, dcat: Dcat): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['opendata'];
    // CKAN clients post forms as well as JSON.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));

    app.get('/api/v1/public/opendata/datasets', { schema: { tags, summary: 'Open datasets (public)', security: [], response: { 200: z.object({ items: z.array(openDataset) }) } } }, async () => ({ items: (await open.list()).map((d) => d.meta) }));
    app.get('/api/v1/public/opendata/datasets/:name', { schema: { tags, summary: 'One open dataset (public)', security: [], params: z.object({ name: z.string().max(100) }), response: { 200: openDataset, ...errors(404) } } }, async (req) => (await open.get(req.params.name)).meta);
    app.get(
      '/api/v1/public/opendata/datasets/:name/preview',
      {
        schema: {
          tags, summary: 'The first rows of an open dataset, for the preview table, chart and map (public)', security: [],
          params: z.object({ name: z.string().max(100) }), querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
          response: { 200: z.object({ meta: openDataset, total: z.number(), suppressed: z.number(), rows: z.array(z.record(z.string(), z.unknown())), geojson: z.unknown() }), ...errors(404) },
        },
      },
      async (req) => open.preview(req.params.name, req.query.limit),
    );
    app.get(
      '/api/v1/public/opendata/datasets/:name/download/:format',
      { schema: { tags, summary: 'Download an open dataset as csv, json, geojson or xlsx (public), with licence and update time', security: [], params: z.object({ name: z.string().max(100), format: z.enum(['csv', 'json', 'geojson', 'xlsx']) }), ...errors(404) } },
      async (req, reply) => {
        const d = await open.download(req.params.name, req.params.format);
        return reply
          .header('content-type', d.contentType)
          .header('content-disposition', `attachment; filename="${d.filename}"`)
          .header('last-modified', new Date(d.modified).toUTCString())
          .header('link', `<${d.licenseUrl}>; rel="license"`)
          .send(d.body);
      },
    );

    for (const prefix of ['/api/3/action', '/api/action']) {
      app.route({
        method: ['GET', 'POST'],
        url: `${prefix}/:action`,
        schema: { hide: true },
        handler: async (req, reply) => {
          const { action } = req.params as { action: string };
          const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
          const r = await ckan.call(action, { ...(req.query as Record<string, unknown>), ...body }, baseOf(req));
          return reply.code(r.status).header('content-type', 'application/json; charset=utf-8').send(r.body);
        },
      });
    }

    for (const ext of Object.keys(rdfTypes) as RdfExt[]) {
      app.get(`/catalog.${ext}`, { schema: { hide: true } }, async (req, reply) => sendRdf(reply, ext, await dcat.catalog(baseOf(req))));
    }
    app.get('/catalog', { schema: { hide: true } }, async (req, reply) => sendRdf(reply, negotiate(req.headers.accept), await dcat.catalog(baseOf(req))));
    app.get('/dataset/:file', { schema: { hide: true } }, async (req, reply) => {
      const file = (req.params as { file: string }).file;
      const m = /^([a-z0-9][a-z0-9_-]{1,99})(?:\.(ttl|jsonld|rdf))?$/.exec(file);
      if (!m) return reply.callNotFound();
      const ext: RdfExt = (m[2] as RdfExt | undefined) ?? negotiate(req.headers.accept);
      return sendRdf(reply, ext, await dcat.dataset(m[1]!, baseOf(req)));
    });
  };
