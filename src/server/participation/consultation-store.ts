import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export interface SpaceTable {
  id: Generated<string>;
  area_code: string;
  area_path: string;
  title: string;
  description: string;
  responsible_unit: string | null;
  support_threshold: number;
  answer_days: number;
  created_by: string | null;
  created_at: Generated<Date>;
}
export interface ConsultationTable {
  id: Generated<string>;
  space_id: string;
  area_code: string;
  area_path: string;
  title: string;
  topic: string;
  background: string;
  refs: { title: string; url: string }[];
  lon: number | null;
  lat: number | null;
  place: string;
  kind: 'single' | 'multiple' | 'ranking';
  max_choices: number;
  results_live: boolean;
  proposal_at: Date;
  deliberation_at: Date;
  opens_at: Date;
  closes_at: Date;
  result_at: Date;
  closed_early_at: Date | null;
  outcome: string | null;
  published_at: Date | null;
  created_by: string | null;
  created_at: Generated<Date>;
}
interface OptionTable {
  id: Generated<string>;
  consultation_id: string;
  position: number;
  label: string;
}
interface VoteTable {
  consultation_id: string;
  resident_id: string;
  choices: string[];
  created_at: Date;
  updated_at: Date;
}
interface MeetingTable {
  id: Generated<string>;
  consultation_id: string;
  starts_at: Date;
  place: string;
  minutes: string | null;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    participation_spaces: SpaceTable;
    participation_consultations: ConsultationTable;
    participation_options: OptionTable;
    participation_votes: VoteTable;
    participation_meetings: MeetingTable;
  }
}

export type SpaceRow = Selectable<SpaceTable> & { area_name: string };
export type ConsultationRow = Selectable<ConsultationTable> & { area_name: string };
export type OptionRow = Selectable<OptionTable>;
export type VoteRow = Selectable<VoteTable>;
export type MeetingRow = Selectable<MeetingTable>;
export type NewConsultationRow = Omit<Insertable<ConsultationTable>, 'refs'> & { refs: { title: string; url: string }[] };

export interface ConsultationFilter {
  /** consultations in this area's subtree */
  areaPath?: string;
  /** consultations whose area contains this path (a resident's "my community and above") */
  aroundPath?: string;
  spaceId?: string;
  /** derived state, turned into timetable predicates against `now` */
  state?: string;
  now: Date;
}

/** The derived state as SQL, so a state filter pages correctly. Mirrors `stateOf` in rules.ts. */
const stateSql = (now: Date) => sql<string>`case
  when c.published_at is not null then 'published'
  when c.closed_early_at is not null or c.closes_at <= ${now} then 'closed'
  when c.opens_at <= ${now} then 'voting'
  when c.deliberation_at <= ${now} then 'deliberation'
  else 'proposal' end`;

const spaceCols = ['s.id', 's.area_code', sql<string>`s.area_path::text`.as('area_path'), 's.title', 's.description', 's.responsible_unit', 's.support_threshold', 's.answer_days', 's.created_by', 's.created_at', 'a.name as area_name'] as const;

export function createConsultationStore() {
  const consultations = (db: Db) =>
    db
      .selectFrom('participation_consultations as c')
      .innerJoin('areas as a', 'a.code', 'c.area_code')
      .selectAll('c')
      .select([sql<string>`c.area_path::text`.as('area_path'), 'a.name as area_name']);

  return {
    /** A consultation's id by its title (the demo's seeding steps find what an earlier step made). */
    idByTitle: (db: Db, title: string) =>
      db.selectFrom('participation_consultations').select('id').where('title', '=', title).orderBy('created_at').executeTakeFirst().then((r) => r?.id),
    insertSpace: (db: Db, row: Insertable<SpaceTable>) => db.insertInto('participation_spaces').values(row).returning('id').executeTakeFirstOrThrow(),
    spaces: (db: Db, scopePath: string | null) => {
      let q = db.selectFrom('participation_spaces as s').innerJoin('areas as a', 'a.code', 's.area_code').select(spaceCols);
      if (scopePath) q = q.where(withinScope('s.area_path', scopePath));
      return q.orderBy('s.area_path').orderBy('s.created_at').execute() as Promise<SpaceRow[]>;
    },
    space: (db: Db, id: string) =>
      db.selectFrom('participation_spaces as s').innerJoin('areas as a', 'a.code', 's.area_code').select(spaceCols).where('s.id', '=', id).executeTakeFirst() as Promise<SpaceRow | undefined>,

    insertConsultation: (db: Db, row: NewConsultationRow) =>
      db
        .insertInto('participation_consultations')
        .values({ ...row, refs: JSON.stringify(row.refs) as unknown as ConsultationTable['refs'] })
        .returning('id')
        .executeTakeFirstOrThrow(),
    insertOptions: (db: Db, consultationId: string, labels: string[]) =>
      db
        .insertInto('participation_options')
        .values(labels.map((label, i) => ({ consultation_id: consultationId, position: i + 1, label })))
        .execute(),
    list: async (db: Db, f: ConsultationFilter, page: number, pageSize: number) => {
      let q = db.selectFrom('participation_consultations as c').innerJoin('areas as a', 'a.code', 'c.area_code');
      if (f.areaPath) q = q.where(withinScope('c.area_path', f.areaPath));
      if (f.aroundPath) q = q.where(sql<boolean>`c.area_path @> ${f.aroundPath}::ltree`);
      if (f.spaceId) q = q.where('c.space_id', '=', f.spaceId);
      if (f.state) q = q.where(sql<boolean>`${stateSql(f.now)} = ${f.state}`);
      const [items, count] = await Promise.all([
        q
          .selectAll('c')
          .select([sql<string>`c.area_path::text`.as('area_path'), 'a.name as area_name'])
          .orderBy('c.opens_at', 'desc')
          .orderBy('c.id')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: items as ConsultationRow[], total: Number(count.n), page, pageSize };
    },
    consultation: (db: Db, id: string) => consultations(db).where('c.id', '=', id).executeTakeFirst() as Promise<ConsultationRow | undefined>,
    /** Locks the row so closing, publishing and voting do not interleave. */
    lockConsultation: (db: Db, id: string) => db.selectFrom('participation_consultations').select('id').where('id', '=', id).forUpdate().executeTakeFirst(),
    updateConsultation: (db: Db, id: string, set: Partial<Pick<ConsultationTable, 'closed_early_at' | 'outcome' | 'published_at'>>) =>
      db.updateTable('participation_consultations').set(set).where('id', '=', id).execute(),
    options: (db: Db, id: string) => db.selectFrom('participation_options').selectAll().where('consultation_id', '=', id).orderBy('position').execute(),

    vote: (db: Db, consultationId: string, residentId: string) =>
      db.selectFrom('participation_votes').selectAll().where('consultation_id', '=', consultationId).where('resident_id', '=', residentId).executeTakeFirst(),
    /** false when the resident has voted already (the primary key says so, also under a race) */
    insertVote: async (db: Db, row: VoteTable) => {
      const r = await db
        .insertInto('participation_votes')
        .values({ ...row, choices: JSON.stringify(row.choices) as unknown as string[] })
        .onConflict((oc) => oc.columns(['consultation_id', 'resident_id']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    replaceVote: (db: Db, consultationId: string, residentId: string, choices: string[], at: Date) =>
      db
        .updateTable('participation_votes')
        .set({ choices: JSON.stringify(choices) as unknown as string[], updated_at: at })
        .where('consultation_id', '=', consultationId)
        .where('resident_id', '=', residentId)
        .executeTakeFirst(),
    /** Every ballot's choices (ids), for the tally; one row per resident by the primary key. */
    ballots: (db: Db, id: string) => db.selectFrom('participation_votes').select('choices').where('consultation_id', '=', id).execute(),

    insertMeeting: (db: Db, row: Insertable<MeetingTable>) => db.insertInto('participation_meetings').values(row).returningAll().executeTakeFirstOrThrow(),
    setMinutes: (db: Db, id: string, minutes: string) => db.updateTable('participation_meetings').set({ minutes }).where('id', '=', id).returningAll().executeTakeFirst(),
    meeting: (db: Db, id: string) => db.selectFrom('participation_meetings').selectAll().where('id', '=', id).executeTakeFirst(),
    meetings: (db: Db, consultationId: string) => db.selectFrom('participation_meetings').selectAll().where('consultation_id', '=', consultationId).orderBy('starts_at').execute(),
    /** Meetings of consultations in and around an area, from a date on: the residents' calendar. */
    upcomingMeetings: (db: Db, aroundPath: string | null, areaPath: string | null, from: Date) => {
      let q = db
        .selectFrom('participation_meetings as m')
        .innerJoin('participation_consultations as c', 'c.id', 'm.consultation_id')
        .select(['m.id', 'm.consultation_id', 'm.starts_at', 'm.place', 'm.minutes', 'c.title'])
        .where('m.starts_at', '>=', from);
      if (aroundPath) q = q.where(sql<boolean>`c.area_path @> ${aroundPath}::ltree`);
      if (areaPath) q = q.where(withinScope('c.area_path', areaPath));
      return q.orderBy('m.starts_at').limit(100).execute();
    },
  };
}
export type ConsultationStore = ReturnType<typeof createConsultationStore>;
