import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../access/permissions.ts';
import { requireActor } from '../../http/auth-hook.ts';
import { exportFormat, exportProduces, sendExport, type ExportColumn } from '../../http/export.ts';
import { errors, paged } from '../../../../shared/paging.ts';
import type { Page } from '../../../../shared/paging.ts';
import { toFeature } from '../presenters.ts';
import { featureCollection, geojsonQuery, idParam } from '../../../../shared/registry/schema.ts';

type App = FastifyInstance<any, any, any, any, ZodTypeProvider>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the shared routes call on an entity's service (see `crudService`). */
export interface CrudRouteService<Row, Input, Patch> {
  list(actor: Actor, filter: never, page: number, pageSize: number): Promise<Page<Row>>;
  located(actor: Actor, filter: never, limit: number): Promise<{ items: Row[]; truncated: boolean }>;
  get(actor: Actor, id: string): Promise<unknown>;
  create(actor: Actor, input: Input): Promise<Row>;
  update(actor: Actor, id: string, patch: Patch): Promise<Row>;
  remove(actor: Actor, id: string): Promise<void>;
}

export interface EntityRouteSpec<Row, Out extends { id: string; lon: number | null; lat: number | null }, Input, Patch> {
  /** the collection path, e.g. `/api/v1/houses`; the map layer is `<path>.geojson` */
  path: string;
  summaries: { list: string; geojson: string; create: string; get: string; update: string; remove: string };
  /** when one record answers with more than the record (a house with its residents) */
  detail?: { response: z.ZodType; load: (actor: Actor, id: string) => Promise<unknown> };
  item: z.ZodObject;
  query: z.ZodObject;
  /** the entity's own filters on top of `geojsonQuery` (bbox, limit, grid, area) */
  geojsonFilters: z.ZodRawShape;
  body: z.ZodType<Input>;
  patch: z.ZodType<Patch>;
  /** 409 when a create or change can collide with a registered key */
  conflicts: { create: boolean; update: boolean };
  /** a presenter per request: components look up department names once for a whole page */
  presenter: () => Promise<(row: Row) => Out> | ((row: Row) => Out);
  /** `get` may answer with more than the row, and then `detail` presents it */
  service: CrudRouteService<Row, Input, Patch>;
  /** `?format=csv|xlsx` on the list: every matching row through the same presenter */
  export?: { name: string; columns: readonly ExportColumn<Out>[] };
}

const geojson = 'application/geo+json';
const pointProps = (s: z.ZodObject) => s.omit({ lon: true, lat: true });

/**
 * The six routes every register has: a page of its records in scope, a GeoJSON point layer, register,
 * one, change and remove.
 */
export function entityRoutes<Row, Out extends { id: string; lon: number | null; lat: number | null }, Input, Patch>(app: App, spec: EntityRouteSpec<Row, Out, Input, Patch>) {
  const tags = ['registry'];
  const { path, summaries, service } = spec;
  const withConflict = (yes: boolean, ...statuses: number[]) => errors(...statuses, ...(yes ? [409] : []));
  const r = app;

  const listQuery = spec.export ? spec.query.extend({ format: exportFormat }) : spec.query;
  r.get(path, { schema: { tags, summary: summaries.list, querystring: listQuery, ...(spec.export ? { produces: exportProduces } : {}), response: { 200: paged(spec.item), ...errors(400, 401, 403) } } }, async (req, reply) => {
    const { page, pageSize, format, ...filter } = req.query as { page: number; pageSize: number; format?: string };
    const actor = requireActor(req);
    const present = await spec.presenter();
    if (spec.export && (format === 'csv' || format === 'xlsx')) {
      return sendExport(req, reply, { format, ...spec.export, present, fetchPage: (p, size) => service.list(actor, filter as never, p, size) });
    }
    const result = await service.list(actor, filter as never, page, pageSize);
    return { ...result, items: result.items.map(present) };
  });
  r.get(
    `${path}.geojson`,
    { schema: { tags, summary: summaries.geojson, querystring: geojsonQuery.extend(spec.geojsonFilters), response: { 200: featureCollection(pointProps(spec.item)), ...errors(400, 401, 403) } } },
    async (req, reply) => {
      const { limit, ...filter } = req.query as { limit: number };
      const { items, truncated } = await service.located(requireActor(req), filter as never, limit);
      const present = await spec.presenter();
      return reply.type(geojson).send({ type: 'FeatureCollection' as const, features: items.map((row) => toFeature(present(row))), truncated });
    },
  );
  r.post(path, { schema: { tags, summary: summaries.create, body: spec.body, response: { 201: spec.item, ...withConflict(spec.conflicts.create, 400, 401, 403) } } }, async (req, reply) => {
    const row = await service.create(requireActor(req), req.body as Input);
    return reply.status(201).send((await spec.presenter())(row));
  });
  r.get(`${path}/:id`, { schema: { tags, summary: summaries.get, params: idParam, response: { 200: spec.detail?.response ?? spec.item, ...errors(401, 403, 404) } } }, async (req) => {
    const id = (req.params as { id: string }).id;
    if (spec.detail) return spec.detail.load(requireActor(req), id);
    return (await spec.presenter())((await service.get(requireActor(req), id)) as Row);
  });
  r.patch(
    `${path}/:id`,
    { schema: { tags, summary: summaries.update, params: idParam, body: spec.patch, response: { 200: spec.item, ...withConflict(spec.conflicts.update, 400, 401, 403, 404) } } },
    async (req) => {
      const row = await service.update(requireActor(req), (req.params as { id: string }).id, req.body as Patch);
      return (await spec.presenter())(row);
    },
  );
  r.delete(`${path}/:id`, { schema: { tags, summary: summaries.remove, params: idParam, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
    await service.remove(requireActor(req), (req.params as { id: string }).id);
    return reply.status(204).send(null);
  });
}
