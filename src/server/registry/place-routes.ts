import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../http/paging.ts';
import type { ComponentService } from './components/service.ts';
import type { HouseService } from './houses/service.ts';
import type { OrganisationService } from './organisations/service.ts';
import { presentComponent, presentCreditEvent, presentHouse, presentOrganisation, presentPerson, toFeature } from './presenters.ts';
import {
  component,
  componentPatch,
  componentQuery,
  creditEvent,
  featureCollection,
  geojsonQuery,
  house,
  houseDetail,
  housePatch,
  houseQuery,
  idParam,
  newComponent,
  newCreditEvent,
  newHouse,
  newOrganisation,
  organisation,
  organisationPatch,
  organisationQuery,
} from './schema.ts';

const geojson = 'application/geo+json';
const pointProps = <T extends z.ZodObject>(s: T) => s.omit({ lon: true, lat: true });

/** Houses, organisations and components: CRUD, search, and point layers for the map. */
export const placeRoutes =
  (houses: HouseService, organisations: OrganisationService, components: ComponentService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['registry'];

    // ---- 房屋 houses
    app.get('/api/v1/houses', { schema: { tags, summary: 'Houses in my scope (房屋)', querystring: houseQuery, response: { 200: paged(house), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await houses.list(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(presentHouse) };
    });
    app.get(
      '/api/v1/houses.geojson',
      { schema: { tags, summary: 'Located houses as a GeoJSON point layer', querystring: geojsonQuery.extend({ rental: houseQuery.shape.rental }), response: { 200: featureCollection(pointProps(house)), ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { limit, ...filter } = req.query;
        const { items, truncated } = await houses.located(requireActor(req), filter, limit);
        return reply.type(geojson).send({ type: 'FeatureCollection' as const, features: items.map((h) => toFeature(presentHouse(h))), truncated });
      },
    );
    app.post('/api/v1/houses', { schema: { tags, summary: 'Register a house', body: newHouse, response: { 201: house, ...errors(400, 401, 403, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentHouse(await houses.create(requireActor(req), req.body))),
    );
    app.get('/api/v1/houses/:id', { schema: { tags, summary: 'One house with its residents and tenants', params: idParam, response: { 200: houseDetail, ...errors(401, 403, 404) } } }, async (req) => {
      const { house: h, residents } = await houses.get(requireActor(req), req.params.id);
      return { ...presentHouse(h), residents: residents.map(presentPerson).map((p) => ({ id: p.id, name: p.name, kind: p.kind, houseRelation: p.houseRelation })) };
    });
    app.patch('/api/v1/houses/:id', { schema: { tags, summary: 'Change a house', params: idParam, body: housePatch, response: { 200: house, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      presentHouse(await houses.update(requireActor(req), req.params.id, req.body)),
    );
    app.delete('/api/v1/houses/:id', { schema: { tags, summary: 'Remove a house', params: idParam, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await houses.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });

    // ---- 组织 organisations
    app.get('/api/v1/organisations', { schema: { tags, summary: 'Organisations in my scope (组织)', querystring: organisationQuery, response: { 200: paged(organisation), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const result = await organisations.list(requireActor(req), filter, page, pageSize);
      return { ...result, items: result.items.map(presentOrganisation) };
    });
    app.get(
      '/api/v1/organisations.geojson',
      { schema: { tags, summary: 'Located organisations as a GeoJSON point layer', querystring: geojsonQuery.extend({ kind: organisationQuery.shape.kind }), response: { 200: featureCollection(pointProps(organisation)), ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { limit, ...filter } = req.query;
        const { items, truncated } = await organisations.located(requireActor(req), filter, limit);
        return reply.type(geojson).send({ type: 'FeatureCollection' as const, features: items.map((o) => toFeature(presentOrganisation(o))), truncated });
      },
    );
    app.post('/api/v1/organisations', { schema: { tags, summary: 'Register an organisation', body: newOrganisation, response: { 201: organisation, ...errors(400, 401, 403, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentOrganisation(await organisations.create(requireActor(req), req.body))),
    );
    app.get('/api/v1/organisations/:id', { schema: { tags, summary: 'One organisation', params: idParam, response: { 200: organisation, ...errors(401, 403, 404) } } }, async (req) =>
      presentOrganisation(await organisations.get(requireActor(req), req.params.id)),
    );
    app.patch(
      '/api/v1/organisations/:id',
      { schema: { tags, summary: 'Change an organisation', params: idParam, body: organisationPatch, response: { 200: organisation, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => presentOrganisation(await organisations.update(requireActor(req), req.params.id, req.body)),
    );
    app.delete('/api/v1/organisations/:id', { schema: { tags, summary: 'Remove an organisation', params: idParam, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await organisations.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
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

    // ---- 部件 components
    app.get('/api/v1/components', { schema: { tags, summary: 'City components in my scope (部件)', querystring: componentQuery, response: { 200: paged(component), ...errors(400, 401, 403) } } }, async (req) => {
      const { page, pageSize, ...filter } = req.query;
      const actor = requireActor(req);
      const result = await components.list(actor, filter, page, pageSize);
      const departments = await components.departments();
      return { ...result, items: result.items.map((c) => presentComponent(c, departments)) };
    });
    app.get(
      '/api/v1/components.geojson',
      {
        schema: {
          tags,
          summary: 'Components as a GeoJSON point layer',
          querystring: geojsonQuery.extend({ class: componentQuery.shape.class, state: componentQuery.shape.state }),
          response: { 200: featureCollection(pointProps(component)), ...errors(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { limit, ...filter } = req.query;
        const { items, truncated } = await components.located(requireActor(req), filter, limit);
        const departments = await components.departments();
        return reply.type(geojson).send({ type: 'FeatureCollection' as const, features: items.map((c) => toFeature(presentComponent(c, departments))), truncated });
      },
    );
    app.post('/api/v1/components', { schema: { tags, summary: 'Register a component (code assigned when left out)', body: newComponent, response: { 201: component, ...errors(400, 401, 403, 409) } } }, async (req, reply) => {
      const c = await components.create(requireActor(req), req.body);
      return reply.status(201).send(presentComponent(c, await components.departments()));
    });
    app.get('/api/v1/components/:id', { schema: { tags, summary: 'One component', params: idParam, response: { 200: component, ...errors(401, 403, 404) } } }, async (req) =>
      presentComponent(await components.get(requireActor(req), req.params.id), await components.departments()),
    );
    app.patch(
      '/api/v1/components/:id',
      { schema: { tags, summary: 'Change a component (state, units, position)', params: idParam, body: componentPatch, response: { 200: component, ...errors(400, 401, 403, 404) } } },
      async (req) => presentComponent(await components.update(requireActor(req), req.params.id, req.body), await components.departments()),
    );
    app.delete('/api/v1/components/:id', { schema: { tags, summary: 'Remove a component', params: idParam, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await components.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });
  };
