import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertCan } from '../access/permissions.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../../../shared/paging.ts';
import { taxonomyResponse } from '../../../shared/taxonomy.ts';
import type { Taxonomy } from './taxonomy.ts';

export const taxonomyRoutes =
  (taxonomy: Taxonomy): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/taxonomy',
      {
        schema: {
          tags: ['taxonomy'],
          summary: 'Appeal categories (事项分类) with deadlines, and natures',
          response: { 200: taxonomyResponse, ...errors(401, 403) },
        },
      },
      async (req) => {
        assertCan(requireActor(req), 'taxonomy.read');
        return { categories: taxonomy.categories, natures: taxonomy.natures };
      },
    );
  };
