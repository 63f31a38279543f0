import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { entityRoutes } from '../crud/routes.ts';
import { presentHouse, presentPerson } from '../presenters.ts';
import { house, houseDetail, housePatch, houseQuery, newHouse } from '../../../../shared/registry/schema.ts';
import type { HouseService } from './service.ts';
import { houseExportColumns } from '../export-columns.ts';

/** 房屋 houses: CRUD, search, the map layer, and one house with its residents and tenants. */
export const houseRoutes =
  (houses: HouseService): FastifyPluginAsyncZod =>
  async (app) => {
    entityRoutes(app, {
      path: '/api/v1/houses',
      summaries: {
        list: 'Houses in my scope (房屋)',
        geojson: 'Located houses as a GeoJSON point layer',
        create: 'Register a house',
        get: 'One house with its residents and tenants',
        update: 'Change a house',
        remove: 'Remove a house',
      },
      item: house,
      query: houseQuery,
      geojsonFilters: { rental: houseQuery.shape.rental },
      body: newHouse,
      patch: housePatch,
      conflicts: { create: true, update: true },
      presenter: () => presentHouse,
      service: houses,
      export: { name: 'houses', columns: houseExportColumns },
      detail: {
        response: houseDetail,
        async load(actor, id) {
          const { house: h, residents, residentsCount, place } = await houses.get(actor, id);
          return { ...presentHouse(h), residents: residents.map(presentPerson).map((p) => ({ id: p.id, name: p.name, kind: p.kind, houseRelation: p.houseRelation })), residentsCount, place };
        },
      },
    });
  };
