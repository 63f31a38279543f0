import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import { verifyAuditChain } from './verify.ts';
import { exportFormat, exportProduces, sendExport, type ExportColumn } from '../http/export.ts';
import type { AuditRow } from './store.ts';

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

type Entry = z.infer<typeof entry>;
const presentEntry = (r: AuditRow): Entry => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, requestId: r.request_id, detail: r.detail, hash: r.hash });

/** The audit export: the same entries the screen lists (services never put clear PII in an entry's detail). */
const auditExportColumns: readonly ExportColumn<Entry>[] = [
  { zh: '序号', en: 'Seq', value: (e) => e.seq },
  { zh: '时间', en: 'At', value: (e) => e.at },
  { zh: '操作人', en: 'Actor', value: (e) => e.actor },
  { zh: '操作', en: 'Action', value: (e) => e.action },
  { zh: '对象类型', en: 'Object type', value: (e) => e.targetType },
  { zh: '对象', en: 'Object', value: (e) => e.targetId },
  { zh: '请求编号', en: 'Request id', value: (e) => e.requestId ?? '' },
  { zh: '详情', en: 'Detail', value: (e) => JSON.stringify(e.detail ?? {}) },
  { zh: '链哈希', en: 'Hash', value: (e) => e.hash ?? '' },
];

export const auditRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['audit'];
    app.get(
      '/api/v1/audit',
      {
        schema: {
          tags,
          summary: 'Audit trail (审计日志), newest first; filter by actor, action, object and time; ?format=csv|xlsx exports every matching entry',
          querystring: pageQuery.extend({
            targetType: z.string().max(40).optional(),
            targetId: z.string().max(100).optional(),
            actor: z.string().max(64).optional(),
            action: z.string().max(64).optional(),
            from: z.iso.datetime({ offset: true }).optional(),
            to: z.iso.datetime({ offset: true }).optional(),
            format: exportFormat,
          }),
          produces: exportProduces,
          response: { 200: paged(entry), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        assertCan(actor, 'audit.read');
        const { page, pageSize, format, from, to, ...rest } = req.query;
        const filter = { ...rest, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined };
        const fetchPage = async (p: number, size: number) => ({ ...(await deps.audit.page(deps.db, filter, p, size)), page: p, pageSize: size });
        if (format === 'csv' || format === 'xlsx') return sendExport(req, reply, { format, name: 'audit', columns: auditExportColumns, fetchPage, present: presentEntry });
        const { items, total } = await fetchPage(page, pageSize);
        return { items: items.map(presentEntry), total, page, pageSize };
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
