import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { entityRoutes } from '../crud/routes.ts';
import { presentComponent } from '../presenters.ts';
import { component, componentDetail, componentPatch, componentQuery, newComponent } from '../../../../shared/registry/schema.ts';
import type { ComponentService } from './service.ts';

/** 部件 city components: CRUD, search and the map layer; owner and maintainer units shown by name. */
export const componentRoutes =
  (components: ComponentService): FastifyPluginAsyncZod =>
  async (app) => {
    entityRoutes(app, {
      path: '/api/v1/components',
      summaries: {
        list: 'City components in my scope (部件)',
        geojson: 'Components as a GeoJSON point layer',
        create: 'Register a component (code assigned when left out)',
        get: 'One component, with the areas it sits in',
        update: 'Change a component (state, units, position)',
        remove: 'Remove a component',
      },
      item: component,
      query: componentQuery,
      geojsonFilters: { class: componentQuery.shape.class, state: componentQuery.shape.state },
      body: newComponent,
      patch: componentPatch,
      // the code is assigned under a lock on create; a change never touches it
      conflicts: { create: true, update: false },
      presenter: async () => {
        const departments = await components.departments();
        return (c) => presentComponent(c, departments);
      },
      service: components,
      detail: {
        response: componentDetail,
        async load(actor, id) {
          const [{ row, place }, departments] = await Promise.all([components.detail(actor, id), components.departments()]);
          return { ...presentComponent(row, departments), place };
        },
      },
    });
  };
