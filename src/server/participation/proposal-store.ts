import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export type Decision = 'consultation' | 'case' | 'work' | 'reject';

export interface ProposalTable {
  id: Generated<string>;
  space_id: string;
  area_code: string;
  area_path: string;
  resident_id: string;
  title: string;
  body: string;
  supports: Generated<number>;
  threshold: number;
  threshold_reached_at: Date | null;
  answer_due_at: Date | null;
  decision: Decision | null;
  answer: string | null;
  answered_at: Date | null;
  answered_by: string | null;
  consultation_id: string | null;
  case_code: string | null;
  created_at: Date;
}
interface SupportTable {
  proposal_id: string;
  resident_id: string;
  created_at: Date;
}
export interface ResultTable {
  id: Generated<string>;
  area_code: string;
  area_path: string;
  title: string;
  proposal_id: string | null;
  consultation_id: string | null;
  case_code: string | null;
  responsible_unit: string;
  progress: Generated<number>;
  status: Generated<'planned' | 'in_progress' | 'done'>;
  created_at: Date;
  updated_at: Date;
}
interface ResultUpdateTable {
  id: Generated<string>;
  result_id: string;
  progress: number;
  note: string;
  created_by: string | null;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    participation_proposals: ProposalTable;
    participation_supports: SupportTable;
    participation_results: ResultTable;
    participation_result_updates: ResultUpdateTable;
  }
}

export type ProposalRow = Selectable<ProposalTable> & { area_name: string; author: string; responsible_unit: string | null };
export type ResultRow = Selectable<ResultTable> & { area_name: string; unit_name: string };
export type ResultUpdateRow = Selectable<ResultUpdateTable>;

export interface ProposalFilter {
  areaPath?: string;
  aroundPath?: string;
  spaceId?: string;
  /** open: not answered; answered: any decision */
  status?: 'open' | 'answered';
}

export function createProposalStore() {
  const proposals = (db: Db) =>
    db
      .selectFrom('participation_proposals as p')
      .innerJoin('areas as a', 'a.code', 'p.area_code')
      .innerJoin('participation_residents as r', 'r.id', 'p.resident_id')
      .innerJoin('participation_spaces as s', 's.id', 'p.space_id')
      .selectAll('p')
      .select([sql<string>`p.area_path::text`.as('area_path'), 'a.name as area_name', 'r.display_name as author', 's.responsible_unit']);
  const results = (db: Db) =>
    db
      .selectFrom('participation_results as x')
      .innerJoin('areas as a', 'a.code', 'x.area_code')
      .innerJoin('departments as d', 'd.code', 'x.responsible_unit')
      .selectAll('x')
      .select([sql<string>`x.area_path::text`.as('area_path'), 'a.name as area_name', 'd.name as unit_name']);

  return {
    insert: (db: Db, row: Insertable<ProposalTable>) => db.insertInto('participation_proposals').values(row).returning('id').executeTakeFirstOrThrow(),
    find: (db: Db, id: string) => proposals(db).where('p.id', '=', id).executeTakeFirst() as Promise<ProposalRow | undefined>,
    lock: (db: Db, id: string) => db.selectFrom('participation_proposals').select('id').where('id', '=', id).forUpdate().executeTakeFirst(),
    list: async (db: Db, f: ProposalFilter, page: number, pageSize: number) => {
      let q = db.selectFrom('participation_proposals as p');
      if (f.areaPath) q = q.where(withinScope('p.area_path', f.areaPath));
      if (f.aroundPath) q = q.where(sql<boolean>`p.area_path @> ${f.aroundPath}::ltree`);
      if (f.spaceId) q = q.where('p.space_id', '=', f.spaceId);
      if (f.status === 'open') q = q.where('p.decision', 'is', null);
      if (f.status === 'answered') q = q.where('p.decision', 'is not', null);
      const ids = q.select('p.id');
      const [items, count] = await Promise.all([
        proposals(db).where('p.id', 'in', ids).orderBy('p.created_at', 'desc').orderBy('p.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ProposalRow[], total: Number(count.n), page, pageSize };
    },
    /** 待答复: proposals over their threshold without an answer, in the organiser's scope, soonest deadline first. */
    inbox: (db: Db, scopePath: string) =>
      proposals(db)
        .where(withinScope('p.area_path', scopePath))
        .where('p.decision', 'is', null)
        .where('p.answer_due_at', 'is not', null)
        .orderBy('p.answer_due_at')
        .limit(200)
        .execute() as Promise<ProposalRow[]>,
    /** false when this resident supports it already */
    addSupport: async (db: Db, proposalId: string, residentId: string, at: Date) => {
      const r = await db
        .insertInto('participation_supports')
        .values({ proposal_id: proposalId, resident_id: residentId, created_at: at })
        .onConflict((oc) => oc.columns(['proposal_id', 'resident_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** Counts one support; the first time the threshold is reached starts the answer clock. */
    bumpSupports: (db: Db, id: string, at: Date, due: Date) =>
      db
        .updateTable('participation_proposals')
        .set((eb) => ({
          supports: eb('supports', '+', 1),
          threshold_reached_at: sql`case when threshold_reached_at is null and supports + 1 >= threshold then ${at}::timestamptz else threshold_reached_at end`,
          answer_due_at: sql`case when threshold_reached_at is null and supports + 1 >= threshold then ${due}::timestamptz else answer_due_at end`,
        }))
        .where('id', '=', id)
        .execute(),
    answer: (db: Db, id: string, set: Pick<ProposalTable, 'decision' | 'answer' | 'answered_at' | 'answered_by'> & Partial<Pick<ProposalTable, 'consultation_id' | 'case_code'>>) =>
      db.updateTable('participation_proposals').set(set).where('id', '=', id).where('decision', 'is', null).executeTakeFirst(),
    /**
     * 答复情况 per responsible unit, for evaluation: proposals whose answer clock started, answered on time,
     * late, or still open (and of those, overdue) at `now`.
     */
    byUnit: (db: Db, scopePath: string, now: Date) =>
      db
        .selectFrom('participation_proposals as p')
        .innerJoin('participation_spaces as s', 's.id', 'p.space_id')
        .leftJoin('departments as d', 'd.code', 's.responsible_unit')
        .select([
          's.responsible_unit as unit',
          'd.name as unit_name',
          sql<number>`count(*)`.as('due'),
          sql<number>`count(*) filter (where p.answered_at is not null and p.answered_at <= p.answer_due_at)`.as('answered_on_time'),
          sql<number>`count(*) filter (where p.answered_at > p.answer_due_at)`.as('answered_late'),
          sql<number>`count(*) filter (where p.answered_at is null)`.as('unanswered'),
          sql<number>`count(*) filter (where p.answered_at is null and p.answer_due_at < ${now})`.as('overdue'),
        ])
        .where('p.answer_due_at', 'is not', null)
        .where(withinScope('p.area_path', scopePath))
        .groupBy(['s.responsible_unit', 'd.name'])
        .orderBy('s.responsible_unit')
        .execute(),

    insertResult: (db: Db, row: Insertable<ResultTable>) => db.insertInto('participation_results').values(row).returning('id').executeTakeFirstOrThrow(),
    result: (db: Db, id: string) => results(db).where('x.id', '=', id).executeTakeFirst() as Promise<ResultRow | undefined>,
    resultOf: (db: Db, proposalId: string) => results(db).where('x.proposal_id', '=', proposalId).executeTakeFirst() as Promise<ResultRow | undefined>,
    results: async (db: Db, f: { areaPath?: string; aroundPath?: string; unit?: string }, page: number, pageSize: number) => {
      let q = results(db);
      if (f.areaPath) q = q.where(withinScope('x.area_path', f.areaPath));
      if (f.aroundPath) q = q.where(sql<boolean>`x.area_path @> ${f.aroundPath}::ltree`);
      if (f.unit) q = q.where('x.responsible_unit', '=', f.unit);
      const [items, total] = await Promise.all([
        q.orderBy('x.updated_at', 'desc').orderBy('x.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ResultRow[], total: Number(total.n), page, pageSize };
    },
    progress: (db: Db, id: string, progress: number, at: Date) =>
      db
        .updateTable('participation_results')
        .set({ progress, status: progress >= 100 ? 'done' : progress > 0 ? 'in_progress' : 'planned', updated_at: at })
        .where('id', '=', id)
        .execute(),
    insertUpdate: (db: Db, row: Insertable<ResultUpdateTable>) => db.insertInto('participation_result_updates').values(row).execute(),
    updates: (db: Db, resultId: string) => db.selectFrom('participation_result_updates').selectAll().where('result_id', '=', resultId).orderBy('created_at').execute(),
    department: (db: Db, code: string) => db.selectFrom('departments').select(['code', 'name']).where('code', '=', code).executeTakeFirst(),
  };
}
export type ProposalStore = ReturnType<typeof createProposalStore>;
