import type { CaseState } from '../../../shared/cases/state-machine.ts';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

interface PhotoModerationTable {
  attachment_id: string;
  decision: 'approved' | 'rejected';
  decided_by: string;
  decided_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    photo_moderation: PhotoModerationTable;
  }
}

/** 公众地图: located reports, their approved photos, and the photo moderation queue. */
export function createMapStore() {
  return {
    /** Located cases since a time, newest first, not in the hidden states, within a bbox / category / state. */
    recentReports: (db: Db, q: { since: Date; hiddenStates: CaseState[]; limit: number; bbox?: [number, number, number, number]; category?: string; state?: CaseState }) => {
      let query = db
        .selectFrom('cases')
        .select(['id', 'code', 'category', 'state', 'text', 'lon', 'lat', 'created_at', 'reporter_name'])
        .where('created_at', '>=', q.since)
        .where('lon', 'is not', null)
        .where('state', 'not in', q.hiddenStates);
      if (q.bbox) query = query.where('lon', '>=', q.bbox[0]).where('lat', '>=', q.bbox[1]).where('lon', '<=', q.bbox[2]).where('lat', '<=', q.bbox[3]);
      if (q.category) query = query.where((eb) => eb.or([eb('category', '=', q.category!), eb('category', 'like', `${q.category}%`)]));
      if (q.state) query = query.where('state', '=', q.state);
      return query.orderBy('created_at', 'desc').limit(q.limit).execute();
    },
    /** The approved public photos of these cases. */
    approvedPhotos: async (db: Db, caseIds: string[]) =>
      caseIds.length
        ? await db
            .selectFrom('case_attachments as a')
            .innerJoin('photo_moderation as m', 'm.attachment_id', 'a.id')
            .select(['a.id', 'a.case_id'])
            .where('a.case_id', 'in', caseIds)
            .where('m.decision', '=', 'approved')
            .where('a.public_key', 'is not', null)
            .execute()
        : [],
    /** Undecided public photos of cases within the scope, oldest first, and their total. */
    undecided: (db: Db, scopePath: string, page: number, pageSize: number) => {
      const q = db
        .selectFrom('case_attachments as a')
        .innerJoin('cases as c', 'c.id', 'a.case_id')
        .leftJoin('photo_moderation as m', 'm.attachment_id', 'a.id')
        .where('m.attachment_id', 'is', null)
        .where('a.kind', '=', 'photo')
        .where('a.public_key', 'is not', null)
        .where(withinScope('c.area_path', scopePath));
      return Promise.all([
        q.select(['a.id', 'c.code', 'a.created_at']).orderBy('a.created_at').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    attachmentInScope: (db: Db, attachmentId: string, scopePath: string) =>
      db
        .selectFrom('case_attachments as a')
        .innerJoin('cases as c', 'c.id', 'a.case_id')
        .select(['a.id', 'c.code', 'a.public_key'])
        .where('a.id', '=', attachmentId)
        .where(withinScope('c.area_path', scopePath))
        .executeTakeFirst(),
    putDecision: (db: Db, row: PhotoModerationTable) =>
      db
        .insertInto('photo_moderation')
        .values(row)
        .onConflict((oc) => oc.column('attachment_id').doUpdateSet({ decision: row.decision, decided_by: row.decided_by, decided_at: row.decided_at }))
        .execute(),
  };
}

export type MapStore = ReturnType<typeof createMapStore>;
