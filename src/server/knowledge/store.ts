import { sql, type Generated, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface KnowledgeItemTable {
  id: Generated<string>;
  title: string;
  department_code: string | null;
  conditions: string;
  materials: string[];
  steps: string[];
  fees: string;
  time_limit: string;
  location: string;
  online_url: string | null;
  faq: { q: string; a: string }[];
  valid_from: string | null;
  valid_to: string | null;
  owner: string | null;
  review_due: string | null;
  published: Generated<boolean>;
  tsv: Generated<string>;
  uses: Generated<number>;
  created_at: Date;
  updated_at: Date;
}

interface KnowledgeSynonymTable {
  term: string;
  canonical: string;
}

declare module '../db/tables.ts' {
  interface Tables {
    knowledge_items: KnowledgeItemTable;
    knowledge_synonyms: KnowledgeSynonymTable;
  }
}

export type KnowledgeRow = Omit<Selectable<KnowledgeItemTable>, 'tsv'>;
export type NewKnowledgeItem = Omit<Insertable<KnowledgeItemTable>, 'id' | 'tsv' | 'uses'>;

/** Segmented text per weight: A the title, B department and conditions, C the rest. */
export interface IndexWords {
  a: string;
  b: string;
  c: string;
}

const tsvOf = (w: IndexWords) => sql<string>`setweight(to_tsvector('simple', ${w.a}), 'A') || setweight(to_tsvector('simple', ${w.b}), 'B') || setweight(to_tsvector('simple', ${w.c}), 'C')`;

const columns = ['id', 'title', 'department_code', 'conditions', 'materials', 'steps', 'fees', 'time_limit', 'location', 'online_url', 'faq', 'valid_from', 'valid_to', 'owner', 'review_due', 'published', 'uses', 'created_at', 'updated_at'] as const;

interface KnowledgeAnswerTable {
  case_id: string;
  item_id: string;
  actor: string;
  at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    knowledge_answers: KnowledgeAnswerTable;
  }
}

/** 知识库 items, synonyms, the 直接办结 answers given by an item, and the department names the index weighs. */
export function createKnowledgeStore() {
  return {
    insert: (db: Db, row: NewKnowledgeItem, words: IndexWords) =>
      db
        .insertInto('knowledge_items')
        .values({ ...row, faq: JSON.stringify(row.faq) as never, tsv: tsvOf(words) })
        .returning(columns)
        .executeTakeFirstOrThrow() as Promise<KnowledgeRow>,
    update: (db: Db, id: string, patch: Updateable<Omit<KnowledgeItemTable, 'tsv'>>, words: IndexWords) =>
      db
        .updateTable('knowledge_items')
        .set({ ...patch, ...(patch.faq ? { faq: JSON.stringify(patch.faq) as never } : {}), tsv: tsvOf(words) })
        .where('id', '=', id)
        .returning(columns)
        .executeTakeFirst() as Promise<KnowledgeRow | undefined>,
    remove: (db: Db, id: string) => db.deleteFrom('knowledge_items').where('id', '=', id).executeTakeFirst(),
    find: (db: Db, id: string) => db.selectFrom('knowledge_items').select(columns).where('id', '=', id).executeTakeFirst() as Promise<KnowledgeRow | undefined>,
    list: (db: Db, filter: { department?: string; reviewDueBefore?: string }, page: number, pageSize: number) => {
      let q = db.selectFrom('knowledge_items');
      if (filter.department) q = q.where('department_code', '=', filter.department);
      if (filter.reviewDueBefore) q = q.where('review_due', '<=', filter.reviewDueBefore);
      return Promise.all([
        q.select(columns).orderBy('title').limit(pageSize).offset((page - 1) * pageSize).execute() as Promise<KnowledgeRow[]>,
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    synonyms: async (db: Db, terms: string[]) =>
      terms.length ? (await db.selectFrom('knowledge_synonyms').select(['term', 'canonical']).where('term', 'in', terms).execute()).map((r) => r.canonical) : [],

    /**
     * Full text over the jieba words (ts_rank, the title weighs most) plus pg_trgm similarity of the title to the
     * raw text, so a typo or an unsegmented phrase still finds its item. Only items valid today.
     */
    async search(db: Db, q: { text: string; terms: string[]; today: string; limit: number; publishedOnly: boolean }): Promise<(KnowledgeRow & { score: number })[]> {
      const tsq = q.terms.length ? q.terms.map((t) => `'${t}'`).join(' | ') : null;
      const query = tsq ? sql`to_tsquery('simple', ${tsq})` : sql`null::tsquery`;
      const r = await sql<KnowledgeRow & { score: number }>`
        select ${sql.join(columns.map((c) => sql.ref(c)))},
          coalesce(ts_rank(tsv, ${query}), 0) + similarity(title, ${q.text}) as score
        from knowledge_items
        where (${tsq !== null} and tsv @@ ${query} or similarity(title, ${q.text}) > 0.2)
          and (valid_from is null or valid_from <= ${q.today}::date) and (valid_to is null or valid_to >= ${q.today}::date)
          and (${!q.publishedOnly} or published)
        order by score desc, title limit ${q.limit}`.execute(db);
      return r.rows.map((x) => ({ ...x, score: Number(x.score) }));
    },
    countUse: (db: Db, id: string) => db.updateTable('knowledge_items').set({ uses: sql`uses + 1` }).where('id', '=', id).execute(),
    /** Records that the item answered the case (once per case); true when this was the first time. */
    async recordAnswer(db: Db, row: KnowledgeAnswerTable): Promise<boolean> {
      const r = await db.insertInto('knowledge_answers').values(row).onConflict((oc) => oc.column('case_id').doNothing()).executeTakeFirst();
      return Boolean(Number(r.numInsertedOrUpdatedRows ?? 0));
    },
    departmentNames: (db: Db) => db.selectFrom('departments').select(['code', 'name']).execute(),
  };
}

export type KnowledgeStore = ReturnType<typeof createKnowledgeStore>;
