import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../shared/paging.ts';
import { presentArea, presentDepartment, presentUser } from './presenters.ts';
import {
  area,
  areaCode,
  areaPatch,
  areaQuery,
  department,
  departmentBody,
  departmentCode,
  departmentPatch,
  departmentQuery,
  newArea,
  newDepartment,
  newUser,
  orgImportBody,
  orgImportResult,
  orgTreeRow,
  user,
  userPatch,
  userQuery,
} from '../../../shared/org.ts';
import { exportFormat, exportProduces, sendExport } from '../http/export.ts';
import { orgTreeColumns } from './tree-file.ts';
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

    app.get(
      '/api/v1/departments',
      { schema: { tags, summary: 'Handling units (部门); q matches code or name', querystring: departmentQuery, response: { 200: z.array(department), ...errors(400, 401, 403) } } },
      async (req) => (await org.listDepartments(requireActor(req), req.query)).map(presentDepartment),
    );

    app.post('/api/v1/departments', { schema: { tags, summary: 'Create a department (新增单位)', body: newDepartment, response: { 201: department, ...errors(400, 401, 403, 404, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentDepartment(await org.createDepartment(requireActor(req), req.body))),
    );

    app.patch(
      '/api/v1/departments/:code',
      { schema: { tags, summary: 'Change or disable (active: false) a department', params: z.object({ code: departmentCode }), body: departmentPatch, response: { 200: department, ...errors(400, 401, 403, 404) } } },
      async (req) => presentDepartment(await org.updateDepartment(requireActor(req), req.params.code, req.body)),
    );

    app.patch(
      '/api/v1/areas/:code',
      { schema: { tags, summary: "Rename an area (its code carries the hierarchy and never changes) and/or a grid's settings: verifyBeforeFiling (核实 before 立案 for citizen reports)", params: z.object({ code: areaCode }), body: areaPatch, response: { 200: area, ...errors(400, 401, 403, 404) } } },
      async (req) => presentArea(await org.updateArea(requireActor(req), req.params.code, req.body)),
    );

    app.get(
      '/api/v1/org/tree',
      {
        schema: {
          tags,
          summary: 'The org tree (areas in my scope and departments) as rows; ?format=csv|xlsx downloads the file the import reads',
          querystring: pageQuery.extend({ format: exportFormat }),
          produces: exportProduces,
          response: { 200: paged(orgTreeRow), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { page, pageSize, format } = req.query;
        const rows = await org.treeRows(requireActor(req));
        const slice = (p: number, size: number) => Promise.resolve({ items: rows.slice((p - 1) * size, p * size), total: rows.length, page: p, pageSize: size });
        if (format === 'csv' || format === 'xlsx') return sendExport(req, reply, { format, name: 'org-tree', columns: orgTreeColumns, fetchPage: slice, present: (r) => r });
        return slice(page, pageSize);
      },
    );

    app.post(
      '/api/v1/org/import',
      { schema: { tags, summary: 'Import the org tree from CSV/XLSX (base64): all rows valid or nothing written; row errors by code', body: orgImportBody, response: { 200: orgImportResult, ...errors(400, 401, 403) } } },
      async (req) => org.importTree(requireActor(req), { filename: req.body.filename, bytes: Buffer.from(req.body.content, 'base64'), dryRun: req.body.dryRun }),
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
