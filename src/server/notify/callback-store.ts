import { sql, type Generated, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export type CallbackOutcome = 'satisfied' | 'basically_satisfied' | 'unsatisfied' | 'unreachable';

export interface CallbackTable {
  id: Generated<number>;
  case_id: string;
  closed_at: Date;
  reason: 'complaint' | 'sample' | 'unsatisfied';
  status: Generated<'queued' | 'done' | 'unreachable'>;
  tries: Generated<number>;
  outcome: CallbackOutcome | null;
  follow_up: string | null;
  note: string | null;
  clerk_id: string | null;
  clerk: string | null;
  department_code: string | null;
  area_path: string;
  queued_at: Date;
  at: Date | null;
}

interface CursorTable {
  name: string;
  last_id: number;
}

declare module '../db/tables.ts' {
  interface Tables {
    callbacks: CallbackTable;
    notify_cursors: CursorTable;
  }
}

export type CallbackRow = Selectable<CallbackTable>;

export interface ClosureEvent {
  id: number;
  at: Date;
  action: string;
  to_state: string;
  rating: string | null;
  case_id: string;
  code: string;
  nature: string | null;
  closed_at: Date | null;
  main_department: string | null;
  area_path: string;
}

export const callbackStore = {
  /** The sampler's cursor, locked for this transaction so two nodes never sample the same events. */
  cursor: async (db: Db) => Number((await db.selectFrom('notify_cursors').select('last_id').where('name', '=', 'callbacks').forUpdate().skipLocked().executeTakeFirst())?.last_id ?? -1),
  setCursor: (db: Db, id: number) => db.updateTable('notify_cursors').set({ last_id: id }).where('name', '=', 'callbacks').execute(),
  async closuresAfter(db: Db, afterId: number, limit: number): Promise<ClosureEvent[]> {
    const r = await sql<ClosureEvent>`
      select e.id, e.at, e.action, e.to_state, e.payload ->> 'rating' as rating, c.id as case_id, c.code, c.nature, c.closed_at,
             c.main_department, c.area_path::text as area_path
      from case_events e join cases c on c.id = e.case_id
      where e.id > ${afterId} and e.to_state in ('closed', 'rated') and e.action in ('close', 'answer', 'close_with_main', 'rate')
      order by e.id limit ${limit}`.execute(db);
    return r.rows.map((x) => ({ ...x, id: Number(x.id) }));
  },
  lastEventId: async (db: Db) => Number((await sql<{ id: string | null }>`select max(id) as id from case_events`.execute(db)).rows[0]?.id ?? 0),
  enqueue: (db: Db, row: Omit<CallbackTable, 'id' | 'status' | 'tries' | 'outcome' | 'follow_up' | 'note' | 'clerk_id' | 'clerk' | 'at'>) =>
    db.insertInto('callbacks').values(row).onConflict((oc) => oc.columns(['case_id', 'closed_at']).doNothing()).execute(),
  queue: (db: Db, scopePath: string, page: number, pageSize: number) => {
    const q = db.selectFrom('callbacks as b').innerJoin('cases as c', 'c.id', 'b.case_id').where('b.status', '=', 'queued').where(withinScope('b.area_path', scopePath));
    return Promise.all([
      q
        .select(['b.id', 'b.reason', 'b.tries', 'b.queued_at', 'b.closed_at', 'c.code', 'c.category', 'c.nature', 'c.answer', 'c.created_at', 'c.state', 'c.main_department', 'c.reporter_name'])
        .orderBy(sql`case b.reason when 'unsatisfied' then 0 when 'complaint' then 1 else 2 end`)
        .orderBy('b.queued_at')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
    ]);
  },
  find: (db: Db, id: number, scopePath: string) => db.selectFrom('callbacks').selectAll().where('id', '=', id).where(withinScope('area_path', scopePath)).executeTakeFirst(),
  forCase: (db: Db, caseId: string) => db.selectFrom('callbacks').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
  /** Only a queued row is updated, so two clerks finishing the same call cannot both record it. */
  finish: (db: Db, id: number, patch: Pick<Updateable<CallbackTable>, 'status' | 'tries' | 'outcome' | 'follow_up' | 'note' | 'clerk_id' | 'clerk' | 'at'>) =>
    db.updateTable('callbacks').set(patch).where('id', '=', id).where('status', '=', 'queued').returningAll().executeTakeFirst(),
};
