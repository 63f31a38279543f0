import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../../../shared/paging.ts';
import { caseCode, publicCase, publicRating } from '../../../shared/cases/schema.ts';
import type { CaseService } from './service.ts';

// Codes are sequential, so anyone could walk them; the view carries no PII and a per-IP limit slows walking.
const rateLimit = { max: 120, timeWindow: '1 minute' };

/** The citizen's side: track a case by its code, see the answer, rate it with the token from intake. */
export const publicCaseRoutes =
  (cases: CaseService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['public'];
    const byCode = z.object({ code: caseCode });

    app.get(
      '/api/v1/public/cases/:code',
      { config: { rateLimit }, schema: { tags, summary: 'Track a case by its code (no PII)', security: [], params: byCode, response: { 200: publicCase, ...errors(404, 429) } } },
      async (req) => {
        const { row: _row, ...view } = await cases.publicView(req.params.code);
        return view;
      },
    );

    app.post(
      '/api/v1/public/cases/:code/rating',
      { config: { rateLimit: { max: 20, timeWindow: '1 minute' } }, schema: { tags, summary: 'Rate the answer (评价) with the token given at intake', security: [], params: byCode, body: publicRating, response: { 200: publicCase, ...errors(400, 403, 404, 409, 429) } } },
      async (req) => {
        await cases.rateByToken(req.params.code, req.body.ratingToken, req.body.rating, req.body.comment);
        const { row: _row, ...view } = await cases.publicView(req.params.code);
        return view;
      },
    );

    app.get(
      '/api/v1/public/cases/:code/photos/:id',
      { config: { rateLimit }, schema: { tags, summary: 'A public photo copy (EXIF and GPS removed)', security: [], params: byCode.extend({ id: z.uuid() }), response: { ...errors(404, 429) } } },
      async (req, reply) => {
        const { row, bytes } = await cases.attachments.publicCopy(req.params.code, req.params.id);
        return reply.type(row.content_type).header('x-content-type-options', 'nosniff').header('cache-control', 'public, max-age=3600').send(bytes as never); // a Buffer is sent as is, never through the JSON serializer
      },
    );
  };
