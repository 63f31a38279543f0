import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../http/paging.ts';
import type { Taxonomy } from './taxonomy.ts';

const category = z.object({
  code: z.string(),
  zh: z.string(),
  en: z.string(),
  group: z.string(),
  groupZh: z.string(),
  department: z.string(),
  deadlineHours: z.number(),
  workingTime: z.boolean(),
  urgent: z.boolean(),
});

export const taxonomyRoutes =
  (taxonomy: Taxonomy): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/taxonomy',
      {
        schema: {
          tags: ['taxonomy'],
          summary: 'Appeal categories (事项分类) with deadlines, and natures',
          response: { 200: z.object({ categories: z.array(category), natures: z.array(z.object({ code: z.string(), zh: z.string(), en: z.string() })) }), ...errors(401, 403) },
        },
      },
      async (req) => {
        assertCan(requireActor(req), 'taxonomy.read');
        return { categories: taxonomy.categories, natures: taxonomy.natures };
      },
    );
  };
