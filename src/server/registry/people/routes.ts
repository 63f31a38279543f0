import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../http/auth-hook.ts';
import { exportFormat, exportProduces, sendExport } from '../../http/export.ts';
import { personExportColumns } from '../export-columns.ts';
import { errors, paged } from '../../../../shared/paging.ts';
import type { PeopleService } from './service.ts';
import { presentPerson } from '../presenters.ts';
import { idParam, newPerson, person, personDetail, personPatch, personQuery, revealBody, revealed } from '../../../../shared/registry/schema.ts';

/**
 * The people list is searched by ID number and phone in its query string. The access log keeps the path and
 * drops the query here: the central scrubber catches 18-digit IDs and bare mobiles, not a passport number or
 * a phone typed with spaces.
 */
const withoutQuery = {
  req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: req.url?.replace(/\?.*$/, '?[query omitted]'), id: req.id }),
};

export const peopleRoutes =
  (people: PeopleService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['registry'];

    app.get(
      '/api/v1/people',
      {
        logSerializers: withoutQuery,
        schema: { tags, summary: 'People in my scope (人口), ID numbers and phones masked; ?format=csv|xlsx exports every matching row', querystring: personQuery.extend({ format: exportFormat }), produces: exportProduces, response: { 200: paged(person), ...errors(400, 401, 403) } },
      },
      async (req, reply) => {
        const { page, pageSize, format, ...query } = req.query;
        const actor = requireActor(req);
        if (format === 'csv' || format === 'xlsx') {
          return sendExport(req, reply, { format, name: 'people', columns: personExportColumns, present: presentPerson, fetchPage: (p, size) => people.list(actor, query, p, size) });
        }
        const result = await people.list(actor, query, page, pageSize);
        return { ...result, items: result.items.map(presentPerson) };
      },
    );

    app.post('/api/v1/people', { schema: { tags, summary: 'Register a person', body: newPerson, response: { 201: person, ...errors(400, 401, 403, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentPerson(await people.create(requireActor(req), req.body))),
    );

    app.get(
      '/api/v1/people/:id',
      { schema: { tags, summary: 'One person (masked as in the list), the areas they live in and their registered house', params: idParam, response: { 200: personDetail, ...errors(401, 403, 404) } } },
      async (req) => {
        const { person: p, place, house: h } = await people.detail(requireActor(req), req.params.id);
        const house = h ? { id: h.id, address: h.address, building: h.building, unit: h.unit, room: h.room, purpose: h.purpose, rental: h.rental, gridCode: h.grid_code } : null;
        return { ...presentPerson(p), place, house };
      },
    );

    app.patch(
      '/api/v1/people/:id',
      { schema: { tags, summary: 'Change a person', params: idParam, body: personPatch, response: { 200: person, ...errors(400, 401, 403, 404, 409) } } },
      async (req) => presentPerson(await people.update(requireActor(req), req.params.id, req.body)),
    );

    app.delete('/api/v1/people/:id', { schema: { tags, summary: 'Remove a person from the register', params: idParam, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await people.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.post(
      '/api/v1/people/:id/reveal',
      {
        schema: {
          tags,
          summary: '查看明文: clear name, ID number and phone for a stated purpose (audited)',
          params: idParam,
          body: revealBody,
          response: { 200: revealed, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        // Clear PII must not sit in a browser or proxy cache.
        reply.header('cache-control', 'no-store');
        return people.reveal(requireActor(req), req.params.id, req.body.purpose, req.body.fields);
      },
    );
  };
