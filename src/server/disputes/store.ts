import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';
import type { DisputeFilter } from './schema.ts';

export interface DisputeTable {
  id: Generated<string>;
  case_id: string;
  type: string;
  risk_level: 'low' | 'medium' | 'high';
  state: 'registered' | 'mediating' | 'agreed' | 'handed_over';
  mediator_kind: string;
  mediator_name: string;
  summary: string;
  area_path: string;
  grid_code: string | null;
  outcome: 'agreement' | 'handover' | null;
  agreement_text: string | null;
  agreement_attachment: string | null;
  handover_to: 'court' | 'petition' | 'police' | null;
  receiving_body: string | null;
  outcome_at: Date | null;
  last_session_at: Date | null;
  reopen_count: Generated<number>;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DisputePartyTable {
  id: Generated<string>;
  dispute_id: string;
  role: 'applicant' | 'respondent' | 'other';
  person_id: string | null;
  organisation_id: string | null;
  name_sealed: string | null;
  name_mask: string;
  phone_sealed: string | null;
  phone_bidx: string | null;
  phone_mask: string | null;
  id_number_sealed: string | null;
  id_number_bidx: string | null;
  id_number_mask: string | null;
}

export interface DisputeSessionTable {
  id: Generated<string>;
  dispute_id: string;
  held_at: Date;
  place: string;
  attendees: string[];
  minutes: string;
  attachments: string[];
  recorded_by: string | null;
  recorded_by_name: string;
  created_at: Date;
}

export interface DisputeFollowupTable {
  id: Generated<string>;
  dispute_id: string;
  due_at: Date;
  done_at: Date | null;
  result: 'stable' | 'flaring' | null;
  note: Generated<string>;
  done_by_name: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    disputes: DisputeTable;
    dispute_parties: DisputePartyTable;
    dispute_sessions: DisputeSessionTable;
    dispute_followups: DisputeFollowupTable;
  }
}

export type DisputeRow = Selectable<DisputeTable>;
export type PartyRow = Selectable<DisputePartyTable>;
export type SessionRow = Selectable<DisputeSessionTable>;
export type FollowupRow = Selectable<DisputeFollowupTable>;
/** a register row: the dispute with its case's code, state and deadline */
export type RegisterRow = DisputeRow & { code: string; case_state: string; category: string | null; due_at: Date | null; supervision: string };

export function createDisputeStore() {
  const register = (db: Db, scopePath: string, f: DisputeFilter) => {
    let q = db.selectFrom('disputes as d').innerJoin('cases as c', 'c.id', 'd.case_id').where(withinScope('d.area_path', scopePath));
    if (f.state) q = q.where('d.state', '=', f.state);
    if (f.type) q = q.where('d.type', '=', f.type);
    if (f.risk) q = q.where('d.risk_level', '=', f.risk);
    if (f.area) q = q.where(sql<boolean>`d.area_path <@ (select path from areas where code = ${f.area})`);
    if (f.from) q = q.where('d.created_at', '>=', new Date(f.from));
    if (f.to) q = q.where('d.created_at', '<', new Date(f.to));
    return q;
  };
  const registerColumns = ['d.id', 'd.case_id', 'd.type', 'd.risk_level', 'd.state', 'd.mediator_kind', 'd.mediator_name', 'd.summary', 'd.area_path', 'd.grid_code', 'd.outcome', 'd.agreement_text', 'd.agreement_attachment', 'd.handover_to', 'd.receiving_body', 'd.outcome_at', 'd.last_session_at', 'd.reopen_count', 'd.created_by', 'd.created_at', 'd.updated_at', 'c.code', 'c.state as case_state', 'c.category', 'c.due_at', 'c.supervision'] as const;

  return {
    insert: (db: Db, row: Insertable<DisputeTable>) => db.insertInto('disputes').values(row).returningAll().executeTakeFirstOrThrow(),
    insertParties: async (db: Db, rows: Insertable<DisputePartyTable>[]) => {
      if (rows.length) await db.insertInto('dispute_parties').values(rows).execute();
    },

    async list(db: Db, scopePath: string, f: DisputeFilter, page: number, pageSize: number): Promise<[RegisterRow[], number]> {
      const q = register(db, scopePath, f);
      const [items, n] = await Promise.all([
        q.select([...registerColumns]).orderBy('d.created_at', 'desc').orderBy('d.id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return [items as RegisterRow[], Number(n.n)];
    },

    byCode: (db: Db, code: string, scopePath: string) =>
      db
        .selectFrom('disputes as d')
        .innerJoin('cases as c', 'c.id', 'd.case_id')
        .where('c.code', '=', code)
        .where(withinScope('d.area_path', scopePath))
        .select([...registerColumns])
        .executeTakeFirst() as Promise<RegisterRow | undefined>,

    lock: (db: Db, id: string) => db.selectFrom('disputes').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow(),
    update: (db: Db, id: string, set: Partial<Insertable<DisputeTable>>) => db.updateTable('disputes').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

    parties: (db: Db, disputeId: string) =>
      db
        .selectFrom('dispute_parties as p')
        .leftJoin('people as pe', 'pe.id', 'p.person_id')
        .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
        .selectAll('p')
        .select(['pe.name_mask as person_mask', 'pe.phone_mask as person_phone_mask', 'pe.id_number_mask as person_id_mask', 'o.name as organisation_name'])
        .where('p.dispute_id', '=', disputeId)
        .orderBy('p.role')
        .orderBy('p.id')
        .execute(),
    sessions: (db: Db, disputeId: string) => db.selectFrom('dispute_sessions').selectAll().where('dispute_id', '=', disputeId).orderBy('held_at').orderBy('created_at').execute(),
    followups: (db: Db, disputeId: string) => db.selectFrom('dispute_followups').selectAll().where('dispute_id', '=', disputeId).orderBy('due_at').execute(),
    insertSession: (db: Db, row: Insertable<DisputeSessionTable>) => db.insertInto('dispute_sessions').values(row).returningAll().executeTakeFirstOrThrow(),
    insertFollowups: async (db: Db, rows: Insertable<DisputeFollowupTable>[]) => {
      if (rows.length) await db.insertInto('dispute_followups').values(rows).execute();
    },
    /** the earliest open 回访 due by `at` (the one a follow-up visit answers), else the earliest open one */
    nextFollowup: (db: Db, disputeId: string) =>
      db.selectFrom('dispute_followups').selectAll().where('dispute_id', '=', disputeId).where('done_at', 'is', null).orderBy('due_at').limit(1).forUpdate().executeTakeFirst(),
    completeFollowup: (db: Db, id: string, set: { done_at: Date; result: 'stable' | 'flaring'; note: string; done_by_name: string }) =>
      db.updateTable('dispute_followups').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
    /** a re-opened dispute is mediated again; the 回访 still pending no longer apply */
    dropOpenFollowups: (db: Db, disputeId: string) => db.deleteFrom('dispute_followups').where('dispute_id', '=', disputeId).where('done_at', 'is', null).execute(),

    /** 回访 due list: open follow-ups due before `until`, in scope */
    dueFollowups: (db: Db, scopePath: string, until: Date) =>
      db
        .selectFrom('dispute_followups as f')
        .innerJoin('disputes as d', 'd.id', 'f.dispute_id')
        .innerJoin('cases as c', 'c.id', 'd.case_id')
        .where('f.done_at', 'is', null)
        .where('f.due_at', '<', until)
        .where(withinScope('d.area_path', scopePath))
        .select(['f.id', 'f.due_at', 'c.code', 'd.type', 'd.risk_level', 'd.summary'])
        .orderBy('f.due_at')
        .limit(500)
        .execute(),

    attachmentsOfCase: (db: Db, caseId: string, ids: string[]) =>
      ids.length ? db.selectFrom('case_attachments').select('id').where('case_id', '=', caseId).where('id', 'in', ids).execute() : Promise.resolve([]),
    personExists: (db: Db, id: string, scopePath: string) => db.selectFrom('people').select(['id', 'name_mask']).where('id', '=', id).where(withinScope('area_path', scopePath)).executeTakeFirst(),
    organisationExists: (db: Db, id: string) => db.selectFrom('organisations').select(['id', 'name']).where('id', '=', id).executeTakeFirst(),
    /** area code → name, for the register export (a city has a few thousand areas) */
    areaNames: async (db: Db) => new Map((await db.selectFrom('areas').select(['code', 'name']).execute()).map((a) => [a.code, a.name] as const)),
    caseState: (db: Db, caseId: string) => db.selectFrom('cases').select(['state']).where('id', '=', caseId).executeTakeFirstOrThrow(),

    /**
     * A dispute step on the case timeline: an event that does not move the case (from = to = its state), like
     * a remark; the workflow's state machine is not involved, so no transition can be forged this way.
     */
    insertCaseEvent: (db: Db, e: { case_id: string; at: Date; actor_id: string | null; actor: string; action: string; state: string; reason: string | null; attachments: string[]; payload: Record<string, unknown> }) =>
      sql`insert into case_events (case_id, at, actor_id, actor, action, from_state, to_state, reason, attachments, payload)
          values (${e.case_id}, ${e.at}, ${e.actor_id}, ${e.actor}, ${e.action}, ${e.state}, ${e.state}, ${e.reason}, ${sql.val(e.attachments)}::uuid[], ${JSON.stringify(e.payload)}::jsonb)`.execute(db),
  };
}

export type DisputeStore = ReturnType<typeof createDisputeStore>;
