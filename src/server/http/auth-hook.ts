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

const passwordChangeOpen = new Set(['GET /api/v1/auth/me', 'POST /api/v1/auth/logout', 'POST /api/v1/auth/password', 'GET /api/v1/ui/config']);

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
    // A one-time password (an admin set it) opens only the way to replace it.
    if (actor.mustChangePassword && !passwordChangeOpen.has(`${req.method} ${req.url.split('?')[0]}`)) {
      throw new AppError(403, 'auth.password_change_required', 'your password was set by an administrator: change it first (POST /api/v1/auth/password)');
    }
  });
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError(401, 'auth.required', 'sign in first: send Authorization: Bearer <token>');
  return req.actor;
}
