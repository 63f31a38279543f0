import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../http/auth-hook.ts';
import { errors } from '../../../../shared/paging.ts';
import type { Brain } from '../brain.ts';
import { deviceTypeBody, deviceTypeCode, deviceTypeView, newDeviceType } from '../schema.ts';
import type { DeviceTypeRow } from './type-store.ts';

const present = (t: DeviceTypeRow): z.infer<typeof deviceTypeView> => ({
  code: t.code, zh: t.zh, en: t.en, intervalS: t.intervalS, metrics: t.metrics, normal: t.normal, createdAt: t.createdAt.toISOString(), updatedAt: t.updatedAt.toISOString(),
});

/** 感知设备类型: read by everyone who sees devices, changed by admins (device_types, migration 0039). */
export const deviceTypeRoutes =
  (brain: Brain): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['brain'];
    const params = z.object({ code: deviceTypeCode });

    app.get('/api/v1/device-types', { schema: { tags, summary: 'Device types and their metrics (感知设备类型)', response: { 200: z.array(deviceTypeView), ...errors(401, 403) } } }, async (req) =>
      (await brain.types.list(requireActor(req))).map(present),
    );

    app.post('/api/v1/device-types', { schema: { tags, summary: 'Define a device type: metrics with unit and valid range', body: newDeviceType, response: { 201: deviceTypeView, ...errors(400, 401, 403, 409) } } }, async (req, reply) =>
      reply.status(201).send(present(await brain.types.create(requireActor(req), req.body))),
    );

    app.put('/api/v1/device-types/:code', { schema: { tags, summary: 'Replace a device type; a metric an alarm rule watches cannot be removed', params, body: deviceTypeBody, response: { 200: deviceTypeView, ...errors(400, 401, 403, 404, 409) } } }, async (req) =>
      present(await brain.types.update(requireActor(req), req.params.code, req.body)),
    );

    app.delete('/api/v1/device-types/:code', { schema: { tags, summary: 'Remove a device type no device or rule uses', params, response: { 204: z.null(), ...errors(401, 403, 404, 409) } } }, async (req, reply) => {
      await brain.types.remove(requireActor(req), req.params.code);
      return reply.status(204).send(null);
    });
  };
