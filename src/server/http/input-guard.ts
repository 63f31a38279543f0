import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, problem } from '../errors.ts';
import { contentTypes, renderErrors } from '../open311/format.ts';
import { sendProblem } from './problem.ts';

/**
 * The one string rule at the edge, for every route and every schema: no U+0000 and no lone UTF-16 surrogate
 * in any string a request carries (path parameters, query, JSON/form body, multipart fields). PostgreSQL
 * cannot store either (`invalid byte sequence … 0x00`, `unsupported Unicode escape sequence` into jsonb), so
 * letting them through turned a caller's mistake into a 500 half-way through a write; no legitimate text
 * contains them. Checked once here instead of field by field, so a new field cannot forget it.
 */

const NUL = '\u0000';
// a high surrogate not followed by a low one, or a low one not preceded by a high one
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Fastify's maxParamLength (its default, which the app keeps) */
const MAX_PARAM = 100;
/** deeper than any shape the API accepts; a body nested further is refused rather than walked */
const MAX_DEPTH = 32;

/** Why a string breaks the rule, or null when it is fine. */
export function badStringReason(s: string): string | null {
  if (s.includes(NUL)) return 'contains the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  return null;
}

function refuse(path: string, reason: string): AppError {
  return new AppError(400, 'request.bad_text', `${path} ${reason}`, { errors: [{ path, message: reason }] });
}

/** Throws a 400 naming the first field (or key) that breaks the rule, e.g. `body.reporter.name`. */
export function assertCleanStrings(value: unknown, path: string, depth = 0): void {
  if (typeof value === 'string') {
    const reason = badStringReason(value);
    if (reason) throw refuse(path, reason);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) throw new AppError(400, 'request.too_deep', `${path} is nested more than ${MAX_DEPTH} levels deep`);
  if (Buffer.isBuffer(value)) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertCleanStrings(v, `${path}[${i}]`, depth + 1));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const reason = badStringReason(k);
    if (reason) throw refuse(`${path} key`, reason);
    assertCleanStrings(v, `${path}.${k}`, depth + 1);
  }
}

type Part = { type: 'file' | 'field'; fieldname: string; value?: unknown };
type PartsFn = (this: FastifyRequest, ...args: unknown[]) => AsyncIterableIterator<Part>;

/** Installs the rule as hooks on the root app: every route registered after this line is covered. */
export function installInputGuard(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    // A GET whose parameter is too long for its route falls through to the console's catch-all (`/*`), which
    // would answer an API client with the console's 404: answer it as the router does for other methods.
    const route = req.routeOptions.url ?? '';
    const path = req.url.split('?')[0]!;
    if (!route.startsWith('/api') && !route.startsWith('/open311') && /^\/(api|open311)\//.test(path) && path.split('/').some((s) => s.length > MAX_PARAM)) {
      return frameworkErrors(Object.assign(new Error('too long'), { code: 'FST_ERR_MAX_PARAM_LENGTH' }) as FastifyError, req, reply);
    }
    const type = req.headers['content-type'];
    // busboy throws a plain Error (a 500) on multipart without a boundary; it is the caller's malformed request
    if (typeof type === 'string' && /^multipart\//i.test(type) && !/;\s*boundary=("?)[^";\s]+\1/i.test(type)) {
      throw new AppError(400, 'request.multipart_boundary', 'multipart content-type without a boundary parameter; let the HTTP client set the content type of a form');
    }
  });
  app.addHook('preValidation', async (req) => {
    assertCleanStrings(req.params, 'params');
    assertCleanStrings(req.query, 'query');
    assertCleanStrings(req.body, 'body');
  });
  // Multipart fields are read by the handler as a stream; the same rule applies to each field as it is read.
  app.addHook('preHandler', async (req) => {
    const parts = (req as unknown as { parts?: PartsFn }).parts;
    if (typeof parts !== 'function' || !req.isMultipart?.()) return;
    (req as unknown as { parts: PartsFn }).parts = function guardedParts(this: FastifyRequest, ...args: unknown[]) {
      const inner = parts.apply(this, args);
      return (async function* () {
        for await (const part of inner) {
          if (part.type === 'field') assertCleanStrings(part.value, `body.${part.fieldname}`);
          else assertCleanStrings(part.fieldname, 'body key');
          yield part;
        }
      })();
    };
  });
}

/**
 * Errors Fastify raises before a route is found (`frameworkErrors`): an over-long path parameter (414) or a
 * malformed percent-encoding (400). Under /open311 they answer in GeoReport v2's `[{code, description}]`.
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const detail = tooLong ? 'a path parameter is longer than 100 characters' : 'the URL is not validly percent-encoded';
  const path = req.url.split('?')[0]!;
  if (/^\/open311(\/|$)/.test(path)) {
    const format = /\.xml$/i.test(path) ? 'xml' : 'json';
    return reply.status(status).type(contentTypes[format]).send(renderErrors(format, [{ code: status, description: detail }]));
  }
  return sendProblem(reply, problem(status, tooLong ? 'request.param_too_long' : 'request.bad_url', detail));
}
