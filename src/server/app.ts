import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditRoutes } from './audit/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { createAuthService } from './auth/service.ts';
import type { Deps } from './context.ts';
import { ping } from './db/database.ts';
import { AppError } from './errors.ts';
import { installAuthHook } from './http/auth-hook.ts';
import { errors } from './http/paging.ts';
import { installProblemHandlers } from './http/problem.ts';
import { orgRoutes } from './org/routes.ts';
import { createOrgService } from './org/service.ts';
import { taxonomyRoutes } from './taxonomy/routes.ts';
import type { Taxonomy } from './taxonomy/taxonomy.ts';

export interface AppOptions {
  deps: Deps;
  taxonomy: Taxonomy;
}

/** Builds the HTTP app: wiring only. Routes are thin; rules live in the services created here. */
export async function buildApp({ deps, taxonomy }: AppOptions): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Accept a caller's request id (from a gateway) when it looks sane, so logs join up across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  // Kept so a test can prove the OpenAPI document lists every route the server really has.
  const routeList: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routeList.push({ method, url: r.url });
  });
  app.decorate('routeList', routeList);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", 'https:'],
      },
    },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) =>
      new AppError(429, 'request.rate_limited', `too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`, { retryAfter: Math.ceil(ctx.ttl / 1000) }),
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'CivicGrid API', description: 'Municipal social governance platform (市域社会治理)', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  const auth = createAuthService(deps);
  installAuthHook(app, auth);

  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Liveness', security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));
  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Readiness: the database answers', security: [], response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), ...errors(503) } } },
    async () => {
      try {
        await ping(deps.db);
      } catch {
        throw new AppError(503, 'server.database_unavailable', 'the database does not answer');
      }
      return { status: 'ready' as const, database: deps.dbKind };
    },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(authRoutes(auth, config.LOGIN_RATE_LIMIT_PER_MINUTE));
  await app.register(orgRoutes(createOrgService(deps)));
  await app.register(auditRoutes(deps));
  await app.register(taxonomyRoutes(taxonomy));
  // capability routes (one register line per capability, below)

  return app;
}
