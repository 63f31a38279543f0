import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, problem, type Problem } from '../errors.ts';

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.status(p.status).type('application/problem+json').send(p);
}

// Fastify's own error codes, mapped to stable product codes the console can translate.
const fastifyCodes: Record<string, [number, string, string]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'request.malformed_json', 'the request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'request.empty_body', 'the request body is empty but declared as JSON'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'request.too_large', 'the request body is larger than the server accepts'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'request.unsupported_media_type', 'this content type is not accepted here'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'request.bad_length', 'content-length does not match the body'],
  FST_ERR_VALIDATION: [400, 'request.invalid', 'the request does not match the expected shape'],
};

/** Every 4xx/5xx leaves as application/problem+json with type, title, status, detail and a stable code. */
export function installProblemHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) return sendProblem(reply, problem(err.status, err.code, err.message, err.extra));

    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({
        path: `${err.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
        message: v.message ?? 'invalid',
      }));
      const first = errors[0];
      return sendProblem(reply, problem(400, 'request.invalid', first ? `${first.path}: ${first.message}` : 'invalid request', { errors }));
    }
    if (err instanceof SyntaxError && 'statusCode' in err) {
      return sendProblem(reply, problem(400, 'request.malformed_json', 'the request body is not valid JSON'));
    }
    const known = err.code ? fastifyCodes[err.code] : undefined;
    if (known) return sendProblem(reply, problem(known[0], known[1], known[2]));

    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) {
      req.log.error({ err }, 'unhandled error');
      return sendProblem(reply, problem(status, 'server.error', 'something went wrong on our side; the request id helps support find it', { requestId: req.id }));
    }
    return sendProblem(reply, problem(status, 'request.error', err.message));
  });

  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(404, 'route.not_found', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
}
