import type { Db } from './database.ts';

interface SettingsTable {
  key: string;
  value: unknown;
  updated_at: Date;
}

declare module './tables.ts' {
  interface Tables {
    settings: SettingsTable;
  }
}

export type DeploymentMode = 'demo' | 'production';

export async function getSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value as T | undefined;
}

export async function deleteSetting(db: Db, key: string): Promise<void> {
  await db.deleteFrom('settings').where('key', '=', key).execute();
}

export async function putSetting(db: Db, key: string, value: unknown, at: Date): Promise<void> {
  const json = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: json, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: at }))
    .execute();
}

/** Every stored setting (a handful of rows), for the admin's settings screen. */
export async function listSettings(db: Db): Promise<{ key: string; value: unknown; updated_at: Date }[]> {
  return db.selectFrom('settings').selectAll().orderBy('key').execute();
}
