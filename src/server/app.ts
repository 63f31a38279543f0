import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditRoutes } from './audit/routes.ts';
import { registerBrain } from './brain/register.ts';
import { registerCases } from './cases/register.ts';
import type { CaseService } from './cases/service.ts';
import { triageRoutes } from './triage/routes.ts';
import { createTriageService } from './triage/service.ts';
import { open311Routes } from './open311/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { createCalendarService } from './calendar/service.ts';
import { createAuthService } from './auth/service.ts';
import type { Deps } from './context.ts';
import { ping } from './db/database.ts';
import { geoRoutes } from './geo/routes.ts';
import { createGeoService } from './geo/service.ts';
import { AppError } from './errors.ts';
import { installAuthHook } from './http/auth-hook.ts';
import { errors } from './http/paging.ts';
import { installProblemHandlers } from './http/problem.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { orgRoutes } from './org/routes.ts';
import { registerParticipation } from './participation/register.ts';
import { registryRoutes } from './registry/routes.ts';
import { createOrgService } from './org/service.ts';
import { taxonomyRoutes } from './taxonomy/routes.ts';
import type { Taxonomy } from './taxonomy/taxonomy.ts';
import { webRoutes } from './web/routes.ts';

export interface AppOptions {
  deps: Deps;
  taxonomy: Taxonomy;
  /** train the triage model right after start-up instead of on first use (the server does; tests do not) */
  warmTriage?: boolean;
}

/** Builds the HTTP app: wiring only. Routes are thin; rules live in the services created here. */
export async function buildApp({ deps, taxonomy, warmTriage = false }: AppOptions): Promise<FastifyInstance> {
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

  installSecurityHeaders(app, {
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
  app.addHook('onClose', await auth.startSessionCache());
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
  await app.register(orgRoutes(createOrgService(deps, auth)));
  await app.register(auditRoutes(deps));
  await app.register(taxonomyRoutes(taxonomy));
  // capability routes (one register line per capability, below)
  await app.register(calendarRoutes(createCalendarService(deps)));
  await app.register(geoRoutes(createGeoService(deps)));
  await app.register(registryRoutes(deps)); // 人·地·物·事·组织 base data and imports
  // Triage and cases need each other: intake asks triage for a category, triage asks cases for duplicates.
  let cases: CaseService | undefined;
  const triage = createTriageService(deps, { taxonomy, findDuplicates: (q) => (cases ? cases.findDuplicates(q) : Promise.resolve([])) });
  cases = await registerCases(app, deps, taxonomy, { classify: (text) => triage.classifyNow(text) }); // cases, dispatch catalogue, public tracking; `cases.intake` is the front door for other channels
  await app.register(triageRoutes(triage));
  if (warmTriage) app.addHook('onReady', async () => void setImmediate(() => void triage.warm()));
  await app.register(open311Routes(deps, taxonomy, cases)); // Open311 GeoReport v2 under /open311/v2/ and its API keys
  await registerBrain(app, deps, taxonomy, cases, auth); // City Brain: devices, telemetry, rules, alarms → cases, live operations
  await registerParticipation(app, deps, cases); // 协商议事: residents, consultations, polls, proposals, results (codes go to the demo outbox until the notification outbox lands)
  // the console's catch-all (index.html for client routes) must stay the last registration
  await app.register(webRoutes(deps, { cases })); // console + citizen portal (its public report files through `cases.intake`)

  return app;
}
