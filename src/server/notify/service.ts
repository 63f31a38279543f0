import { assertCan, systemActor, type Actor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import { scrubPii } from '../cases/scrub.ts';
import type { Rating } from '../cases/store.ts';
import type { Deps } from '../context.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { normalisePhone } from '../privacy/pii.ts';
import { channelsFromConfig, type Channel, type ChannelKind, type Message } from './channels.ts';
import { createCitizenFollowUp } from './follow-up.ts';
import { ratingCodeFor, ratingCodeMatches } from './rating-code.ts';
import { createResidentCodeSender } from './resident-code.ts';
import { createOutboxStore, type OutboxRow, type OutboxStatus } from './store.ts';
import { render, type NotifyEvent, type Rendered } from './templates.ts';

/** Wrong rating codes a case tolerates before it locks (then only a clerk can rate, during a callback). */
export const RATING_CODE_MAX_FAILURES = 5;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 6 * 3600_000;

/** 30 s, 1 min, 2 min … capped at 6 h: an outage of minutes costs minutes, a long one does not hammer the server. */
export const backoffMs = (attempts: number) => Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_CAP_MS);

interface Prepared {
  to: string;
  rendered: Rendered;
  params: string[];
}

/**
 * 送达 the delivery side of notices: an outbox filled by database triggers in each transition's transaction
 * (migration 0016), drained by `deliverDue` with retries and exponential backoff; dead letters for admins.
 */
export function createNotifyService(deps: Deps, others: { cases: CaseService; channels?: Partial<Record<ChannelKind, Channel>> }) {
  const { db, clock, config, pii, logger } = deps;
  const store = createOutboxStore();
  const channels = others.channels ?? channelsFromConfig(config, () => clock.now());
  const caseUrl = (code: string) => `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/portal/track/${code}`;
  const locale = config.NOTIFY_LOCALE;
  const followUp = createCitizenFollowUp(deps, { current: () => others.cases.core.taxonomyVersion() });
  const residentCodes = createResidentCodeSender(deps);

  /** The recipient's address (decrypted only here, at send time) and the text; null: nobody to send it to. */
  async function prepare(row: OutboxRow): Promise<Prepared | null> {
    const event = row.event as NotifyEvent;
    if (row.recipient_type === 'citizen') {
      const otp = await followUp.takeForDelivery(Number(row.recipient));
      return otp ? { to: otp.phone, rendered: render(event, locale, { otp: otp.code }), params: [otp.code] } : null;
    }
    if (row.recipient_type === 'resident') {
      const r = residentCodes.open(row.params);
      return r ? { to: r.to, rendered: { subject: locale === 'en' ? 'Resident code' : '居民认证码', text: r.text }, params: [r.code] } : null;
    }
    if (row.recipient_type === 'reporter' && row.case_id) {
      const c = await store.caseContacts(db, row.case_id);
      const address = row.channel === 'email' ? c?.reporter_email : c?.reporter_phone;
      if (!c || !address) return null;
      const ratingCode = ratingCodeFor(pii, c.id);
      const answer = c.answer ? scrubPii(c.answer) : null;
      return { to: pii.decrypt(address), rendered: render(event, locale, { caseCode: c.code, ratingCode, answer, caseUrl: caseUrl(c.code) }), params: [c.code, ratingCode] };
    }
    const notice = row.notification_id ? await store.notification(db, row.notification_id) : undefined;
    const code = row.case_id ? (await store.caseCode(db, row.case_id))?.code : undefined;
    const title = notice?.title ?? String(row.params.type ?? '') + (row.params.deviceId ? ` ${String(row.params.deviceId)}` : '');
    const rendered = render(event, locale, { caseCode: code, title, ...(code ? { caseUrl: caseUrl(code) } : {}) });
    if (row.recipient_type === 'robot') return { to: '', rendered, params: [code ?? '', title] };
    const pref = await store.preference(db, row.recipient);
    const address = row.channel === 'email' ? pref?.email : pref?.phone;
    if (!pref || !address) return null;
    return { to: pii.decrypt(address), rendered, params: [code ?? '', title] };
  }

  async function deliver(row: OutboxRow): Promise<'sent' | 'dev' | 'skipped' | 'retry' | 'dead'> {
    const now = () => clock.now();
    let prepared: Prepared | null;
    try {
      prepared = await prepare(row);
    } catch (err) {
      await store.markFailed(db, row.id, `render: ${(err as Error).message}`, null);
      return 'dead';
    }
    if (!prepared) {
      await store.markSkipped(db, row.id, 'no address for this channel');
      return 'skipped';
    }
    const channel = channels[row.channel];
    if (!channel) {
      if (!config.NOTIFY_DEV_OUTBOX) {
        await store.markSkipped(db, row.id, `channel ${row.channel} is not configured`);
        return 'skipped';
      }
      // demo: the message is kept for the console's dev outbox instead of leaving the machine
      await store.markSent(db, row.id, now(), 'dev', { subject: prepared.rendered.subject, body: prepared.rendered.text });
      return 'dev';
    }
    const message: Message = { to: prepared.to, subject: prepared.rendered.subject, text: prepared.rendered.text, params: prepared.params };
    try {
      await channel.send(message);
      await store.markSent(db, row.id, now(), row.channel);
      if (row.recipient_type === 'citizen') await followUp.clearCode(Number(row.recipient));
      if (row.recipient_type === 'resident') await residentCodes.clear(row.id);
      return 'sent';
    } catch (err) {
      // the error text may quote the address back: keep it out of the table and the logs
      const error = scrubPii(String((err as Error).message ?? err)).slice(0, 300);
      const dead = row.attempts >= config.NOTIFY_MAX_ATTEMPTS;
      await store.markFailed(db, row.id, error, dead ? null : new Date(now().getTime() + backoffMs(row.attempts)));
      logger.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, error }, dead ? 'notice dead-lettered' : 'notice delivery failed; will retry');
      return dead ? 'dead' : 'retry';
    }
  }

  return {
    channels,
    /** participation's SendCode: the resident code goes out as a sealed `resident.otp` SMS row */
    sendResidentCode: residentCodes.send,

    /** One worker tick: claim what is due (this node only gets rows no other node holds) and deliver it. */
    async deliverDue(limit = 50) {
      const counts = { sent: 0, dev: 0, skipped: 0, retry: 0, dead: 0 };
      for (;;) {
        const rows = await store.claimDue(db, clock.now(), limit);
        for (const row of rows) counts[await deliver(row)]++;
        if (rows.length < limit) return counts;
      }
    },

    async listOutbox(actor: Actor, filter: { status?: OutboxStatus; caseCode?: string }, page: number, pageSize: number): Promise<Page<OutboxRow & { case_code: string | null }>> {
      assertCan(actor, 'notify.manage');
      let caseId: string | undefined;
      if (filter.caseCode) {
        const c = await others.cases.core.store.findByCodeAnywhere(db, filter.caseCode);
        if (!c) return { items: [], total: 0, page, pageSize };
        caseId = c.id;
      }
      const [items, total] = await store.list(db, { ...(filter.status ? { status: filter.status } : {}), ...(caseId ? { caseId } : {}) }, page, pageSize);
      const codes = new Map<string, string>();
      for (const id of new Set(items.map((r) => r.case_id).filter((x): x is string => !!x))) codes.set(id, (await store.caseCode(db, id))?.code ?? '');
      return { items: items.map((r) => ({ ...r, case_code: r.case_id ? (codes.get(r.case_id) ?? null) : null })), total, page, pageSize };
    },

    /** A dead letter (or a skipped one, after the channel was configured) goes back into the queue. */
    async retry(actor: Actor, id: number): Promise<OutboxRow> {
      assertCan(actor, 'notify.manage');
      const row = await db.transaction().execute(async (tx) => {
        const r = await store.requeue(tx, id, clock.now());
        if (r) await deps.audit.record(tx, clock.now(), actor, 'notify.retry', { type: 'notify_outbox', id: String(id) }, {});
        return r;
      });
      if (row) return row;
      if (!(await store.find(db, id))) throw notFound('notify_outbox', String(id));
      throw new AppError(409, 'notify.not_dead', `message ${id} is not a dead letter; only dead or skipped messages are retried by hand`);
    },

    async preference(actor: Actor) {
      if (!actor.id) throw new AppError(403, 'notify.no_account', 'preferences belong to a signed-in account');
      const p = await store.preference(db, actor.id);
      return { channel: p?.channel ?? 'inapp', email: p?.email ? pii.decrypt(p.email) : null, phone: p?.phone ? pii.decrypt(p.phone) : null };
    },

    /** 通知方式 a staff member's own choice: in-app only, or also by email / SMS to their own contact. */
    async setPreference(actor: Actor, input: { channel: 'inapp' | 'email' | 'sms'; email?: string; phone?: string }) {
      if (!actor.id) throw new AppError(403, 'notify.no_account', 'preferences belong to a signed-in account');
      const email = input.email?.trim() || null;
      const phone = input.phone?.trim() ? normalisePhone(input.phone) : null;
      if (input.phone?.trim() && !phone) throw invalid('notify.bad_phone', 'the phone is not a mainland mobile number');
      if (input.channel === 'email' && !email) throw invalid('notify.email_required', 'give the address to send email to');
      if (input.channel === 'sms' && !phone) throw invalid('notify.phone_required', 'give the mobile number to send SMS to');
      await store.putPreference(db, { user_id: actor.id, channel: input.channel, email: email ? pii.encrypt(email) : null, phone: phone ? pii.encrypt(phone) : null, updated_at: clock.now() });
      return { channel: input.channel, email, phone };
    },

    /**
     * 评价 with the six-digit code and the reporter's phone (when the case has one). Every wrong try counts; at
     * the fifth the case locks, so the million codes cannot be walked.
     */
    async rateByCode(code: string, input: { ratingCode: string; phone?: string; rating: Rating; comment?: string }) {
      const c = await others.cases.core.store.findByCodeAnywhere(db, code);
      if (!c) throw notFound('case', code);
      const attempts = await store.ratingAttempts(db, c.id);
      if (attempts?.locked_at) throw new AppError(403, 'case.rating_code_locked', 'too many wrong rating codes; the case can now be rated only through a 12345 callback');
      const phone = input.phone ? normalisePhone(input.phone) : null;
      const phoneOk = c.reporter_phone_idx === null || (phone !== null && pii.blindIndex(phone) === c.reporter_phone_idx);
      if (!ratingCodeMatches(pii, c.id, input.ratingCode) || !phoneOk) {
        const failures = await store.recordFailure(db, c.id, clock.now(), RATING_CODE_MAX_FAILURES);
        const left = Math.max(0, RATING_CODE_MAX_FAILURES - failures);
        throw new AppError(403, left ? 'case.bad_rating_code' : 'case.rating_code_locked', left ? `the rating code or phone does not match; ${left} tries left` : 'too many wrong rating codes; the case is locked', { triesLeft: left });
      }
      if (c.state !== 'closed') throw new AppError(409, 'case.illegal_transition', `case ${c.code} is ${c.state}; only a closed case can be rated`, { state: c.state });
      const reporter: Actor = { ...systemActor(c.area_path, 'reporter'), permissions: new Set(['case.rate', 'case.read']) };
      return others.cases.act(reporter, code, 'rate', { rating: input.rating, ...(input.comment ? { comment: input.comment } : {}) });
    },
  };
}

export type NotifyService = ReturnType<typeof createNotifyService>;
