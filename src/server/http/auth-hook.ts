import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../access/permissions.ts';
import type { AuthService } from '../auth/service.ts';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    bearer: string | null;
  }
}

/** Resolves the bearer token once per request; routes then ask `requireActor` for a signed-in user. */
export function installAuthHook(app: FastifyInstance, auth: AuthService) {
  app.decorateRequest('actor', null);
  app.decorateRequest('bearer', null);
  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    if (!header) return;
    const m = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header);
    if (!m) throw new AppError(401, 'auth.bad_token', 'the Authorization header must be "Bearer <token>"');
    const actor = await auth.authenticate(m[1]!);
    if (!actor) throw new AppError(401, 'auth.token_expired', 'the session has expired or was revoked; sign in again');
    req.actor = { ...actor, requestId: req.id };
    req.bearer = m[1]!;
  });
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError(401, 'auth.required', 'sign in first: send Authorization: Bearer <token>');
  return req.actor;
}
