import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireActor } from '../../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../../../shared/paging.ts';
import { entityRoutes } from '../crud/routes.ts';
import { presentCreditEvent, presentOrganisation } from '../presenters.ts';
import { creditEvent, idParam, newCreditEvent, newOrganisation, organisation, organisationDetail, organisationPatch, organisationQuery } from '../../../../shared/registry/schema.ts';
import type { OrganisationService } from './service.ts';

/** 组织 organisations: CRUD, search, the map layer, and their credit record. */
export const organisationRoutes =
  (organisations: OrganisationService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['registry'];
    entityRoutes(app, {
      path: '/api/v1/organisations',
      summaries: {
        list: 'Organisations in my scope (组织)',
        geojson: 'Located organisations as a GeoJSON point layer',
        create: 'Register an organisation',
        get: 'One organisation, with the areas it sits in',
        update: 'Change an organisation',
        remove: 'Remove an organisation',
      },
      item: organisation,
      query: organisationQuery,
      geojsonFilters: { kind: organisationQuery.shape.kind },
      body: newOrganisation,
      patch: organisationPatch,
      conflicts: { create: true, update: true },
      presenter: () => presentOrganisation,
      service: organisations,
      detail: {
        response: organisationDetail,
        async load(actor, id) {
          const { row, place } = await organisations.detail(actor, id);
          return { ...presentOrganisation(row), place };
        },
      },
    });
    app.get(
      '/api/v1/organisations/:id/credit-events',
      { schema: { tags, summary: 'Credit record (信用事件), newest first', params: idParam, querystring: pageQuery, response: { 200: paged(creditEvent), ...errors(401, 403, 404) } } },
      async (req) => {
        const result = await organisations.creditEvents(requireActor(req), req.params.id, req.query.page, req.query.pageSize);
        return { ...result, items: result.items.map(presentCreditEvent) };
      },
    );
    app.post(
      '/api/v1/organisations/:id/credit-events',
      { schema: { tags, summary: 'Record a credit event', params: idParam, body: newCreditEvent, response: { 201: creditEvent, ...errors(400, 401, 403, 404) } } },
      async (req, reply) => reply.status(201).send(presentCreditEvent(await organisations.addCreditEvent(requireActor(req), req.params.id, req.body))),
    );
  };
