import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { warning, warningKinds, warningLevels, warningStatuses } from '../../../shared/disputes.ts';
import { requireActor } from '../http/auth-hook.ts';
import { enumList, errors, paged, pageQuery } from '../../../shared/paging.ts';
import type { RiskService } from './service.ts';
import type { WarningListRow } from './store.ts';

const warningQuery = pageQuery.extend({
  status: enumList(warningStatuses),
  kind: z.enum(warningKinds).optional(),
  level: z.enum(warningLevels).optional(),
  area: z.string().regex(/^[0-9]{6,20}$/).optional(),
});
const actionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('acknowledge') }).strict(),
  z.object({ action: z.literal('assign'), assignee: z.string().min(1).max(64) }).strict(),
  z.object({ action: z.literal('resolve'), reason: z.string().trim().max(2000).optional() }).strict(),
  z.object({ action: z.literal('dismiss'), reason: z.string().trim().min(1, 'say why the warning is dismissed').max(2000) }).strict(),
]);

/** What leaves the API: the area by code and name, the linked cases by public code; never the phone's blind index. */
export function presentWarning(w: WarningListRow): z.infer<typeof warning> {
  return {
    id: Number(w.id),
    kind: w.kind,
    level: w.level,
    status: w.status,
    area: { code: w.area_code, name: w.area_name },
    ...(w.h3 ? { h3: w.h3 } : {}),
    ...(w.category ? { category: w.category } : {}),
    count: w.count,
    ...(w.baseline !== null ? { baseline: w.baseline } : {}),
    explanation: w.explanation,
    caseCodes: w.case_codes,
    openedAt: w.opened_at.toISOString(),
    updatedAt: w.updated_at.toISOString(),
    assignee: w.assignee_name,
    reason: w.reason,
    lon: w.lon === null ? null : Number(w.lon),
    lat: w.lat === null ? null : Number(w.lat),
  };
}

export const riskRoutes =
  (risk: RiskService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['warnings'];
    app.get('/api/v1/warnings', { schema: { tags, summary: 'Risk warnings (风险预警) in my scope', querystring: warningQuery, response: { 200: paged(warning), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await risk.list(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(presentWarning) };
    });
    app.get('/api/v1/warnings/:id', { schema: { tags, summary: 'One warning', params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: warning, ...errors(401, 403, 404) } } }, async (req) =>
      presentWarning(await risk.get(requireActor(req), req.params.id)),
    );
    app.post(
      '/api/v1/warnings/:id/actions',
      { schema: { tags, summary: 'Acknowledge, assign, resolve or dismiss (with a reason) a warning', params: z.object({ id: z.coerce.number().int().positive() }), body: actionBody, response: { 200: warning, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => presentWarning(await risk.act(requireActor(req), req.params.id, req.body)),
    );
    app.post('/api/v1/ops/jobs/risk-scan', { schema: { tags: ['ops'], summary: 'Run the risk scan now', response: { 200: z.object({ opened: z.number().int(), updated: z.number().int() }), ...errors(401, 403) } } }, async (req) =>
      risk.scanNow(requireActor(req)),
    );
  };
