import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CaseRow } from '../cases/store.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { caseSummary } from '../../../shared/cases/schema.ts';
import { pulseView, drillQuery, indicatorsView, schemeCode, schemeView, scoresQuery, scoresView, trendQuery, trendView } from './schema.ts';
import type { EvaluationService } from './service.ts';
import { scoresWorkbook } from './xlsx.ts';

/** 综合评价 API (fixed in PRODUCT.md): indicators, schemes, scores (+ xlsx), trend, and the cases behind a number. */
export const evaluationRoutes =
  (evaluation: EvaluationService, presentCase: (c: CaseRow) => z.infer<typeof caseSummary>): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['evaluation'];
    app.get('/api/v1/evaluation/indicators', { schema: { tags, summary: 'Indicators with their published formulas', response: { 200: indicatorsView, ...errors(401, 403) } } }, async (req) =>
      evaluation.indicators(requireActor(req)),
    );
    app.get('/api/v1/evaluation/schemes', { schema: { tags, summary: 'Weight schemes (考核方案) per subject type', response: { 200: z.object({ items: z.array(schemeView) }), ...errors(401, 403) } } }, async (req) =>
      evaluation.listSchemes(requireActor(req)),
    );
    app.put(
      '/api/v1/evaluation/schemes/:code',
      // the body is checked by the service (schemeBody + the weight rules) so every refusal is one problem+json
      { schema: { tags, summary: 'Create or change a scheme (admin): ≥3 indicators, none above maxShare (30 %), satisfaction never dominant', params: schemeCode, body: z.unknown(), response: { 200: schemeView, ...errors(400, 401, 403) } } },
      async (req) => evaluation.putScheme(requireActor(req), req.params.code, req.body),
    );
    app.get('/api/v1/evaluation/scores', { schema: { tags, summary: 'Scores and ranking of departments, areas or posts over a period', querystring: scoresQuery, response: { 200: scoresView, ...errors(400, 401, 403, 404) } } }, async (req) =>
      evaluation.scores(requireActor(req), req.query),
    );
    app.get('/api/v1/evaluation/scores.xlsx', { schema: { tags, summary: 'The same scores as a spreadsheet', querystring: scoresQuery, response: { ...errors(400, 401, 403, 404) } } }, async (req, reply) => {
      const s = await evaluation.scores(requireActor(req), req.query);
      const bytes = await scoresWorkbook(s);
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="evaluation-${req.query.subject}-${s.from}-${s.to}.xlsx"`)
        .send(bytes as never); // a Buffer is sent as is, never through the JSON serializer
    });
    app.get('/api/v1/evaluation/trend', { schema: { tags, summary: 'Monthly score and indicator values of one subject', querystring: trendQuery, response: { 200: trendView, ...errors(400, 401, 403, 404) } } }, async (req) =>
      evaluation.trend(requireActor(req), req.query),
    );
    app.get('/api/v1/evaluation/cases', { schema: { tags, summary: 'The cases behind an indicator’s numerator or denominator (drill-down)', querystring: drillQuery, response: { 200: paged(caseSummary), ...errors(400, 401, 403, 404) } } }, async (req) => {
      const r = await evaluation.drill(requireActor(req), req.query);
      return { ...r, items: r.items.map(presentCase) };
    });
    app.get('/api/v1/evaluation/pulse', { schema: { tags, summary: "Today's intake and dispatches beside the 7-day average (big screen)", response: { 200: pulseView, ...errors(401, 403) } } }, async (req) =>
      evaluation.pulse(requireActor(req)),
    );
    app.post('/api/v1/evaluation/rebuild', { schema: { tags, summary: 'Recompute facts and rollups from the case events (admin)', response: { 200: z.object({ cases: z.number() }), ...errors(401, 403) } } }, async (req) =>
      evaluation.rebuild(requireActor(req)),
    );
  };
