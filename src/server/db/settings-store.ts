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
