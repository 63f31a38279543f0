import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import type { Actor } from '../access/permissions.ts';
import type { Db } from '../db/database.ts';
import { withinScope } from '../db/scope.ts';

export interface NotificationTable {
  id: Generated<number>;
  recipient_type: 'user' | 'department' | 'role' | 'reporter';
  /** user id, department code, role name, or the case code for a reporter */
  recipient: string;
  case_id: string | null;
  area_path: string | null;
  kind: string;
  title: string;
  body: Generated<string>;
  read_at: Date | null;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    notifications: NotificationTable;
  }
}

export type NotificationRow = Selectable<NotificationTable>;
export type NewNotification = Omit<Insertable<NotificationTable>, 'id' | 'read_at'>;

/** Who an actor is, as notification recipients: the user, the department, the roles. */
function mine(db: Db, actor: Actor) {
  return db.selectFrom('notifications').where((eb) => {
    const who = [eb.and([eb('recipient_type', '=', 'role'), eb('recipient', 'in', actor.roles.length ? [...actor.roles] : ['-'])])];
    if (actor.id) who.push(eb.and([eb('recipient_type', '=', 'user'), eb('recipient', '=', actor.id)]));
    if (actor.departmentCode) who.push(eb.and([eb('recipient_type', '=', 'department'), eb('recipient', '=', actor.departmentCode)]));
    // a role or department notice about a case follows the data scope, like the case itself
    return eb.and([eb.or(who), eb.or([eb('area_path', 'is', null), withinScope('area_path', actor.scopePath)])]);
  });
}

export function createNotificationStore() {
  return {
    async insertMany(db: Db, rows: NewNotification[]): Promise<void> {
      if (rows.length) await db.insertInto('notifications').values(rows).execute();
    },
    forReporter: (db: Db, caseCode: string) => db.selectFrom('notifications').selectAll().where('recipient_type', '=', 'reporter').where('recipient', '=', caseCode).orderBy('id').execute(),

    /** The actor's inbox page and its total. */
    listMine(db: Db, actor: Actor, filter: { unread?: boolean; kind?: string }, page: number, pageSize: number) {
      let q = mine(db, actor);
      if (filter.unread) q = q.where('read_at', 'is', null);
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      return Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
    },
    async caseCodes(db: Db, ids: string[]): Promise<Map<string, string>> {
      return new Map(ids.length ? (await db.selectFrom('cases').select(['id', 'code']).where('id', 'in', ids).execute()).map((r) => [r.id, r.code]) : []);
    },
    findMine: (db: Db, actor: Actor, id: number) => mine(db, actor).selectAll().where('id', '=', id).executeTakeFirst(),
    markRead: (db: Db, id: number, at: Date) =>
      db
        .updateTable('notifications')
        .set({ read_at: sql`coalesce(read_at, ${at})` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow(),
  };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;
