import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../../../shared/paging.ts';
import { presentAreaFeatures, presentLayer, presentLayerFeatures } from './presenters.ts';
import { addressQuery, areaFeatures, basemapFeatures, basemapQuery, areaShapesQuery, cityInfo, importBody, importResult, layer, layerCode, layerFeatures, locateQuery, locateResult, newLayer, parsedAddress } from '../../../shared/geo.ts';
import type { GeoService } from './service.ts';

/** A city's grid file runs to megabytes; only map administrators can send one, so it gets a larger limit. */
const IMPORT_BODY_LIMIT = 32 * 1024 * 1024;
const GEOJSON = 'application/geo+json; charset=utf-8';

export const geoRoutes =
  (geo: GeoService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['geo'];

    // Public: the citizen portal centres its map and files reports by location without signing in.
    app.get('/api/v1/geo/city', { schema: { tags, summary: 'The city of this deployment', security: [], response: { 200: cityInfo, ...errors(404) } } }, async () => geo.city());

    // Public like /geo/city: the portal draws the same offline streets before anyone signs in; it holds no people.
    app.get(
      '/api/v1/geo/basemap',
      { schema: { tags, summary: 'Offline basemap: streets, water, landmarks as GeoJSON', security: [], querystring: basemapQuery, response: { 200: basemapFeatures, ...errors(400) } } },
      async (req, reply) => {
        reply.type(GEOJSON).header('cache-control', 'public, max-age=300');
        return geo.basemap(req.query.bbox ?? null);
      },
    );

    app.get(
      '/api/v1/geo/locate',
      { schema: { tags, summary: 'Point → grid (定位到网格) and H3 cell', security: [], querystring: locateQuery, response: { 200: locateResult, ...errors(400, 404) } } },
      async (req) => {
        const found = await geo.locate(req.query.lon, req.query.lat);
        if (!found) throw new AppError(404, 'geo.outside_city', `[${req.query.lon}, ${req.query.lat}] lies in no grid of this city`);
        return found;
      },
    );

    app.get(
      '/api/v1/geo/areas.geojson',
      { schema: { tags, summary: 'Area outlines in my scope as GeoJSON (map layer)', querystring: areaShapesQuery, response: { 200: areaFeatures, ...errors(401, 403, 422) } } },
      async (req, reply) => {
        reply.type(GEOJSON);
        return presentAreaFeatures(await geo.areaFeatures(requireActor(req), req.query));
      },
    );

    app.get('/api/v1/geo/layers', { schema: { tags, summary: 'Specialist grid layers (专业网格)', response: { 200: z.array(layer), ...errors(401, 403) } } }, async (req) =>
      (await geo.layers(requireActor(req))).map(presentLayer),
    );

    app.post('/api/v1/geo/layers', { schema: { tags, summary: 'Create a specialist grid layer', body: newLayer, response: { 201: layer, ...errors(400, 401, 403, 409) } } }, async (req, reply) =>
      reply.status(201).send(presentLayer(await geo.createLayer(requireActor(req), req.body))),
    );

    app.get(
      '/api/v1/geo/layers/:code/polygons.geojson',
      { schema: { tags, summary: "A layer's polygons in my scope as GeoJSON", params: z.object({ code: layerCode }), response: { 200: layerFeatures, ...errors(401, 403, 404, 422) } } },
      async (req, reply) => {
        reply.type(GEOJSON);
        return presentLayerFeatures(req.params.code, await geo.layerFeatures(requireActor(req), req.params.code));
      },
    );

    app.post(
      '/api/v1/geo/grids/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Import master grids from a GeoJSON FeatureCollection (all or nothing)',
          description: 'Each feature has properties code (15 digits), name and parentCode (its community). An existing code is redrawn. A 400 `geo.import_invalid` lists every bad feature as errors[{index, code, reason}].',
          body: importBody,
          response: { 200: importResult, ...errors(400, 401, 403, 413) },
        },
      },
      async (req) => geo.importGrids(requireActor(req), req.body),
    );

    app.post(
      '/api/v1/geo/layers/:code/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        schema: {
          tags,
          summary: "Import a specialist layer's polygons (all or nothing)",
          description: 'Each feature has properties code, name and parentCode (the master area it belongs to). Polygons of one layer may not overlap.',
          params: z.object({ code: layerCode }),
          body: importBody,
          response: { 200: importResult, ...errors(400, 401, 403, 413) },
        },
      },
      async (req) => geo.importGrids(requireActor(req), req.body, req.params.code),
    );

    app.get('/api/v1/geo/address', { schema: { tags, summary: 'Parse and normalise a Chinese address (地址标准化)', querystring: addressQuery, response: { 200: parsedAddress, ...errors(400, 401, 403) } } }, async (req) =>
      geo.parseAddress(requireActor(req), req.query.q),
    );
  };
