import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import { verifyAuditChain } from './verify.ts';

const entry = z.object({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  requestId: z.string().nullable(),
  detail: z.unknown(),
  /** null for a few hundred milliseconds after commit, until the sealer links the row into the chain (D6) */
  hash: z.string().nullable(),
});

export const auditRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['audit'];
    app.get(
      '/api/v1/audit',
      {
        schema: {
          tags,
          summary: 'Audit trail (审计日志), newest first',
          querystring: pageQuery.extend({ targetType: z.string().max(40).optional(), targetId: z.string().max(100).optional(), actor: z.string().max(64).optional(), action: z.string().max(64).optional() }),
          response: { 200: paged(entry), ...errors(401, 403) },
        },
      },
      async (req) => {
        assertCan(requireActor(req), 'audit.read');
        const { page, pageSize, ...filter } = req.query;
        const { items, total } = await deps.audit.page(deps.db, filter, page, pageSize);
        return {
          items: items.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, requestId: r.request_id, detail: r.detail, hash: r.hash })),
          total,
          page,
          pageSize,
        };
      },
    );

    app.get(
      '/api/v1/audit/verify',
      {
        schema: {
          tags,
          summary: 'Seal pending entries, then check the hash chain of the whole audit log',
          response: { 200: z.object({ ok: z.boolean(), checked: z.number(), broken: z.object({ seq: z.number(), reason: z.string() }).optional() }), ...errors(401, 403) },
        },
      },
      async (req) => {
        assertCan(requireActor(req), 'audit.verify');
        return verifyAuditChain(deps.db, deps.audit, { now: deps.clock.now() });
      },
    );
  };
