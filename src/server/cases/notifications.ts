import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { createNotificationStore, type NewNotification, type NotificationRow } from './notification-store.ts';

export type { NewNotification, NotificationRow } from './notification-store.ts';

/**
 * 通知: the inbox of a signed-in user, and the one way other code (the case workflow, supervision, Open311)
 * leaves a notice. Reporter notices go to an SMS/app gateway, not to this inbox.
 */
export function createNotificationService(deps: Deps) {
  const { db, clock } = deps;
  const store = createNotificationStore();
  return {
    /** Leaves notices in the caller's transaction, so they commit with the change they announce. */
    notify: (tx: Db, rows: NewNotification[]) => store.insertMany(tx, rows),

    /** What a case's reporter was told (the outbox an SMS/app gateway reads). */
    forReporter: (caseCode: string) => store.forReporter(db, caseCode),

    async list(actor: Actor, filter: { unread?: boolean; kind?: string }, page: number, pageSize: number): Promise<Page<NotificationRow & { case_code: string | null }>> {
      assertCan(actor, 'case.read');
      const [items, total] = await store.listMine(db, actor, filter, page, pageSize);
      const codes = await store.caseCodes(db, [...new Set(items.map((n) => n.case_id).filter((id): id is string => id !== null))]);
      return { items: items.map((n) => ({ ...n, case_code: n.case_id ? (codes.get(n.case_id) ?? null) : null })), total, page, pageSize };
    },

    async markRead(actor: Actor, id: number): Promise<NotificationRow> {
      assertCan(actor, 'case.read');
      const row = await store.findMine(db, actor, id);
      if (!row) throw notFound('notification', String(id));
      // Marking read is a view preference, not a change to governed data, so it is not in the audit chain.
      return store.markRead(db, id, clock.now());
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
