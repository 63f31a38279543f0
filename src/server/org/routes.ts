import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged } from '../../../shared/paging.ts';
import { presentArea, presentDepartment, presentUser } from './presenters.ts';
import { area, areaCode, areaSettings, areaQuery, department, departmentBody, departmentCode, newArea, newUser, user, userPatch, userQuery } from '../../../shared/org.ts';
import type { OrgService } from './service.ts';

export const orgRoutes =
  (org: OrgService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['organisation'];

    app.get('/api/v1/areas', { schema: { tags, summary: 'Areas in my scope (行政区划)', querystring: areaQuery, response: { 200: paged(area), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await org.listAreas(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(presentArea) };
    });

    app.get(
      '/api/v1/areas/:code',
      { schema: { tags, summary: 'One area', params: z.object({ code: areaCode }), response: { 200: area, ...errors(401, 403, 404) } } },
      async (req) => presentArea(await org.getArea(requireActor(req), req.params.code)),
    );

    app.post('/api/v1/areas', { schema: { tags, summary: 'Create an area under a parent', body: newArea, response: { 201: area, ...errors(400, 401, 403, 404, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentArea(await org.createArea(requireActor(req), req.body))),
    );

    app.patch(
      '/api/v1/areas/:code',
      { schema: { tags, summary: "A grid's settings: verifyBeforeFiling (核实 before 立案 for citizen reports)", params: z.object({ code: areaCode }), body: areaSettings, response: { 200: area, ...errors(400, 401, 403, 404) } } },
      async (req) => presentArea(await org.setAreaSettings(requireActor(req), req.params.code, req.body)),
    );

    app.get('/api/v1/departments', { schema: { tags, summary: 'Handling units (部门)', response: { 200: z.array(department), ...errors(401, 403) } } }, async (req) =>
      (await org.listDepartments(requireActor(req))).map(presentDepartment),
    );

    app.put(
      '/api/v1/departments/:code',
      { schema: { tags, summary: 'Create or update a department', params: z.object({ code: departmentCode }), body: departmentBody, response: { 200: department, 201: department, ...errors(400, 401, 403, 404) } } },
      async (req, reply) => {
        const { created, department: d } = await org.saveDepartment(requireActor(req), { code: req.params.code, ...req.body });
        return reply.status(created ? 201 : 200).send(presentDepartment(d));
      },
    );

    app.get('/api/v1/users', { schema: { tags, summary: 'Accounts in my scope', querystring: userQuery, response: { 200: paged(user), ...errors(401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await org.listUsers(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(presentUser) };
    });

    app.get('/api/v1/users/:id', { schema: { tags, summary: 'One account', params: z.object({ id: z.uuid() }), response: { 200: user, ...errors(401, 403, 404) } } }, async (req) =>
      presentUser(await org.getUser(requireActor(req), req.params.id)),
    );

    app.post('/api/v1/users', { schema: { tags, summary: 'Create an account', body: newUser, response: { 201: user, ...errors(400, 401, 403, 404, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentUser(await org.createUser(requireActor(req), req.body))),
    );

    app.patch(
      '/api/v1/users/:id',
      { schema: { tags, summary: 'Change roles, scope, department, password or disable an account', params: z.object({ id: z.uuid() }), body: userPatch, response: { 200: user, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => presentUser(await org.updateUser(requireActor(req), req.params.id, req.body)),
    );
  };
