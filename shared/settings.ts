import { z } from 'zod';

/**
 * 系统设置 an admin may change in the browser: each key with its shape and default. Everything else in the
 * settings table (mode, version counters, the calendar's schedule) is shown read-only or has its own screen.
 */
export const editableSettings = {
  /** a raised alarm whose rule names a category opens a case by itself (告警自动转工单); off = dispatchers decide */
  'brain.auto_case': { schema: z.boolean(), default: true },
} as const;

export type EditableSettingKey = keyof typeof editableSettings;
export const editableSettingKeys = Object.keys(editableSettings) as [EditableSettingKey, ...EditableSettingKey[]];

export const settingView = z.object({
  key: z.string(),
  value: z.unknown(),
  editable: z.boolean(),
  updatedAt: z.string().nullable(),
});
export type SettingView = z.infer<typeof settingView>;
