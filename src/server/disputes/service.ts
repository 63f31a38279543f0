import { assertCan, can, type Actor } from '../access/permissions.ts';
import type { CaseService } from '../cases/service.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { isValidIdNumber, maskIdNumber, maskName, maskPhone, normaliseIdNumber, normalisePhone } from '../privacy/pii.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import type { DisputeFilter, NewDispute, OutcomeBody, PartyInput, SessionBody } from './schema.ts';
import { createDisputeStore, type DisputeRow, type DisputePartyTable, type DisputeTable, type RegisterRow } from './store.ts';
import type { Insertable } from 'kysely';

/** 回访 after an agreement: a week later, and a month later (the usual practice of 人民调解 committees). */
export const FOLLOWUP_DAYS = [7, 30] as const;
const DAY_MS = 86_400_000;

/** Categories a dispute may carry: 矛盾纠纷 (15xx), and the labour and consumer appeals that are disputes too. */
export const isDisputeCategory = (code: string) => code.startsWith('15') || code === '1001' || code === '0902';

export interface DisputeDeps {
  cases: CaseService;
  taxonomy: Taxonomy;
}

export function createDisputeService(deps: Deps, { cases, taxonomy }: DisputeDeps) {
  const store = createDisputeStore();
  const { db, clock, audit, pii } = deps;

  async function load(actor: Actor, code: string): Promise<RegisterRow> {
    assertCan(actor, 'dispute.read');
    const row = await store.byCode(db, code, actor.scopePath);
    if (!row) throw notFound('dispute', code);
    return row;
  }

  async function detail(actor: Actor, row: RegisterRow) {
    const [parties, sessions, followups] = await Promise.all([store.parties(db, row.id), store.sessions(db, row.id), store.followups(db, row.id)]);
    // Mediators need to reach the parties by name; everyone else reads the register masked. Phones and ID
    // numbers stay masked in every view (the registry's audited reveal is the way to the clear value).
    const clearNames = can(actor, 'dispute.manage');
    return {
      row,
      parties: parties.map((p) => ({
        id: p.id,
        role: p.role,
        kind: p.organisation_id ? ('organisation' as const) : ('person' as const),
        personId: p.person_id,
        organisationId: p.organisation_id,
        name: p.organisation_id ? (p.organisation_name ?? p.name_mask) : clearNames && p.name_sealed ? pii.decrypt(p.name_sealed) : (p.person_mask ?? p.name_mask),
        phone: p.phone_mask ?? p.person_phone_mask ?? null,
        idNumber: p.id_number_mask ?? p.person_id_mask ?? null,
      })),
      sessions,
      followups,
      now: clock.now(),
    };
  }

  async function partyRows(actor: Actor, parties: PartyInput[]): Promise<Omit<Insertable<DisputePartyTable>, 'dispute_id'>[]> {
    const out: Omit<Insertable<DisputePartyTable>, 'dispute_id'>[] = [];
    for (const [i, p] of parties.entries()) {
      if ('personId' in p) {
        const person = await store.personExists(db, p.personId, actor.scopePath);
        if (!person) throw invalid('dispute.unknown_person', `party ${i + 1}: person ${p.personId} is not in the registry of your area`);
        out.push({ role: p.role, person_id: p.personId, organisation_id: null, name_mask: person.name_mask });
      } else if ('organisationId' in p) {
        const org = await store.organisationExists(db, p.organisationId);
        if (!org) throw invalid('dispute.unknown_organisation', `party ${i + 1}: organisation ${p.organisationId} is not in the registry`);
        out.push({ role: p.role, person_id: null, organisation_id: p.organisationId, name_mask: org.name });
      } else {
        let phone: string | null = null;
        if (p.phone?.trim()) {
          phone = normalisePhone(p.phone);
          if (!phone) throw invalid('dispute.bad_phone', `party ${i + 1}: the phone is not a mainland mobile or landline number`);
        }
        let idNumber: string | null = null;
        if (p.idNumber?.trim()) {
          idNumber = normaliseIdNumber(p.idNumber);
          if (!isValidIdNumber(idNumber)) throw invalid('dispute.bad_id_number', `party ${i + 1}: the ID number fails the GB 11643 check`);
        }
        out.push({
          role: p.role,
          person_id: null,
          organisation_id: null,
          name_sealed: pii.encrypt(p.name),
          name_mask: maskName(p.name),
          phone_sealed: phone ? pii.encrypt(phone) : null,
          phone_bidx: phone ? pii.blindIndex(phone) : null,
          phone_mask: phone ? maskPhone(phone) : null,
          id_number_sealed: idNumber ? pii.encrypt(idNumber) : null,
          id_number_bidx: idNumber ? pii.blindIndex(idNumber) : null,
          id_number_mask: idNumber ? maskIdNumber(idNumber) : null,
        });
      }
    }
    return out;
  }

  /** One dispute step in one transaction: lock, check, write, put it on the case timeline, audit. */
  async function step<T>(actor: Actor, code: string, action: string, run: (tx: Db, d: DisputeRow) => Promise<{ set: Partial<Insertable<DisputeTable>>; event: Record<string, unknown>; reason?: string | null; attachments?: string[]; result?: T }>) {
    assertCan(actor, 'dispute.manage');
    const found = await load(actor, code);
    const now = clock.now();
    await db.transaction().execute(async (tx) => {
      const d = await store.lock(tx, found.id);
      const r = await run(tx, d);
      await store.update(tx, d.id, { ...r.set, updated_at: now });
      const { state } = await store.caseState(tx, d.case_id);
      await store.insertCaseEvent(tx, { case_id: d.case_id, at: now, actor_id: actor.id, actor: actor.username, action, state, reason: r.reason ?? null, attachments: r.attachments ?? [], payload: r.event });
      await audit.record(tx, now, actor, action.replace('_', '.'), { type: 'dispute', id: code }, r.event);
    });
    return detail(actor, (await store.byCode(db, code, actor.scopePath))!);
  }

  async function checkAttachments(tx: Db, caseId: string, ids: string[]) {
    const found = new Set((await store.attachmentsOfCase(tx, caseId, ids)).map((a) => a.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw invalid('dispute.unknown_attachment', 'attach files uploaded to this dispute’s case first', { missing });
  }

  return {
    /** 登记: the case through the one front door, the dispute and its parties in the same transaction. */
    async create(actor: Actor, input: NewDispute) {
      assertCan(actor, 'dispute.manage');
      if (!taxonomy.category(input.category) || !isDisputeCategory(input.category)) throw invalid('dispute.bad_category', `category ${input.category} is not a dispute category (15xx, 1001, 0902)`);
      const parties = await partyRows(actor, input.parties);
      const channel = input.channel ?? (actor.roles.includes('gridworker') ? 'gridworker' : 'hotline');
      const now = clock.now();
      const result = await cases.intake(
        actor,
        { channel, text: input.text, category: input.category, nature: 'help', lon: input.lon, lat: input.lat, address: input.address },
        {
          within: async (tx, c) => {
            const d = await store.insert(tx, {
              case_id: c.id,
              type: input.type,
              risk_level: input.riskLevel,
              state: 'registered',
              mediator_kind: input.mediator.kind,
              mediator_name: input.mediator.name,
              summary: input.text.slice(0, 200),
              area_path: c.area_path,
              grid_code: c.grid_code,
              outcome: null,
              agreement_text: null,
              agreement_attachment: null,
              handover_to: null,
              receiving_body: null,
              outcome_at: null,
              last_session_at: null,
              created_by: actor.id,
              created_at: now,
              updated_at: now,
            });
            await store.insertParties(tx, parties.map((p) => ({ ...p, dispute_id: d.id })));
            const event = { type: input.type, riskLevel: input.riskLevel, mediator: input.mediator.kind, parties: parties.length };
            await store.insertCaseEvent(tx, { case_id: c.id, at: now, actor_id: actor.id, actor: actor.username, action: 'dispute_register', state: c.state, reason: null, attachments: [], payload: event });
            await audit.record(tx, now, actor, 'dispute.register', { type: 'dispute', id: c.code }, event);
          },
        },
      );
      return detail(actor, (await store.byCode(db, result.case.code, actor.scopePath))!);
    },

    async list(actor: Actor, filter: DisputeFilter, page: number, pageSize: number): Promise<Page<RegisterRow>> {
      assertCan(actor, 'dispute.read');
      const [items, total] = await store.list(db, actor.scopePath, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    async get(actor: Actor, code: string) {
      return detail(actor, await load(actor, code));
    },

    /** 调解 one mediation session; the first moves the dispute from registered to mediating. */
    session: (actor: Actor, code: string, body: SessionBody) =>
      step(actor, code, 'dispute_session', async (tx, d) => {
        if (d.state !== 'registered' && d.state !== 'mediating') throw conflict('dispute.not_in_mediation', `a dispute that is ${d.state} takes no session; re-open it first`);
        await checkAttachments(tx, d.case_id, body.attachments);
        const heldAt = new Date(body.heldAt);
        if (heldAt.getTime() > clock.now().getTime() + 3_600_000) throw invalid('dispute.session_in_future', 'record a session once it has been held');
        const s = await store.insertSession(tx, { dispute_id: d.id, held_at: heldAt, place: body.place, attendees: body.attendees, minutes: body.minutes, attachments: body.attachments, recorded_by: actor.id, recorded_by_name: actor.username, created_at: clock.now() });
        const last = d.last_session_at && d.last_session_at > heldAt ? d.last_session_at : heldAt;
        return { set: { state: 'mediating', last_session_at: last }, event: { session: s.id, heldAt: body.heldAt, place: body.place, attendees: body.attendees.length }, attachments: body.attachments };
      }),

    /** 调解结果: an agreement (text + signed scan, 回访 scheduled) or a handover to the court, petition office or police. */
    outcome: (actor: Actor, code: string, body: OutcomeBody) =>
      step(actor, code, 'dispute_outcome', async (tx, d) => {
        if (d.state !== 'registered' && d.state !== 'mediating') throw conflict('dispute.outcome_recorded', `this dispute already has an outcome (${d.state}); re-open it to mediate again`);
        const now = clock.now();
        if (body.kind === 'agreement') {
          if (d.state !== 'mediating') throw conflict('dispute.no_session', 'an agreement comes out of a mediation session; record the session first');
          await checkAttachments(tx, d.case_id, [body.signedScan]);
          await store.insertFollowups(tx, FOLLOWUP_DAYS.map((days) => ({ dispute_id: d.id, due_at: new Date(now.getTime() + days * DAY_MS), done_at: null, result: null, done_by_name: null })));
          return {
            set: { state: 'agreed', outcome: 'agreement', agreement_text: body.agreementText, agreement_attachment: body.signedScan, handover_to: null, receiving_body: null, outcome_at: now },
            event: { outcome: 'agreement', followupDays: [...FOLLOWUP_DAYS] },
            attachments: [body.signedScan],
          };
        }
        return {
          set: { state: 'handed_over', outcome: 'handover', agreement_text: null, agreement_attachment: null, handover_to: body.handoverTo, receiving_body: body.receivingBody, outcome_at: now },
          event: { outcome: 'handover', handoverTo: body.handoverTo, receivingBody: body.receivingBody },
          reason: body.reason,
        };
      }),

    /** 回访 the earliest pending follow-up visit after an agreement. */
    followup: (actor: Actor, code: string, body: { result: 'stable' | 'flaring'; note: string }) =>
      step(actor, code, 'dispute_followup', async (tx, d) => {
        if (d.state !== 'agreed') throw conflict('dispute.no_followup_due', 'follow-up visits are made after an agreement');
        const f = await store.nextFollowup(tx, d.id);
        if (!f) throw conflict('dispute.no_followup_due', 'every follow-up visit of this dispute has been made');
        await store.completeFollowup(tx, f.id, { done_at: clock.now(), result: body.result, note: body.note, done_by_name: actor.username });
        return { set: {}, event: { followup: f.id, dueAt: f.due_at.toISOString(), result: body.result }, reason: body.note || null };
      }),

    /** 重新调解: the dispute flared up again after an agreement or a handover. */
    reopen: (actor: Actor, code: string, reason: string) =>
      step(actor, code, 'dispute_reopen', async (tx, d) => {
        if (d.state !== 'agreed' && d.state !== 'handed_over') throw conflict('dispute.not_closed', 'only a dispute with an outcome can be re-opened');
        await store.dropOpenFollowups(tx, d.id);
        const previous = { outcome: d.outcome, handoverTo: d.handover_to, receivingBody: d.receiving_body };
        return {
          set: { state: 'mediating', outcome: null, agreement_text: null, agreement_attachment: null, handover_to: null, receiving_body: null, outcome_at: null, reopen_count: d.reopen_count + 1 },
          event: { previous },
          reason,
        };
      }),

    areaNames: () => store.areaNames(db),

    /** 回访 due within `days` days (and those overdue), in scope */
    async dueFollowups(actor: Actor, days: number) {
      assertCan(actor, 'dispute.read');
      const now = clock.now();
      const rows = await store.dueFollowups(db, actor.scopePath, new Date(now.getTime() + days * DAY_MS));
      return rows.map((r) => ({ id: r.id, dueAt: r.due_at.toISOString(), code: r.code, type: r.type, riskLevel: r.risk_level, summary: r.summary, overdue: r.due_at < now }));
    },
  };
}

export type DisputeService = ReturnType<typeof createDisputeService>;
export type DisputeView = Awaited<ReturnType<DisputeService['get']>>;
