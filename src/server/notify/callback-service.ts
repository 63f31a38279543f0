import { createHash } from 'node:crypto';
import { assertCan, systemActor, type Actor } from '../access/permissions.ts';
import type { NotificationService } from '../cases/notifications.ts';
import { scrubPii } from '../cases/scrub.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { callbackStore as store, type CallbackOutcome, type CallbackRow } from './callback-store.ts';
import { ratingCodeFor } from './rating-code.ts';

/** Deterministic sample: the same case code is in or out on every node and every rerun. */
export function sampledIn(code: string, percent: number): boolean {
  const n = createHash('sha256').update(code).digest().readUInt32BE(0) % 10_000;
  return n < percent * 100;
}

/**
 * 回访 the callback queue: closed cases are sampled (every 投诉, a share of the rest, every 不满意) into a queue a
 * clerk works with a script; the outcome rates the case on the caller's behalf, and 不满意 reopens it (返工) or,
 * when its one rework is spent, goes to the dispatchers as a supervision matter. The `callbacks` rows are what
 * evaluation reads: a closure contradicted by its callback counts against the unit.
 */
export function createCallbackService(deps: Deps, others: { cases: CaseService; notifications: NotificationService }) {
  const { db, clock, config, pii } = deps;
  const { cases, notifications } = others;

  async function sampleCallbacks(batch = 500): Promise<number> {
    let queued = 0;
    for (;;) {
      const more = await db.transaction().execute(async (tx) => {
        const cursor = await store.cursor(tx);
        if (cursor < 0) return false; // another node is sampling right now
        const events = await store.closuresAfter(tx, cursor, batch);
        for (const e of events) {
          const reason = e.to_state === 'rated' ? (e.rating === 'unsatisfied' ? 'unsatisfied' : null) : e.nature === 'complaint' ? 'complaint' : sampledIn(e.code, config.CALLBACK_SAMPLE_PERCENT) ? 'sample' : null;
          if (!reason) continue;
          await store.enqueue(tx, { case_id: e.case_id, closed_at: e.to_state === 'rated' ? (e.closed_at ?? e.at) : e.at, reason, department_code: e.main_department, area_path: e.area_path, queued_at: clock.now() });
          queued++;
        }
        if (events.length) await store.setCursor(tx, events[events.length - 1]!.id);
        return events.length === batch;
      });
      if (!more) return queued;
    }
  }

  const script = (r: { code: string; created_at: Date; answer: string | null }, ratingCode: string) =>
    `您好，这里是12345政务服务便民热线回访。您在${r.created_at.toISOString().slice(0, 10)}反映的诉求（编号${r.code}）已办结，答复是：${r.answer ? scrubPii(r.answer) : '（无）'}。请问您对办理结果是满意、基本满意还是不满意？${ratingCode ? `（来电人也可凭评价码${ratingCode}自行评价）` : ''}`;

  return {
    sampleCallbacks,

    async queue(actor: Actor, page: number, pageSize: number) {
      assertCan(actor, 'callback.work');
      const [rows, total] = await store.queue(db, actor.scopePath, page, pageSize);
      const items = rows.map((r) => ({
        id: r.id,
        caseCode: r.code,
        reason: r.reason,
        tries: r.tries,
        category: r.category,
        nature: r.nature,
        state: r.state,
        department: r.main_department,
        queuedAt: r.queued_at.toISOString(),
        closedAt: r.closed_at.toISOString(),
        // the clerk sees the contact through 查看明文 (audited), not in the queue
        script: script(r, ''),
      }));
      return { items, total, page, pageSize };
    },

    /** A callback's outcome; `unreachable` counts a try and gives up after CALLBACK_MAX_TRIES. */
    async record(actor: Actor, id: number, input: { outcome: CallbackOutcome; note?: string }): Promise<CallbackRow> {
      assertCan(actor, 'callback.work');
      const b = await store.find(db, id, actor.scopePath);
      if (!b) throw notFound('callback', String(id));
      if (b.status !== 'queued') throw conflict('callback.done', `callback ${id} was already recorded (${b.outcome})`);
      const c = await cases.core.store.findById(db, b.case_id);
      if (!c) throw notFound('case', b.case_id);
      const now = clock.now();
      const who = { clerk_id: actor.id, clerk: actor.username, note: input.note?.trim() || null };
      if (input.outcome === 'unreachable') {
        const tries = b.tries + 1;
        const gaveUp = tries >= config.CALLBACK_MAX_TRIES;
        const row = await store.finish(db, id, { tries, ...who, ...(gaveUp ? { status: 'unreachable', outcome: 'unreachable', at: now } : {}) });
        if (!row) throw conflict('callback.done', `callback ${id} was recorded by someone else`);
        return row;
      }
      let followUp = 'recorded';
      if (c.state === 'closed') {
        await cases.act(actor, c.code, 'rate', { rating: input.outcome, comment: `回访${who.note ? `：${who.note}` : ''}` });
        followUp = 'rated';
      }
      if (input.outcome === 'unsatisfied') {
        // the rule: a 不满意 callback reopens the case once (返工); after that it is a matter for supervision
        const system = systemActor(c.area_path, `callback:${actor.username}`);
        try {
          await cases.act(system, c.code, 'rework', { reason: `回访不满意${who.note ? `：${who.note}` : ''}` });
          followUp = 'reopened';
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 409) throw err;
          await db.transaction().execute((tx) =>
            notifications.notify(tx, [{ recipient_type: 'role', recipient: 'dispatcher', case_id: c.id, area_path: c.area_path, kind: 'case.callback_unsatisfied', title: `案件 ${c.code} 回访不满意，请督办`, created_at: now }]),
          );
          followUp = 'supervision';
        }
      }
      const row = await store.finish(db, id, { status: 'done', outcome: input.outcome, follow_up: followUp, tries: b.tries + 1, at: now, ...who });
      if (!row) throw conflict('callback.done', `callback ${id} was recorded by someone else`);
      await db.transaction().execute((tx) => deps.audit.record(tx, now, actor, 'callback.record', { type: 'case', id: c.code }, { callback: id, outcome: input.outcome, followUp }));
      return row;
    },

    /** The script with the rating code, for the clerk who has the caller on the line. */
    async scriptFor(actor: Actor, id: number) {
      assertCan(actor, 'callback.work');
      const b = await store.find(db, id, actor.scopePath);
      if (!b) throw notFound('callback', String(id));
      const c = (await cases.core.store.findById(db, b.case_id))!;
      return { script: script(c, ratingCodeFor(pii, c.id)) };
    },
  };
}

export type CallbackService = ReturnType<typeof createCallbackService>;
