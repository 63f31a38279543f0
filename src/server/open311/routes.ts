import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import { contentTypes, renderErrors, renderList, renderObject, splitFormat, type Open311Format, type Open311Value } from './format.ts';
import type { Open311KeyService } from './keys.ts';
import { Open311Error, parseForm, toParams } from './params.ts';
import { toOpen311Error, type Open311Service } from './service.ts';
import type { ApiKeyRow } from './store.ts';

/**
 * Open311 GeoReport v2 under /open311/v2/ (JSON and XML by suffix) and the admin API for its keys. One
 * register line in app.ts; the wire protocol lives in its own encapsulated plugin so its error and not-found
 * handlers answer `[{code, description}]` instead of problem+json.
 */
export const open311Routes =
  (keys: Open311KeyService, open311: Open311Service): FastifyPluginAsync =>
  async (app) => {
    await app.register(keyRoutes(keys));
    await app.register(wireRoutes(open311), { prefix: '/open311/v2' });
  };

const tags = ['open311'];
const formatParam = z.object({ format: z.string().describe('json or xml') });
const fileParam = z.object({ file: z.string().describe('id with a .json or .xml suffix') });
const anyQuery = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const anyBody = z.record(z.string(), z.unknown()).describe('form-encoded (application/x-www-form-urlencoded) or JSON parameters as in GeoReport v2');

/** The format a request asked for, from the suffix of its last path segment (for errors before routing). */
function formatOfUrl(url: string): Open311Format {
  return /\.xml$/i.test(url.split('?')[0]!) ? 'xml' : 'json';
}

function send(reply: FastifyReply, format: Open311Format, status: number, body: string) {
  return reply.status(status).type(contentTypes[format]).send(body);
}

function sendError(reply: FastifyReply, format: Open311Format, err: Open311Error) {
  return send(reply, format, err.status, renderErrors(format, [{ code: err.status, description: err.message }]));
}

const fastifyClientErrors: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send parameters form-encoded (application/x-www-form-urlencoded) or as JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is too large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'the request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the request body is empty',
};

const wireRoutes =
  (open311: Open311Service): FastifyPluginAsyncZod =>
  async (app) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, parseForm(body as string)));

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const format = formatOfUrl(req.url);
      const mapped = toOpen311Error(err);
      if (mapped) return sendError(reply, format, mapped);
      if (hasZodFastifySchemaValidationErrors(err)) return sendError(reply, format, new Open311Error(400, `${err.validationContext ?? 'request'}: ${err.validation[0]?.message ?? 'invalid'}`));
      const known = err.code ? fastifyClientErrors[err.code] : undefined;
      if (known) return sendError(reply, format, new Open311Error(400, known));
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendError(reply, format, new Open311Error(400, err.message));
      req.log.error({ err }, 'open311 error');
      return sendError(reply, format, new Open311Error(500, `internal error; request id ${req.id}`));
    });
    const notFound = (req: FastifyRequest) => new Open311Error(404, `no Open311 resource ${req.method} ${req.url.split('?')[0]}`);
    app.setNotFoundHandler((req, reply) => sendError(reply, formatOfUrl(req.url), notFound(req)));
    // The web console's catch-all GET would otherwise answer unknown Open311 paths with problem+json. Named
    // parameters rather than a wildcard keep the OpenAPI document and the route table in the same notation.
    for (const url of ['/:resource', '/:resource/:item']) {
      app.get(url, { schema: { tags, summary: 'Any other Open311 path: a 404 error document', security: [] } }, async (req) => {
        throw notFound(req);
      });
    }

    /** The format of a `.json`/`.xml` route (or JSON without a suffix); any other suffix is not a resource. */
    const fmt = (req: FastifyRequest): Open311Format => {
      const f = (req.params as { format?: string }).format;
      if (f === undefined) return 'json';
      const lower = f.toLowerCase();
      if (lower !== 'json' && lower !== 'xml') throw new Open311Error(404, `unknown format .${f}; use .json or .xml`);
      return lower;
    };
    const file = (req: FastifyRequest) => {
      const split = splitFormat((req.params as { file: string }).file);
      if (!split) throw new Open311Error(404, 'unknown format; use .json or .xml');
      return split;
    };
    const params = (req: FastifyRequest) => toParams(req.method === 'GET' ? req.query : req.body);
    const list = (reply: FastifyReply, format: Open311Format, root: string, item: string, rows: Record<string, Open311Value | undefined>[], status = 200) =>
      send(reply, format, status, renderList(format, root, item, rows));
    const base = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
    const withTotal = (reply: FastifyReply, total: number) => reply.header('x-total-count', String(total));

    // Each document is served with a suffix (the spec) and without one (JSON), so naive clients work too.
    for (const suffix of ['.:format', '']) {
      const get = (summary: string) => ({ schema: { tags, summary, security: [], querystring: anyQuery, ...(suffix ? { params: formatParam } : {}) } });
      const post = (summary: string) => ({ schema: { tags, summary, security: [], body: anyBody, ...(suffix ? { params: formatParam } : {}) } });

      app.get(`/discovery${suffix}`, get('GeoReport v2 discovery'), async (req, reply) =>
        send(reply, fmt(req), 200, renderObject(fmt(req), 'discovery', open311.discovery(`${base(req)}/open311/v2/`))),
      );
      app.get(`/services${suffix}`, get('Services: the taxonomy leaves (事项小类)'), async (req, reply) => list(reply, fmt(req), 'services', 'service', await open311.services()));
      app.post(`/requests${suffix}`, post('Create a service request (needs api_key); becomes a case'), async (req, reply) =>
        list(reply, fmt(req), 'service_requests', 'request', await open311.submit(params(req), req.id)), // 200, as GeoReport v2 says
      );
      app.get(`/requests${suffix}`, get('Service requests: service_request_id, service_code, start_date/end_date (≤ 90 days), status, page, page_size'), async (req, reply) => {
        const { rows, total } = await open311.listRequests(params(req), base(req));
        return list(withTotal(reply, total), fmt(req), 'service_requests', 'request', rows);
      });
      app.get(`/servicerequestupdates${suffix}`, get('Updates on service requests (mySociety extension): start_date/end_date, page, page_size'), async (req, reply) => {
        const { rows, total } = await open311.listUpdates(params(req), base(req));
        return list(withTotal(reply, total), fmt(req), 'service_request_updates', 'request_update', rows);
      });
      app.post(`/servicerequestupdates${suffix}`, post('Post an update on a service request (mySociety extension; needs api_key)'), async (req, reply) =>
        list(reply, fmt(req), 'service_request_updates', 'request_update', await open311.postUpdate(params(req), req.id)),
      );
    }

    const getOne = (summary: string) => ({ schema: { tags, summary, security: [], params: fileParam, querystring: anyQuery } });
    app.get('/services/:file', getOne('Service definition with attributes'), async (req, reply) => {
      const { name, format } = file(req);
      return send(reply, format, 200, renderObject(format, 'service_definition', await open311.definition(name)));
    });
    app.get('/requests/:file', getOne('One service request (an array of one)'), async (req, reply) => {
      const { name, format } = file(req);
      return list(reply, format, 'service_requests', 'request', await open311.getRequest(name, base(req)));
    });
    app.get('/tokens/:file', getOne('The service_request_id of a token'), async (req, reply) => {
      const { name, format } = file(req);
      return list(reply, format, 'service_requests', 'request', await open311.token(name));
    });
  };

// ---- admin: API keys

const keyView = z.object({
  id: z.string(),
  consumer: z.string(),
  prefix: z.string(),
  departmentCode: z.string().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
const presentKey = (k: ApiKeyRow): z.infer<typeof keyView> => ({
  id: k.id,
  consumer: k.consumer,
  prefix: k.key_prefix,
  departmentCode: k.department_code,
  createdAt: k.created_at.toISOString(),
  revokedAt: k.revoked_at?.toISOString() ?? null,
  lastUsedAt: k.last_used_at?.toISOString() ?? null,
});

const keyRoutes =
  (keys: Open311KeyService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['open311'];
    app.get(
      '/api/v1/open311/keys',
      { schema: { tags, summary: 'Open311 API keys (接入密钥)', querystring: pageQuery.extend({ includeRevoked: z.enum(['true', 'false']).default('false') }), response: { 200: paged(keyView), ...errors(401, 403) } } },
      async (req) => {
        const result = await keys.list(requireActor(req), req.query.includeRevoked === 'true', req.query.page, req.query.pageSize);
        return { ...result, items: result.items.map(presentKey) };
      },
    );
    app.post(
      '/api/v1/open311/keys',
      {
        schema: {
          tags,
          summary: 'Issue a key to an external system; the key is shown only in this answer',
          body: z.object({ consumer: z.string().trim().min(1).max(100), departmentCode: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/).nullable().optional() }),
          response: { 201: keyView.extend({ key: z.string() }), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { key, row } = await keys.create(requireActor(req), req.body);
        return reply.status(201).send({ ...presentKey(row), key });
      },
    );
    app.delete(
      '/api/v1/open311/keys/:id',
      { schema: { tags, summary: 'Revoke a key', params: z.object({ id: z.uuid() }), response: { 200: keyView, ...errors(400, 401, 403, 404) } } },
      async (req) => presentKey(await keys.revoke(requireActor(req), req.params.id)),
    );
  };
