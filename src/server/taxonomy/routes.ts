import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan } from '../access/permissions.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../../../shared/paging.ts';
import { taxonomyResponse, taxonomyVersion, taxonomyVersionBody } from '../../../shared/taxonomy.ts';
import type { TaxonomyService, TaxonomyVersion } from './service.ts';
import type { Taxonomy } from './taxonomy.ts';

const present = (v: TaxonomyVersion): z.infer<typeof taxonomyVersion> => ({
  version: v.version,
  note: v.note,
  createdBy: v.createdBy,
  createdAt: v.createdAt.toISOString(),
  categories: v.categories,
});

export const taxonomyRoutes =
  (taxonomy: Taxonomy, versions: TaxonomyService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['taxonomy'];
    app.get(
      '/api/v1/taxonomy',
      { schema: { tags, summary: 'Appeal categories (事项分类) with the current version\'s deadlines, and natures', response: { 200: taxonomyResponse, ...errors(401, 403) } } },
      async (req) => {
        assertCan(requireActor(req), 'taxonomy.read');
        return { categories: (await versions.current()).categories, natures: taxonomy.natures };
      },
    );

    app.get(
      '/api/v1/taxonomy/versions',
      { schema: { tags, summary: 'Taxonomy versions, newest first (the first item is current)', response: { 200: z.object({ items: z.array(taxonomyVersion) }), ...errors(401, 403) } } },
      async (req) => ({ items: (await versions.list(requireActor(req))).map(present) }),
    );

    app.post(
      '/api/v1/taxonomy/versions',
      { schema: { tags, summary: 'Change categories\' deadlines or urgency: saves version N+1 for new cases', body: taxonomyVersionBody, response: { 201: taxonomyVersion, ...errors(400, 401, 403, 409) } } },
      async (req, reply) => reply.status(201).send(present(await versions.create(requireActor(req), req.body))),
    );
  };
