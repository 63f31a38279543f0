import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/auth-hook.ts';
import { errors } from '../../../shared/paging.ts';
import { editableSettingKeys, settingView } from '../../../shared/settings.ts';
import type { SettingsService } from './service.ts';

export const settingsRoutes =
  (settings: SettingsService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['settings'];
    app.get('/api/v1/settings', { schema: { tags, summary: 'System settings (系统设置): the editable ones first, then the rest read-only', response: { 200: z.array(settingView), ...errors(401, 403) } } }, async (req) =>
      settings.list(requireActor(req)),
    );
    app.put(
      '/api/v1/settings/:key',
      { schema: { tags, summary: 'Change an editable setting (audited)', params: z.object({ key: z.enum(editableSettingKeys) }), body: z.object({ value: z.unknown() }), response: { 200: settingView, ...errors(400, 401, 403) } } },
      async (req) => settings.update(requireActor(req), req.params.key, req.body.value),
    );
  };
