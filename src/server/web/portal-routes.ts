import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { permissionsOf, type Actor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import { AppError, invalid } from '../errors.ts';
import { errors } from '../../../shared/paging.ts';
import { sniffContentType } from '../storage/sniff.ts';
import { ratingCodeFor } from '../notify/rating-code.ts';

/** What a citizen may send from the portal without an account; the same limits as the case intake. */
export const portalReport = z.object({
  text: z.string().trim().min(2).max(4000),
  lon: z.coerce.number().min(-180).max(180).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  address: z.string().trim().max(300).optional(),
  name: z.string().trim().max(50).optional(),
  phone: z.string().trim().max(30).optional(),
  email: z.email().max(200).optional(),
  anonymous: z.enum(['true', 'false']).optional(),
});

export const portalReceipt = z.object({
  code: z.string().describe('public case code: track it at /portal/track/{code}'),
  ratingToken: z.string().describe('lets the reporter rate the answer without an account (shown once)'),
  ratingCode: z.string().regex(/^[0-9]{6}$/).describe('评价码: six digits, rates with the phone given'),
});

const MAX_PHOTOS = 3;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

/**
 * 市民门户 intake: a report with up to three photos in one multipart request, filed through the case service's
 * own `intake` under a portal identity with the citizen role only (case.create, channel web). Photos arrive with
 * the report, so nobody can attach files to someone else's case through this door.
 */
export const portalRoutes =
  (cases: CaseService): FastifyPluginAsyncZod =>
  async (app) => {
    if (!app.hasRequestDecorator('isMultipart')) {
      await app.register(fastifyMultipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 10, parts: 13 } });
    }

    app.post(
      '/api/v1/public/reports',
      {
        config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags: ['public'],
          summary: 'Citizen report from the portal (multipart: text, lon, lat, address, name, phone, email, anonymous, up to 3 × photo)',
          security: [],
          consumes: ['multipart/form-data'],
          response: { 201: portalReceipt, ...errors(400, 403, 413, 415, 429) },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw new AppError(415, 'request.unsupported_media_type', 'send the report as multipart/form-data');
        const fields: Record<string, string> = {};
        const photos: { fileName: string; bytes: Buffer }[] = [];
        try {
          for await (const part of req.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'photo') throw invalid('portal.unknown_file', 'photos go in fields named "photo"');
              photos.push({ fileName: part.filename || 'photo', bytes: await part.toBuffer() });
            } else fields[part.fieldname] = String(part.value);
          }
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          if (status === 413) throw new AppError(413, 'request.too_large', `a photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB or there are more than ${MAX_PHOTOS}`);
          throw err;
        }
        const parsed = portalReport.safeParse(fields);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          throw invalid('request.invalid', `${issue.path.join('.')}: ${issue.message}`, { errors: parsed.error.issues.map((i) => ({ path: `body.${i.path.join('.')}`, message: i.message })) });
        }
        // Check every photo before filing, so a bad file never leaves a case behind without its evidence.
        for (const p of photos) {
          const type = p.bytes.length ? sniffContentType(p.bytes) : null;
          if (!type || !type.startsWith('image/')) throw new AppError(415, 'attachment.unsupported_type', `${p.fileName} is not a JPEG, PNG or WebP photo`);
        }
        const v = parsed.data;
        const anonymous = v.anonymous === 'true';
        const actor: Actor = {
          id: null,
          username: 'citizen-portal',
          roles: ['citizen'],
          scopePath: await cases.core.cityPath(),
          departmentCode: null,
          permissions: permissionsOf(['citizen']),
          requestId: req.id,
        };
        const reporter = anonymous ? { anonymous: true } : v.name || v.phone || v.email ? { ...(v.name ? { name: v.name } : {}), ...(v.phone ? { phone: v.phone } : {}), ...(v.email ? { email: v.email } : {}) } : undefined;
        const result = await cases.intake(actor, {
          channel: 'web',
          text: v.text,
          ...(v.lon !== undefined && v.lat !== undefined ? { lon: v.lon, lat: v.lat } : {}),
          ...(v.address ? { address: v.address } : {}),
          ...(reporter ? { reporter } : {}),
        });
        for (const p of photos) await cases.attachments.add(actor, result.case.code, p);
        return reply.status(201).send({ code: result.case.code, ratingToken: result.ratingToken, ratingCode: ratingCodeFor(cases.core.deps.pii, result.case.id) });
      },
    );
  };
