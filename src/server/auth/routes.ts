import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../../../shared/paging.ts';
import { loginBody, loginResponse, meResponse, passwordChangeBody } from '../../../shared/auth.ts';
import type { AuthService } from './service.ts';

export const authRoutes =
  (auth: AuthService, loginRatePerMinute: number): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/auth/login',
      {
        schema: { tags: ['auth'], summary: 'Sign in and get a bearer token', body: loginBody, response: { 200: loginResponse, ...errors(400, 401, 423, 429) } },
        config: { rateLimit: { max: loginRatePerMinute, timeWindow: '1 minute' } },
      },
      (req) => auth.login(req.body.username, req.body.password, { ip: req.ip, requestId: req.id }),
    );

    app.post(
      '/api/v1/auth/logout',
      { schema: { tags: ['auth'], summary: 'Revoke the current token', response: { 204: z.null(), ...errors(401) } } },
      async (req, reply) => {
        await auth.logout(requireActor(req), req.bearer!);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/auth/me',
      { schema: { tags: ['auth'], summary: 'Who am I: roles, scope and permissions', response: { 200: meResponse, ...errors(401) } } },
      async (req) => {
        const a = requireActor(req) as ReturnType<typeof requireActor> & { displayName?: string; expiresAt?: Date; mustChangePassword?: boolean };
        return {
          id: a.id,
          username: a.username,
          displayName: a.displayName ?? a.username,
          roles: [...a.roles],
          scope: a.scopePath,
          departmentCode: a.departmentCode,
          permissions: [...a.permissions].sort(),
          expiresAt: (a.expiresAt ?? new Date()).toISOString(),
          mustChangePassword: a.mustChangePassword ?? false,
        };
      },
    );

    app.post(
      '/api/v1/auth/password',
      { schema: { tags: ['auth'], summary: 'Change my own password (needed after an admin set it); other sessions end', body: passwordChangeBody, response: { 204: z.null(), ...errors(400, 401) } } },
      async (req, reply) => {
        await auth.changeOwnPassword(requireActor(req), req.bearer!, req.body.currentPassword, req.body.newPassword);
        return reply.status(204).send(null);
      },
    );
  };
