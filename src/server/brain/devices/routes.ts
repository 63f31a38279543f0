import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../http/auth-hook.ts';
import { errors, paged } from '../../../../shared/paging.ts';
import type { Brain } from '../brain.ts';
import { exportFormat, exportProduces, sendExport } from '../../http/export.ts';
import { deviceExportColumns } from './export-columns.ts';
import { presentDevice } from '../presenters.ts';
import type { DeviceView } from './store.ts';
import { credentials, device, deviceId, devicePatch, deviceQuery, historyQuery, importBody, newDevice, telemetryBody } from '../schema.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Devices, their credentials, bulk import, readings history, and HTTP telemetry. */
export const deviceRoutes =
  (brain: Brain): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['brain'];
    const now = () => brain.now();
    // CSV bulk import arrives as text/csv; only this plugin's routes see this parser.
    app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, { csv: body as string }));
    app.addContentTypeParser(xlsxType, { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) => done(null, { xlsx: body as Buffer }));

    const present = (d: DeviceView) => presentDevice(d, now(), brain.typeCatalog.intervalOf(d.type));

    app.get(
      '/api/v1/devices',
      { schema: { tags, summary: 'Devices in my scope; ?format=csv|xlsx exports every matching row', querystring: deviceQuery.extend({ format: exportFormat }), produces: exportProduces, response: { 200: paged(device), ...errors(400, 401, 403) } } },
      async (req, reply) => {
        const { page, pageSize, format, ...rest } = req.query;
        const actor = requireActor(req);
        const filter = { ...rest, onlineSince: new Date(now().getTime() - 15 * 60_000) };
        if (format === 'csv' || format === 'xlsx') {
          return sendExport(req, reply, { format, name: 'devices', columns: deviceExportColumns, fetchPage: (p, size) => brain.devices.list(actor, filter, p, size), present });
        }
        const result = await brain.devices.list(actor, filter, page, pageSize);
        return { ...result, items: result.items.map(present) };
      },
    );

    app.post('/api/v1/devices', { schema: { tags, summary: 'Register a device; its credentials are shown once', body: newDevice, response: { 201: z.object({ device, credentials }), ...errors(400, 401, 403, 409) } } }, async (req, reply) => {
      const r = await brain.devices.create(requireActor(req), req.body);
      return reply.status(201).send({ device: present(r.device), credentials: r.credentials });
    });

    app.post(
      '/api/v1/devices/import',
      {
        schema: {
          tags,
          summary: 'Bulk import devices from JSON {devices:[…]}, CSV (text/csv) or XLSX; all or nothing, row errors with codes',
          body: importBody.or(z.object({ csv: z.string() })).or(z.object({ xlsx: z.instanceof(Buffer) })),
          response: { 201: z.object({ created: z.number(), credentials: z.array(credentials) }), ...errors(400, 401, 403, 413, 415) },
        },
      },
      async (req, reply) => {
        const body = req.body as { devices?: unknown[]; csv?: string; xlsx?: Buffer };
        return reply.status(201).send(await brain.devices.importMany(requireActor(req), body.csv !== undefined ? { csv: body.csv } : body.xlsx ? { xlsx: body.xlsx } : { rows: body.devices }));
      },
    );

    const params = z.object({ id: deviceId });

    app.get('/api/v1/devices/:id', { schema: { tags, summary: 'One device with its latest state', params, response: { 200: device, ...errors(401, 403, 404) } } }, async (req) =>
      present(await brain.devices.get(requireActor(req), req.params.id)),
    );

    app.patch('/api/v1/devices/:id', { schema: { tags, summary: 'Rename, move, enable/disable a device', params, body: devicePatch, response: { 200: device, ...errors(400, 401, 403, 404) } } }, async (req) =>
      present(await brain.devices.update(requireActor(req), req.params.id, req.body)),
    );

    app.delete('/api/v1/devices/:id', { schema: { tags, summary: 'Remove a device (its alarms go with it)', params, response: { 204: z.null(), ...errors(401, 403, 404) } } }, async (req, reply) => {
      await brain.devices.remove(requireActor(req), req.params.id);
      return reply.status(204).send(null);
    });

    app.post(
      '/api/v1/devices/:id/credentials',
      { schema: { tags, summary: 'New MQTT password and HTTP token (shown once); the old ones stop working', params, body: z.object({ password: z.string().min(10).max(256).optional() }).optional(), response: { 200: credentials, ...errors(400, 401, 403, 404) } } },
      async (req) => brain.devices.rotateCredentials(requireActor(req), req.params.id, req.body?.password),
    );

    app.get(
      '/api/v1/devices/:id/readings',
      {
        schema: {
          tags,
          summary: 'Readings history (raw) or rollups (5m, 1h: n, avg, min, max) of a device',
          params,
          querystring: historyQuery,
          response: { 200: z.object({ deviceId: z.string(), res: z.string(), points: z.array(z.object({ metric: z.string(), ts: z.string(), value: z.number().optional(), n: z.number().optional(), avg: z.number().optional(), min: z.number().optional(), max: z.number().optional() })) }), ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => brain.history(requireActor(req), req.params.id, req.query),
    );

    app.post(
      '/api/v1/mqtt-gateways/:username/credentials',
      {
        schema: {
          tags,
          summary: 'Create or rotate an MQTT gateway login (publishes for every device in my area); password shown once',
          params: z.object({ username: z.string().regex(/^[a-z][a-z0-9._-]{1,63}$/) }),
          response: { 200: z.object({ username: z.string(), password: z.string() }), ...errors(400, 401, 403) },
        },
      },
      async (req) => brain.devices.gatewayCredentials(requireActor(req), req.params.username),
    );

    app.post(
      '/api/v1/telemetry',
      {
        schema: {
          tags,
          summary: 'HTTP telemetry of a device: {ts?, values} or {readings:[…]} (X-Device-Token or Basic auth)',
          security: [],
          headers: z.object({ 'x-device-token': z.string().max(200).optional(), 'x-device-authorization': z.string().max(400).optional() }).passthrough(),
          body: telemetryBody,
          response: { 202: z.object({ accepted: z.number() }), ...errors(400, 401, 503) },
        },
      },
      async (req, reply) => {
        // Basic auth goes in X-Device-Authorization: the session hook owns Authorization and accepts only Bearer.
        const basic = (req.headers['x-device-authorization'] as string | undefined) ?? req.headers.authorization;
        const id = await brain.httpDevice({ token: req.headers['x-device-token'] as string | undefined, authorization: basic });
        return reply.status(202).send(await brain.ingestHttp(id, req.body as Record<string, unknown>));
      },
    );

  };
