import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, invalid } from '../../errors.ts';
import { requireActor } from '../../http/auth-hook.ts';
import { errors, paged, pageQuery } from '../../http/paging.ts';
import type { ImportFormat } from './parse.ts';
import { importTypes, type ImportService } from './service.ts';
import type { ImportJobRow, ImportType } from './store.ts';

const importJob = z.object({
  id: z.string(),
  type: z.enum(['people', 'houses', 'organisations', 'components', 'grids']),
  filename: z.string(),
  format: z.enum(['csv', 'xlsx', 'geojson']),
  state: z.enum(['validating', 'importing', 'done', 'failed']),
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  importedRows: z.number().int(),
  errorCount: z.number().int(),
  /** row = line/row the user sees in their file (feature number for GeoJSON); 0 = the file as a whole */
  errors: z.array(z.object({ row: z.number().int(), column: z.string(), reason: z.string() })),
  message: z.string(),
  actor: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

const presentJob = (j: ImportJobRow): z.infer<typeof importJob> => ({
  id: j.id,
  type: j.type,
  filename: j.filename,
  format: j.format,
  state: j.state,
  totalRows: j.total_rows,
  processedRows: j.processed_rows,
  importedRows: j.imported_rows,
  errorCount: j.error_count,
  errors: (j.errors ?? []) as z.infer<typeof importJob>['errors'],
  message: j.message,
  actor: j.actor,
  createdAt: new Date(j.created_at).toISOString(),
  finishedAt: j.finished_at ? new Date(j.finished_at).toISOString() : null,
});

/** Import jobs: upload a file (multipart: `type` + `file`), then poll the job for progress and its report. */
export const importRoutes =
  (imports: ImportService, maxBytes: number): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['registry'];
    // Multipart is accepted here only; everywhere else the API speaks JSON.
    await app.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 6 } });

    app.post(
      '/api/v1/imports',
      {
        schema: {
          tags,
          summary: 'Start an import (multipart/form-data: type = people|houses|organisations|components|grids, file = .csv/.xlsx/.geojson)',
          consumes: ['multipart/form-data'],
          response: { 202: importJob, ...errors(400, 401, 403, 413, 415) },
        },
      },
      async (req, reply) => {
        const actor = requireActor(req);
        if (!req.isMultipart()) throw new AppError(415, 'import.not_multipart', 'send the file as multipart/form-data with fields type and file');
        const fields: Record<string, string> = {};
        let file: { filename: string; bytes: Buffer } | null = null;
        try {
          for await (const part of req.parts()) {
            if (part.type === 'file') file = { filename: part.filename || 'upload', bytes: await part.toBuffer() };
            else fields[part.fieldname] = String(part.value);
          }
        } catch (err) {
          if ((err as { statusCode?: number }).statusCode === 413) throw new AppError(413, 'import.too_large', `the file is larger than ${maxBytes} bytes`);
          throw err;
        }
        const type = fields.type as ImportType;
        if (!importTypes.includes(type)) throw invalid('import.unknown_type', `field type must be one of ${importTypes.join(', ')}`);
        if (!file || file.bytes.length === 0) throw invalid('import.no_file', 'attach the file in a multipart field named file');
        const format = fields.format as ImportFormat | undefined;
        if (format && !['csv', 'xlsx', 'geojson'].includes(format)) throw invalid('import.unknown_format', 'format is csv, xlsx or geojson');
        const job = await imports.start(actor, type, { ...file, format });
        return reply.status(202).header('location', `/api/v1/imports/${job.id}`).send(presentJob(job));
      },
    );

    app.get(
      '/api/v1/imports/:id',
      { schema: { tags, summary: 'An import job: state, progress and the row-by-row report', params: z.object({ id: z.uuid() }), response: { 200: importJob, ...errors(401, 403, 404) } } },
      async (req) => presentJob(await imports.get(requireActor(req), req.params.id)),
    );

    app.get('/api/v1/imports', { schema: { tags, summary: 'Import jobs in my scope, newest first', querystring: pageQuery, response: { 200: paged(importJob), ...errors(401, 403) } } }, async (req) => {
      const result = await imports.list(requireActor(req), req.query.page, req.query.pageSize);
      return { ...result, items: result.items.map(presentJob) };
    });
  };
