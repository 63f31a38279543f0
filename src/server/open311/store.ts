import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { CaseState } from '../../../shared/cases/state-machine.ts';
import { sensitiveCategoryCodes, sensitiveGroupCodes } from './catalogue.ts';

export interface Open311ApiKeyTable {
  id: Generated<string>;
  consumer: string;
  key_hash: string;
  key_prefix: string;
  department_code: string | null;
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface Open311RequestTable {
  case_id: string;
  token: Generated<string>;
  api_key_id: string;
  service_code: string;
  attributes: unknown;
  media_url: string | null;
  created_at: Date;
}

export interface Open311UpdateTable {
  id: Generated<number>;
  case_id: string;
  api_key_id: string;
  external_id: string | null;
  status: string;
  description: Generated<string>;
  media_url: string | null;
  updated_at: Date;
  received_at: Date;
  effect: string;
  case_event_id: number | null;
  author_name: string | null;
  author_email: string | null;
  author_phone: string | null;
}

declare module '../db/tables.ts' {
  interface Tables {
    open311_api_keys: Open311ApiKeyTable;
    open311_requests: Open311RequestTable;
    open311_updates: Open311UpdateTable;
  }
}

export type ApiKeyRow = Selectable<Open311ApiKeyTable>;

/** The columns of a case that Open311 may ever show (reporter columns are not even selected). */
const caseColumns = [
  'c.id',
  'c.code',
  'c.state',
  'c.text',
  'c.nature',
  'c.category',
  'c.lon',
  'c.lat',
  'c.address',
  'c.answer',
  'c.main_department',
  'c.due_at',
  'c.merged_into',
  'c.created_at',
  'c.updated_at',
] as const;

export interface RequestQuery {
  codes?: string[];
  from?: Date;
  to?: Date;
  serviceCodes?: string[];
  states?: readonly CaseState[];
  /** list view: leave out cases whose content is private (see services.ts) and void ones */
  publicOnly: boolean;
}

/** `category`/`nature` leave a case out of the public lists; mirrors isSensitive() in services.ts. */
const publicCase = sql<boolean>`(c.category is not null
  and substr(c.category, 1, 2) not in (${sql.join(sensitiveGroupCodes)})
  and c.category not in (${sql.join(sensitiveCategoryCodes)})
  and coalesce(c.nature, '') <> 'report'
  and c.state <> 'void')`;

export function createOpen311Store() {
  function requestRows(db: Db, q: RequestQuery) {
    let query = db
      .selectFrom('cases as c')
      .leftJoin('departments as d', 'd.code', 'c.main_department')
      .leftJoin('open311_requests as r', 'r.case_id', 'c.id')
      .leftJoin('cases as m', 'm.id', 'c.merged_into');
    if (q.codes) query = query.where('c.code', 'in', q.codes.length ? q.codes : ['-']);
    if (q.from) query = query.where('c.created_at', '>=', q.from);
    if (q.to) query = query.where('c.created_at', '<=', q.to);
    if (q.serviceCodes?.length) query = query.where('c.category', 'in', q.serviceCodes);
    if (q.states) query = query.where('c.state', 'in', q.states.length ? [...q.states] : ['void']);
    if (q.publicOnly) query = query.where(publicCase);
    return query;
  }

  return {
    // ---- API keys
    insertKey: (db: Db, k: Insertable<Open311ApiKeyTable>) => db.insertInto('open311_api_keys').values(k).returningAll().executeTakeFirstOrThrow(),
    findKeyByHash: (db: Db, hash: string) => db.selectFrom('open311_api_keys').selectAll().where('key_hash', '=', hash).where('revoked_at', 'is', null).executeTakeFirst(),
    findKey: (db: Db, id: string) => db.selectFrom('open311_api_keys').selectAll().where('id', '=', id).executeTakeFirst(),
    listKeys(db: Db, includeRevoked: boolean, page: number, pageSize: number) {
      let q = db.selectFrom('open311_api_keys');
      if (!includeRevoked) q = q.where('revoked_at', 'is', null);
      return Promise.all([
        q.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    revokeKey: (db: Db, id: string, at: Date) =>
      db.updateTable('open311_api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst(),
    /** Marks a key used; at most once a minute per key so busy clients do not turn reads into writes. */
    async touchKey(db: Db, id: string, at: Date) {
      await db
        .updateTable('open311_api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - 60_000))]))
        .execute();
    },

    // ---- requests posted through Open311
    insertRequest: (db: Db, r: Insertable<Open311RequestTable>) =>
      db.insertInto('open311_requests').values({ ...r, attributes: JSON.stringify(r.attributes ?? {}) }).returning(['token']).executeTakeFirstOrThrow(),
    findByToken: (db: Db, token: string) =>
      db.selectFrom('open311_requests as r').innerJoin('cases as c', 'c.id', 'r.case_id').select(['c.code', 'r.token']).where('r.token', '=', token).executeTakeFirst(),

    /** Cases as Open311 requests, newest first, with the department name, media URL and main case code. */
    async listRequests(db: Db, q: RequestQuery, page: number, pageSize: number) {
      const base = requestRows(db, q);
      const [items, total] = await Promise.all([
        base
          .select([
            ...caseColumns,
            'd.name as department_name',
            'r.media_url',
            'm.code as merged_into_code',
            // the first photo with a public (EXIF-stripped) copy, when the client sent no media_url
            sql<string | null>`(select a.id::text from case_attachments a where a.case_id = c.id and a.public_key is not null order by a.created_at limit 1)`.as('photo_id'),
          ])
          .orderBy('c.created_at', 'desc')
          .orderBy('c.code', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
      return { items, total };
    },

    /** The reporter name of a case, still encrypted; presenters use it only to scrub it out of public text. */
    reporterNames: (db: Db, ids: string[]) =>
      ids.length ? db.selectFrom('cases').select(['id', 'reporter_name']).where('id', 'in', ids).where('reporter_name', 'is not', null).execute() : Promise.resolve([]),

    caseForUpdate: (db: Db, code: string) => db.selectFrom('cases').select(['id', 'code', 'state', 'main_department', 'co_departments', 'area_path']).where('code', '=', code).executeTakeFirst(),

    /** The newest event of one action on a case: the one a workflow call just wrote. */
    latestEventId: (db: Db, caseId: string, action: string) =>
      db
        .selectFrom('case_events')
        .select('id')
        .where('case_id', '=', caseId)
        .where(sql<boolean>`action = ${action}`)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst()
        .then((r) => r?.id),

    // ---- updates (mySociety servicerequestupdates)
    insertUpdate: (db: Db, u: Insertable<Open311UpdateTable>) => db.insertInto('open311_updates').values(u).returning('id').executeTakeFirstOrThrow().then((r) => r.id),
    findUpdateByExternalId: (db: Db, keyId: string, externalId: string) =>
      db.selectFrom('open311_updates').select(['id', 'case_event_id']).where('api_key_id', '=', keyId).where('external_id', '=', externalId).executeTakeFirst(),

    /**
     * The public update stream: milestones from the case timeline (`E<id>`) and inbound notes that caused no
     * case event (`U<id>`), in time order. Private cases are left out as in the request list.
     */
    async listUpdates(db: Db, q: { from: Date; to: Date; codes?: string[]; actions: readonly string[] }, page: number, pageSize: number) {
      const events = db
        .selectFrom('case_events as e')
        .innerJoin('cases as c', 'c.id', 'e.case_id')
        .leftJoin('departments as d', (j) => j.on(sql<boolean>`d.code = e.payload ->> 'department'`))
        .select([
          sql<string>`'E' || e.id::text`.as('update_id'),
          sql<number>`e.id`.as('seq'),
          'c.id as case_id',
          'c.code',
          sql<string>`e.action`.as('action'),
          sql<string>`e.to_state`.as('state'),
          'e.at',
          sql<string | null>`null`.as('status'),
          sql<string | null>`d.name`.as('department'),
          'c.answer',
          sql<string | null>`null`.as('note'),
          sql<string | null>`null`.as('media_url'),
          sql<string | null>`(select a.id::text from case_attachments a where a.id = any(e.attachments) and a.public_key is not null order by a.created_at limit 1)`.as('photo_id'),
        ])
        .where('e.action', 'in', [...q.actions] as never[])
        .where('e.at', '>=', q.from)
        .where('e.at', '<=', q.to)
        .where(publicCase);
      const notes = db
        .selectFrom('open311_updates as u')
        .innerJoin('cases as c', 'c.id', 'u.case_id')
        .select([
          sql<string>`'U' || u.id::text`.as('update_id'),
          sql<number>`u.id`.as('seq'),
          'c.id as case_id',
          'c.code',
          sql<string>`'note'`.as('action'),
          sql<string>`c.state`.as('state'),
          'u.received_at as at',
          sql<string | null>`u.status`.as('status'),
          sql<string | null>`null`.as('department'),
          'c.answer',
          sql<string | null>`u.description`.as('note'),
          'u.media_url',
          sql<string | null>`null`.as('photo_id'),
        ])
        .where('u.case_event_id', 'is', null)
        .where('u.received_at', '>=', q.from)
        .where('u.received_at', '<=', q.to)
        .where(publicCase);
      const scopedEvents = q.codes ? events.where('c.code', 'in', q.codes.length ? q.codes : ['-']) : events;
      const scopedNotes = q.codes ? notes.where('c.code', 'in', q.codes.length ? q.codes : ['-']) : notes;
      const all = db.selectFrom(scopedEvents.unionAll(scopedNotes).as('x'));
      const [items, total] = await Promise.all([
        all.selectAll().orderBy('at').orderBy(sql`left(update_id, 1)`).orderBy('seq').limit(pageSize).offset((page - 1) * pageSize).execute(),
        all.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
      return { items, total };
    },
  };
}

export type Open311Store = ReturnType<typeof createOpen311Store>;
export type RequestRow = Awaited<ReturnType<Open311Store['listRequests']>>['items'][number];
export type UpdateRow = Awaited<ReturnType<Open311Store['listUpdates']>>['items'][number];
