import { sql, type Generated, type Insertable, type Selectable } from 'kysely';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
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

export const notificationStore = {
  async insertMany(db: Db, rows: NewNotification[]): Promise<void> {
    if (rows.length) await db.insertInto('notifications').values(rows).execute();
  },
  forReporter: (db: Db, caseCode: string) => db.selectFrom('notifications').selectAll().where('recipient_type', '=', 'reporter').where('recipient', '=', caseCode).orderBy('id').execute(),
};

/** 通知 the inbox of a signed-in user. Reporter notices go to an SMS/app gateway, not to this inbox. */
export function createNotificationService(deps: Deps) {
  const { db, clock } = deps;
  return {
    async list(actor: Actor, filter: { unread?: boolean; kind?: string }, page: number, pageSize: number): Promise<Page<NotificationRow & { case_code: string | null }>> {
      assertCan(actor, 'case.read');
      let q = mine(db, actor);
      if (filter.unread) q = q.where('read_at', 'is', null);
      if (filter.kind) q = q.where('kind', '=', filter.kind);
      const [items, total] = await Promise.all([
        q.selectAll().orderBy('id', 'desc').limit(pageSize).offset((page - 1) * pageSize).execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
      ]);
      const ids = [...new Set(items.map((n) => n.case_id).filter((id): id is string => id !== null))];
      const codes = new Map(ids.length ? (await db.selectFrom('cases').select(['id', 'code']).where('id', 'in', ids).execute()).map((r) => [r.id, r.code]) : []);
      return { items: items.map((n) => ({ ...n, case_code: n.case_id ? (codes.get(n.case_id) ?? null) : null })), total, page, pageSize };
    },

    async markRead(actor: Actor, id: number): Promise<NotificationRow> {
      assertCan(actor, 'case.read');
      const row = await mine(db, actor).selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound('notification', String(id));
      // Marking read is a view preference, not a change to governed data, so it is not in the audit chain.
      return db
        .updateTable('notifications')
        .set({ read_at: sql`coalesce(read_at, ${clock.now()})` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
