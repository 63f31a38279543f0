import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

/** The deadline-relevant settings of one category in one taxonomy version. */
export interface CategoryRule {
  code: string;
  deadlineHours: number;
  workingTime: boolean;
  urgent: boolean;
  /** a category an admin added (not in the shipped files): its names, group and default unit */
  added?: { zh: string; en: string; group: string; groupZh: string; department: string };
}

export interface TaxonomyVersionTable {
  version: number;
  categories: CategoryRule[];
  note: string;
  created_by: string | null;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    taxonomy_versions: TaxonomyVersionTable;
  }
}

export type TaxonomyVersionRow = Selectable<TaxonomyVersionTable>;

// jsonb comes back parsed from both drivers; written as text so PGlite and pg agree
const json = (rules: CategoryRule[]) => JSON.stringify(rules) as unknown as CategoryRule[];

export function createTaxonomyStore() {
  return {
    /** the newest version's number only: most calls have that version cached and need none of its rules */
    latestVersion(db: Db) {
      return db.selectFrom('taxonomy_versions').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst().then((r) => r?.version);
    },
    latest(db: Db) {
      return db.selectFrom('taxonomy_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    },
    find(db: Db, version: number) {
      return db.selectFrom('taxonomy_versions').selectAll().where('version', '=', version).executeTakeFirst();
    },
    list(db: Db) {
      return db.selectFrom('taxonomy_versions').selectAll().orderBy('version', 'desc').execute();
    },
    /** false when that version number is already taken (another admin, or another node seeding version 1) */
    async insert(db: Db, row: TaxonomyVersionRow): Promise<boolean> {
      const res = await db
        .insertInto('taxonomy_versions')
        .values({ ...row, categories: json(row.categories) })
        .onConflict((oc) => oc.column('version').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
    },
  };
}
