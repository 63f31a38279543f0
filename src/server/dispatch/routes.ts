import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { dispatchRule, dispatchRulePatch, dispatchRuleQuery, newDispatchRule, resolveQuery, responsible } from './schema.ts';
import type { DispatchService } from './service.ts';
import type { DispatchRuleRow } from './store.ts';

const present = (r: DispatchRuleRow): z.infer<typeof dispatchRule> => ({
  id: r.id,
  category: r.category,
  areaCode: r.area_code,
  departmentCode: r.department_code,
  coDepartments: r.co_departments,
  allowTerritorial: r.allow_territorial,
  note: r.note,
  updatedAt: r.updated_at.toISOString(),
});

export const dispatchRoutes =
  (dispatch: DispatchService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['dispatch'];
    const id = z.object({ id: z.uuid() });

    app.get('/api/v1/dispatch/rules', { schema: { tags, summary: 'Dispatch catalogue (权责清单)', querystring: dispatchRuleQuery, response: { 200: paged(dispatchRule), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await dispatch.listRules(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(present) };
    });

    app.get('/api/v1/dispatch/resolve', { schema: { tags, summary: 'Who is responsible for a category at an area', querystring: resolveQuery, response: { 200: responsible, ...errors(400, 401, 403, 404) } } }, async (req) => {
      const r = await dispatch.preview(requireActor(req), req.query.category, req.query.area ?? null);
      return { department: r.department, coDepartments: r.coDepartments, source: r.rule ? ('catalogue' as const) : ('taxonomy' as const), ruleId: r.rule?.id ?? null };
    });

    app.get('/api/v1/dispatch/rules/:id', { schema: { tags, summary: 'One catalogue rule', params: id, response: { 200: dispatchRule, ...errors(401, 403, 404) } } }, async (req) =>
      present(await dispatch.getRule(requireActor(req), req.params.id)),
    );

    app.post('/api/v1/dispatch/rules', { schema: { tags, summary: 'Add a rule (category × area → unit)', body: newDispatchRule, response: { 201: dispatchRule, ...errors(400, 401, 403, 404, 409) } } }, async (req, reply) =>
      reply.status(201).send(present(await dispatch.createRule(requireActor(req), req.body))),
    );

    app.patch('/api/v1/dispatch/rules/:id', { schema: { tags, summary: 'Change a rule', params: id, body: dispatchRulePatch, response: { 200: dispatchRule, ...errors(400, 401, 403, 404) } } }, async (req) =>
      present(await dispatch.updateRule(requireActor(req), req.params.id, req.body)),
    );

    app.delete('/api/v1/dispatch/rules/:id', { schema: { tags, summary: 'Remove a rule (the wider rule or the taxonomy default applies again)', params: id, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await dispatch.deleteRule(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });
  };
