import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { getSetting, listSettings, putSetting } from '../db/settings-store.ts';
import { invalid } from '../errors.ts';
import { editableSettings, type EditableSettingKey, type SettingView } from '../../../shared/settings.ts';

/** JSON of a read-only setting, cut short: the screen informs, it is not a database browser. */
const preview = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : v;
};

/** 系统设置: the editable keys of shared/settings.ts (validated, audited) and the rest of the table, read-only. */
export function createSettingsService(deps: Deps) {
  const { db, clock, audit } = deps;

  return {
    async list(actor: Actor): Promise<SettingView[]> {
      assertCan(actor, 'settings.manage');
      const rows = await listSettings(db);
      const stored = new Map(rows.map((r) => [r.key, r]));
      const editable = (Object.keys(editableSettings) as EditableSettingKey[]).map((key) => {
        const r = stored.get(key);
        return { key, value: r ? r.value : editableSettings[key].default, editable: true, updatedAt: r?.updated_at.toISOString() ?? null };
      });
      const others = rows.filter((r) => !(r.key in editableSettings)).map((r) => ({ key: r.key, value: preview(r.value), editable: false, updatedAt: r.updated_at.toISOString() }));
      return [...editable, ...others];
    },

    /** The current value of an editable setting, or its default. */
    async value<K extends EditableSettingKey>(key: K): Promise<unknown> {
      return (await getSetting(db, key)) ?? editableSettings[key].default;
    },

    async update(actor: Actor, key: EditableSettingKey, value: unknown): Promise<SettingView> {
      assertCan(actor, 'settings.manage');
      const parsed = editableSettings[key].schema.safeParse(value);
      if (!parsed.success) throw invalid('settings.bad_value', `${key}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`, { key });
      const before = await getSetting(db, key);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await putSetting(tx, key, parsed.data, now);
        await audit.record(tx, now, actor, 'settings.update', { type: 'setting', id: key }, { from: before ?? null, to: parsed.data });
      });
      return { key, value: parsed.data, editable: true, updatedAt: now.toISOString() };
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
