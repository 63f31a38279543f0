import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditRoutes } from './audit/routes.ts';
import { registerDisputes } from './disputes/register.ts';
import { authRoutes } from './auth/routes.ts';
import { registerBrain } from './brain/register.ts';
import { calendarRoutes } from './calendar/routes.ts';
import { registerCases } from './cases/register.ts';
import type { Deps } from './context.ts';
import { ping } from './db/database.ts';
import { AppError } from './errors.ts';
import { geoRoutes } from './geo/routes.ts';
import { installAuthHook } from './http/auth-hook.ts';
import { errors, problemSchema } from '../../shared/paging.ts';
import { installProblemHandlers } from './http/problem.ts';
import { frameworkErrors, installInputGuard } from './http/input-guard.ts';
import { createSseTickets, installSseTicketHook, sseTicketRoutes } from './http/sse-ticket.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { open311Routes } from './open311/routes.ts';
import { orgRoutes } from './org/routes.ts';
import { registerParticipation } from './participation/register.ts';
import { registryRoutes } from './registry/routes.ts';
import type { Services } from './services.ts';
import { taxonomyRoutes } from './taxonomy/routes.ts';
import type { Taxonomy } from './taxonomy/taxonomy.ts';
import { triageRoutes } from './triage/routes.ts';
import type { TriageModelSource } from './triage/worker.ts';
import { webRoutes } from './web/routes.ts';
import { datahallRoutes } from './datahall/routes.ts';
import { openDataRoutes } from './opendata/routes.ts';
import { registerNotify } from './notify/register.ts';
import { evaluationRoutes } from './evaluation/routes.ts';
import { settingsRoutes } from './settings/routes.ts';
import { createEvaluationService } from './evaluation/service.ts';

export interface AppOptions {
  deps: Deps;
  taxonomy: Taxonomy;
  /** every service of the process, from createServices (services.ts) */
  services: Services;
  /** train the triage model right after start-up instead of on first use (the server does; tests do not) */
  warmTriage?: boolean;
  /**
   * where warming gets the model from: the triage worker started at the top of the boot (main.ts), which
   * decodes the cached model or trains off the main thread; closed once the model is in
   */
  triageSource?: TriageModelSource;
}

/** Builds the HTTP app: wiring only. Routes are thin; rules live in the services, built in services.ts. */
export async function buildApp({ deps, taxonomy, services, warmTriage = false, triageSource }: AppOptions): Promise<FastifyInstance> {
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
    frameworkErrors, // 414 for an over-long path parameter, as problem+json (Open311's shape under /open311)
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  installInputGuard(app); // no NUL or lone surrogate in any string of any request (before every route below)
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
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // a consumer system's data hall key (sharing approved per field, area and period)
          datahallKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          // a verified resident's participation session (separate from staff sessions)
          residentToken: { type: 'apiKey', in: 'header', name: 'X-Resident-Token' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  const { auth } = services;
  app.addHook('onClose', await auth.startSessionCache());
  // what intake asks of every case (is the place disabled? which taxonomy version?), kept until it changes (0050)
  app.addHook('onClose', await services.org.startCache());
  app.addHook('onClose', await services.taxonomy.startCache());
  installAuthHook(app, auth);
  const sseTickets = createSseTickets(deps.pii, deps.clock);
  installSseTicketHook(app, sseTickets, auth); // GET …/stream?ticket= (EventSource sends no headers; no token in URLs)

  // What is still warming up after start (the server trains or loads the triage model in the background;
  // test apps, which never warm it, are ready at once). Load balancers wait for /healthz 200 before routing.
  const warming = (): string[] => (warmTriage && !services.triage.isReady() ? ['triage'] : []);
  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'Up and ready to serve (503 while warming up)', security: [], response: { 200: z.object({ status: z.literal('ok') }), ...errors(503) } } },
    async () => {
      const w = warming();
      if (w.length > 0) throw new AppError(503, 'server.warming', `still warming up: ${w.join(', ')}`);
      return { status: 'ok' as const };
    },
  );
  const readiness = z.object({ status: z.enum(['ready', 'warming']), ready: z.boolean(), warming: z.array(z.string()), database: z.string() });
  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Readiness: the database answers and nothing is warming up', security: [], response: { 200: readiness, 503: readiness.or(problemSchema) } } },
    async (_req, reply) => {
      try {
        await ping(deps.db);
      } catch {
        throw new AppError(503, 'server.database_unavailable', 'the database does not answer');
      }
      const w = warming();
      if (w.length > 0) reply.code(503);
      return { status: w.length > 0 ? ('warming' as const) : ('ready' as const), ready: w.length === 0, warming: w, database: deps.dbKind };
    },
  );
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(authRoutes(auth, config.LOGIN_RATE_LIMIT_PER_MINUTE));
  await app.register(orgRoutes(services.org));
  await app.register(auditRoutes(deps));
  await app.register(taxonomyRoutes(taxonomy, services.taxonomy));

  // capability routes: one register line (or one short block) per capability, its services from `services`
  const { cases, triage } = services;
  await app.register(calendarRoutes(services.calendar));
  await app.register(geoRoutes(services.geo));
  await app.register(registryRoutes(services.registry, config.IMPORT_MAX_BYTES)); // 人·地·物·事·组织 base data and imports
  await registerCases(app, services); // cases, notifications, dispatch catalogue, public tracking; `cases.intake` is the front door for other channels
  await app.register(triageRoutes(triage));
  // Warming starts now, not once the app is ready: its database reads (closed cases, corrections) run in the
  // database thread while this thread registers the remaining routes (issue #19, restart time).
  if (warmTriage) void triage.warm(triageSource).finally(() => triageSource?.close());
  if (triageSource) app.addHook('onClose', () => triageSource.close());
  await app.register(open311Routes(services.open311Keys, services.open311)); // Open311 GeoReport v2 under /open311/v2/ and its API keys
  await registerBrain(app, services.brain, auth); // City Brain: devices, telemetry, rules, alarms → cases, live operations
  // 数据大厅 catalogue, sharing keys, access log; open data with the CKAN Action API and DCAT (outside /api/v1)
  const { datahall } = services;
  await app.register(datahallRoutes(datahall.catalogue, datahall.sharing));
  await app.register(openDataRoutes(datahall.openData, datahall.ckan, datahall.dcat));
  // 送达 + 回访 + 知识库: delivered notices (outbox drained by startNotifyJobs), callbacks, the service catalogue
  await registerNotify(app, services.notify, cases);
  await app.register(sseTicketRoutes(sseTickets)); // POST /api/v1/auth/stream-ticket: a 60 s ticket for one live feed

  await app.register(evaluationRoutes(services.evaluation, cases.present)); // 综合评价: indicators, schemes, scores, trends, drill-down
  await registerDisputes(app, services.disputes); // 矛盾纠纷 register, 风险预警 warnings, grid field work (巡查/走访/排查)
  await registerParticipation(app, services.participation); // 协商议事: residents, consultations, polls, proposals, results
  await app.register(settingsRoutes(services.settings)); // 系统设置 (issue #18)
  // the console's catch-all (index.html for client routes) must stay the last registration
  await app.register(webRoutes(deps, { cases })); // console + citizen portal (its public report files through `cases.intake`)

  return app;
}
