import type { Generated, Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

interface CommentTable {
  id: Generated<string>;
  consultation_id: string;
  resident_id: string;
  body: string;
  reports: Generated<number>;
  hidden_at: Date | null;
  hidden_reason: string | null;
  created_at: Date;
}
declare module '../db/tables.ts' {
  interface Tables {
    participation_comments: CommentTable;
  }
}
export type CommentRow = Selectable<CommentTable> & { author: string };

export function createCommentStore() {
  return {
    list: (db: Db, consultationId: string) =>
      db
        .selectFrom('participation_comments as c')
        .innerJoin('participation_residents as r', 'r.id', 'c.resident_id')
        .selectAll('c')
        .select('r.display_name as author')
        .where('c.consultation_id', '=', consultationId)
        .orderBy('c.created_at')
        .limit(500)
        .execute(),
    /** 举报待处理: reported comments not yet hidden, of consultations in an area's subtree, most reported first. */
    reported: (db: Db, scopePath: string) =>
      db
        .selectFrom('participation_comments as c')
        .innerJoin('participation_residents as r', 'r.id', 'c.resident_id')
        .innerJoin('participation_consultations as k', 'k.id', 'c.consultation_id')
        .selectAll('c')
        .select(['r.display_name as author', 'k.title as consultation_title'])
        .where(withinScope('k.area_path', scopePath))
        .where('c.reports', '>', 0)
        .where('c.hidden_at', 'is', null)
        .orderBy('c.reports', 'desc')
        .orderBy('c.created_at')
        .limit(200)
        .execute(),
    find: (db: Db, id: string) => db.selectFrom('participation_comments').selectAll().where('id', '=', id).executeTakeFirst(),
    recent: (db: Db, residentId: string, since: Date) =>
      db
        .selectFrom('participation_comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('resident_id', '=', residentId)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),
    insert: (db: Db, row: { consultation_id: string; resident_id: string; body: string; created_at: Date }) => db.insertInto('participation_comments').values(row).returning('id').executeTakeFirstOrThrow(),
    report: (db: Db, id: string) => db.updateTable('participation_comments').set((eb) => ({ reports: eb('reports', '+', 1) })).where('id', '=', id).execute(),
    hide: (db: Db, id: string, reason: string, at: Date) => db.updateTable('participation_comments').set({ hidden_at: at, hidden_reason: reason }).where('id', '=', id).where('hidden_at', 'is', null).executeTakeFirst(),
  };
}
export type CommentStore = ReturnType<typeof createCommentStore>;
