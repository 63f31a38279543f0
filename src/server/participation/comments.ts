import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { createCommentStore, type CommentRow } from './comment-store.ts';
import { createConsultationStore } from './consultation-store.ts';
import type { ResidentInArea } from './resident-store.ts';
import { livesIn } from './rules.ts';

export type { CommentRow } from './comment-store.ts';

/** comments a resident may post in ten minutes (rate limit per person, not per address) */
export const COMMENTS_PER_10_MIN = 5;
const inside = (path: string, area: string) => path === area || path.startsWith(`${area}.`);

/** 评论: residents of the area discuss a consultation; reports flag a comment, an organiser hides it with a logged reason. */
export function createCommentService(deps: Deps) {
  const { db, clock, audit } = deps;
  const cons = createConsultationStore();
  const store = createCommentStore();
  return {
    list: (consultationId: string) => store.list(db, consultationId) as Promise<CommentRow[]>,
    async post(resident: ResidentInArea, consultationId: string, body: string) {
      const c = await cons.consultation(db, consultationId);
      if (!c) throw notFound('consultation', consultationId);
      if (!livesIn(resident, c.area_path)) throw new AppError(403, 'participation.outside_area', 'only residents of this area comment here');
      const now = clock.now();
      if ((await store.recent(db, resident.id, new Date(now.getTime() - 600_000))) >= COMMENTS_PER_10_MIN) {
        throw new AppError(429, 'participation.too_many_comments', 'you have commented a lot just now; wait a few minutes');
      }
      return store.insert(db, { consultation_id: consultationId, resident_id: resident.id, body, created_at: now });
    },
    /** 待处理举报: what the organiser of an area moderates (reported, not yet hidden). */
    reported(actor: Actor) {
      assertCan(actor, 'participation.organise');
      return store.reported(db, actor.scopePath);
    },
    async report(_resident: ResidentInArea, id: string) {
      if (!(await store.find(db, id))) throw notFound('participation_comment', id);
      await store.report(db, id);
    },
    async hide(actor: Actor, id: string, reason: string) {
      assertCan(actor, 'participation.organise');
      const m = await store.find(db, id);
      const c = m ? await cons.consultation(db, m.consultation_id) : undefined;
      if (!m || !c || !inside(c.area_path, actor.scopePath)) throw notFound('participation_comment', id);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        const r = await store.hide(tx, id, reason, now);
        if (Number(r.numUpdatedRows) === 0) throw conflict('participation.comment_hidden', 'the comment is hidden already');
        await audit.record(tx, now, actor, 'participation.comment_hidden', { type: 'participation_comment', id }, { reason, consultation: c.id, reports: m.reports });
      });
    },
  };
}

/** A hidden comment keeps its place in the thread, without its text. */
export const presentComment = (c: CommentRow) => ({
  id: c.id,
  author: c.author,
  body: c.hidden_at ? null : c.body,
  hidden: c.hidden_at !== null,
  hiddenReason: c.hidden_reason,
  reports: c.reports,
  createdAt: c.created_at.toISOString(),
});
