import { sql, type Generated } from 'kysely';
import type { Db } from '../db/database.ts';

interface TriageCorrectionTable {
  id: Generated<number>;
  text: string;
  category: string;
  nature: string | null;
  predicted_category: string | null;
  case_code: string | null;
  actor_id: string | null;
  created_at: Date;
}

interface TriageModelTable {
  key: string;
  model: Uint8Array;
  built_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    triage_corrections: TriageCorrectionTable;
    triage_models: TriageModelTable;
  }
}

export interface LabelledText {
  id?: number;
  text: string;
  category: string;
  nature: string | null;
}

export function createTriageStore() {
  return {
    async insertCorrection(db: Db, c: Omit<TriageCorrectionTable, 'id'>): Promise<number> {
      const row = await db.insertInto('triage_corrections').values(c).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** Corrections after a given id, oldest first: how every node catches up with what others learned. */
    correctionsAfter: (db: Db, afterId: number, limit = 5000): Promise<LabelledText[]> =>
      db.selectFrom('triage_corrections').select(['id', 'text', 'category', 'nature']).where('id', '>', afterId).orderBy('id').limit(limit).execute(),

    /** The persisted model for a key, if one was saved (see snapshot.ts modelKey). */
    /**
     * The model (~26 MB) comes as base64 text: the drivers parse a bytea's hex text in JavaScript, which cost
     * PGlite 1.75 s of CPU at every start, against 0.3 s for base64 decoded natively (bench:restart).
     */
    async loadModel(db: Db, key: string): Promise<Uint8Array | null> {
      const row = await sql<{ m: string }>`select encode(model, 'base64') as m from triage_models where key = ${key}`.execute(db);
      return row.rows[0] ? Buffer.from(row.rows[0].m, 'base64') : null;
    },

    /** Saves a model and drops older ones: only the current training inputs' model is ever loaded. */
    async saveModel(db: Db, key: string, model: Uint8Array, builtAt: Date): Promise<void> {
      // The ~26 MB model goes as one base64 text parameter: PGlite encodes a bytea parameter as hex on the main
      // thread, which took 6.7 s a copy (and the upsert sent two), stalling a first boot for 16 s (issue #19).
      const b64 = Buffer.from(model.buffer, model.byteOffset, model.byteLength).toString('base64');
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('triage_models').where('key', '!=', key).execute();
        await sql`insert into triage_models (key, model, built_at) values (${key}, decode(${b64}, 'base64'), ${builtAt})
          on conflict (key) do update set model = excluded.model, built_at = excluded.built_at`.execute(tx);
      });
    },

    /**
     * The city's own history: text and final category of recently closed cases. Read through SQL, not the
     * case store, because this is a training query over many rows, not a case operation.
     */
    async closedCaseExamples(db: Db, limit: number): Promise<LabelledText[]> {
      const exists = await sql<{ t: string | null }>`select to_regclass('cases')::text as t`.execute(db);
      if (!exists.rows[0]?.t) return [];
      const r = await sql<LabelledText>`
        select text, category, nature from cases
        where state in ('closed', 'rated') and category is not null
        order by updated_at desc limit ${limit}`.execute(db);
      return r.rows;
    },
  };
}
