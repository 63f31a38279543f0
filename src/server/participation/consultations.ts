import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import { createConsultationStore, type ConsultationRow } from './consultation-store.ts';
import { createResidentStore, type ResidentInArea } from './resident-store.ts';
import { checkChoices, livesIn, resultsVisible, stateOf, tally, type ConsultationState } from './rules.ts';

export interface NewSpace {
  areaCode: string;
  title: string;
  description?: string;
  responsibleUnit?: string;
  supportThreshold?: number;
  answerDays?: number;
}

export interface NewConsultation {
  title: string;
  topic?: string;
  background?: string;
  references?: { title: string; url: string }[];
  lon?: number;
  lat?: number;
  place?: string;
  kind: 'single' | 'multiple' | 'ranking';
  maxChoices?: number;
  resultsLive?: boolean;
  options: string[];
  proposalAt?: string;
  deliberationAt: string;
  opensAt: string;
  closesAt: string;
  resultAt?: string;
}

/** What a consultation looks like to whoever asks: its state now, and the tally only when it may be seen. */
export interface ConsultationView {
  row: ConsultationRow;
  state: ConsultationState;
  options: { id: string; label: string; count: number | null }[];
  meetings: { id: string; startsAt: Date; place: string; minutes: string | null }[];
  results: { ballots: number; eligible: number; turnout: number } | null;
}

const inside = (path: string, area: string) => path === area || path.startsWith(`${area}.`);

/** 议事: spaces, consultations with their timetable and poll, meetings, close and publish. */
export function createConsultationService(deps: Deps) {
  const { db, clock, audit } = deps;
  const store = createConsultationStore();
  const residents = createResidentStore();

  async function inScope(actor: Actor, id: string) {
    assertCan(actor, 'participation.organise');
    const c = await store.consultation(db, id);
    if (!c || !inside(c.area_path, actor.scopePath)) throw notFound('consultation', id);
    return c;
  }

  async function view(c: ConsultationRow, audience: 'public' | 'staff'): Promise<ConsultationView> {
    const now = clock.now();
    const state = stateOf(c, now);
    const [options, meetings] = await Promise.all([store.options(db, c.id), store.meetings(db, c.id)]);
    // Public: after publication (or live results); staff: from the close on, to prepare the outcome.
    const visible = audience === 'public' ? c.results_live || state === 'published' : resultsVisible(state, c.results_live);
    let counts: Record<string, number> | null = null;
    let results: ConsultationView['results'] = null;
    if (visible) {
      const ballots = await store.ballots(db, c.id);
      const t = tally(c.kind, options.map((o) => o.id), ballots.map((b) => b.choices));
      const eligible = await residents.peopleInArea(db, c.area_path);
      counts = t.counts;
      results = { ballots: t.ballots, eligible, turnout: eligible ? Math.round((t.ballots / eligible) * 10_000) / 10_000 : 0 };
    }
    return {
      row: c,
      state,
      options: options.map((o) => ({ id: o.id, label: o.label, count: counts ? (counts[o.id] ?? 0) : null })),
      meetings: meetings.map((m) => ({ id: m.id, startsAt: m.starts_at, place: m.place, minutes: m.minutes })),
      results,
    };
  }

  async function castable(resident: ResidentInArea, id: string) {
    const c = await store.consultation(db, id);
    if (!c) throw notFound('consultation', id);
    if (!livesIn(resident, c.area_path)) throw new AppError(403, 'participation.outside_area', 'only residents of this area take part in this consultation');
    if (stateOf(c, clock.now()) !== 'voting') throw conflict('participation.not_open', 'the vote is not open');
    const options = await store.options(db, id);
    return { c, optionIds: options.map((o) => o.id) };
  }

  return {
    async createSpace(actor: Actor, input: NewSpace) {
      assertCan(actor, 'participation.organise');
      const area = await residents.area(db, input.areaCode);
      if (!area || !inside(area.path, actor.scopePath)) throw notFound('area', input.areaCode);
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const { id } = await store.insertSpace(tx, {
          area_code: area.code,
          area_path: area.path,
          title: input.title,
          description: input.description ?? '',
          responsible_unit: input.responsibleUnit ?? null,
          support_threshold: input.supportThreshold ?? 20,
          answer_days: input.answerDays ?? 15,
          created_by: actor.id,
          created_at: now,
        });
        await audit.record(tx, now, actor, 'participation.space_created', { type: 'participation_space', id }, { area: area.code });
        return (await store.space(tx, id))!;
      });
    },
    /** Public list (every space) or, for staff, the spaces of their scope. */
    spaces: (actor: Actor | null) => store.spaces(db, actor ? actor.scopePath : null),
    space: async (id: string) => {
      const s = await store.space(db, id);
      if (!s) throw notFound('participation_space', id);
      return s;
    },

    async create(actor: Actor, spaceId: string, input: NewConsultation, opts: { tx?: typeof db } = {}) {
      assertCan(actor, 'participation.organise');
      const space = await store.space(opts.tx ?? db, spaceId);
      if (!space || !inside(space.area_path, actor.scopePath)) throw notFound('participation_space', spaceId);
      const labels = input.options.map((o) => o.trim()).filter(Boolean);
      if (labels.length < 2 || new Set(labels).size !== labels.length) throw invalid('participation.bad_options', 'a poll needs at least two different options');
      const now = clock.now();
      const at = (s: string | undefined, fallback: Date) => (s ? new Date(s) : fallback);
      const deliberation = new Date(input.deliberationAt);
      const opens = new Date(input.opensAt);
      const closes = new Date(input.closesAt);
      const proposal = at(input.proposalAt, deliberation < now ? deliberation : now);
      const result = at(input.resultAt, closes);
      if (!(proposal <= deliberation && deliberation <= opens && opens < closes && closes <= result)) {
        throw invalid('participation.bad_timetable', 'the timetable must run proposal ≤ deliberation ≤ vote opens < vote closes ≤ result');
      }
      if ((input.lon === undefined) !== (input.lat === undefined)) throw invalid('participation.bad_location', 'send both lon and lat, or neither');
      const maxChoices = input.kind === 'multiple' ? Math.min(input.maxChoices ?? labels.length, labels.length) : input.kind === 'ranking' ? labels.length : 1;
      const write = async (tx: typeof db) => {
        const { id } = await store.insertConsultation(tx, {
          space_id: space.id,
          area_code: space.area_code,
          area_path: space.area_path,
          title: input.title,
          topic: input.topic ?? '',
          background: input.background ?? '',
          refs: input.references ?? [],
          lon: input.lon ?? null,
          lat: input.lat ?? null,
          place: input.place ?? '',
          kind: input.kind,
          max_choices: maxChoices,
          results_live: input.resultsLive ?? false,
          proposal_at: proposal,
          deliberation_at: deliberation,
          opens_at: opens,
          closes_at: closes,
          result_at: result,
          created_by: actor.id,
          created_at: now,
        });
        await store.insertOptions(tx, id, labels);
        await audit.record(tx, now, actor, 'participation.consultation_created', { type: 'participation_consultation', id }, { space: space.id });
        return id;
      };
      const id = opts.tx ? await write(opts.tx) : await db.transaction().execute(write);
      return id;
    },

    list: (f: { areaPath?: string; aroundPath?: string; spaceId?: string; state?: string }, page: number, pageSize: number) =>
      store.list(db, { ...f, now: clock.now() }, page, pageSize).then((p) => ({ ...p, items: p.items.map((row) => ({ row, state: stateOf(row, clock.now()) })) })),
    staffList: (actor: Actor, f: { state?: string; spaceId?: string }, page: number, pageSize: number) => {
      assertCan(actor, 'participation.organise');
      return store.list(db, { ...f, areaPath: actor.scopePath, now: clock.now() }, page, pageSize).then((p) => ({ ...p, items: p.items.map((row) => ({ row, state: stateOf(row, clock.now()) })) }));
    },
    async publicView(id: string) {
      const c = await store.consultation(db, id);
      if (!c) throw notFound('consultation', id);
      return view(c, 'public');
    },
    staffView: async (actor: Actor, id: string) => view(await inScope(actor, id), 'staff'),

    /** 一人一票: a second POST is refused (409); a change goes through `replace` or PUT …/votes/mine. */
    async vote(resident: ResidentInArea, id: string, choices: string[], replace = false) {
      const { c, optionIds } = await castable(resident, id);
      checkChoices({ kind: c.kind, maxChoices: c.max_choices, optionIds }, choices);
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        await store.lockConsultation(tx, id);
        const fresh = await store.consultation(tx, id);
        if (!fresh || stateOf(fresh, now) !== 'voting') throw conflict('participation.not_open', 'the vote is not open');
        const first = await store.insertVote(tx, { consultation_id: id, resident_id: resident.id, choices, created_at: now, updated_at: now });
        if (!first) {
          if (!replace) throw conflict('participation.already_voted', 'you have voted in this consultation; change your vote instead', { change: `PUT /api/v1/public/participation/consultations/${id}/votes/mine` });
          await store.replaceVote(tx, id, resident.id, choices, now);
        }
        return { choices, changed: !first, at: now };
      });
    },
    async changeVote(resident: ResidentInArea, id: string, choices: string[]) {
      const { c, optionIds } = await castable(resident, id);
      checkChoices({ kind: c.kind, maxChoices: c.max_choices, optionIds }, choices);
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        await store.lockConsultation(tx, id);
        const fresh = await store.consultation(tx, id);
        if (!fresh || stateOf(fresh, now) !== 'voting') throw conflict('participation.not_open', 'the vote is not open');
        const r = await store.replaceVote(tx, id, resident.id, choices, now);
        if (Number(r.numUpdatedRows) === 0) throw new AppError(404, 'participation.no_vote', 'you have not voted here yet');
        return { choices, changed: true, at: now };
      });
    },
    myVote: (resident: ResidentInArea, id: string) => store.vote(db, id, resident.id),

    /** 提前结束: ends the vote now (the timetable's close would have ended it anyway). */
    async close(actor: Actor, id: string) {
      const c = await inScope(actor, id);
      const now = clock.now();
      const state = stateOf(c, now);
      if (state === 'closed' || state === 'published') throw conflict('participation.already_closed', 'the vote has ended already');
      await db.transaction().execute(async (tx) => {
        await store.updateConsultation(tx, id, { closed_early_at: now });
        await audit.record(tx, now, actor, 'participation.consultation_closed', { type: 'participation_consultation', id }, { state });
      });
      return view((await store.consultation(db, id))!, 'staff');
    },
    /** 结果公示: the outcome text and the tally become public; only after the vote ended. */
    async publish(actor: Actor, id: string, outcome: string) {
      const c = await inScope(actor, id);
      const now = clock.now();
      const state = stateOf(c, now);
      if (state === 'published') throw conflict('participation.already_published', 'the outcome is published already');
      if (state !== 'closed') throw conflict('participation.not_closed', 'publish the outcome after the vote has closed');
      await db.transaction().execute(async (tx) => {
        await store.updateConsultation(tx, id, { outcome, published_at: now });
        await audit.record(tx, now, actor, 'participation.consultation_published', { type: 'participation_consultation', id });
      });
      return view((await store.consultation(db, id))!, 'staff');
    },

    async addMeeting(actor: Actor, id: string, m: { startsAt: string; place: string; minutes?: string }) {
      await inScope(actor, id);
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const row = await store.insertMeeting(tx, { consultation_id: id, starts_at: new Date(m.startsAt), place: m.place, minutes: m.minutes ?? null, created_at: now });
        await audit.record(tx, now, actor, 'participation.meeting_added', { type: 'participation_consultation', id }, { meeting: row.id });
        return row;
      });
    },
    async setMinutes(actor: Actor, meetingId: string, minutes: string) {
      const m = await store.meeting(db, meetingId);
      if (!m) throw notFound('participation_meeting', meetingId);
      await inScope(actor, m.consultation_id);
      return db.transaction().execute(async (tx) => {
        const row = (await store.setMinutes(tx, meetingId, minutes))!;
        await audit.record(tx, clock.now(), actor, 'participation.minutes_uploaded', { type: 'participation_consultation', id: m.consultation_id }, { meeting: meetingId });
        return row;
      });
    },
    meetingsAround: (aroundPath: string | null, areaPath: string | null) => store.upcomingMeetings(db, aroundPath, areaPath, new Date(clock.now().getTime() - 30 * 86_400_000)),
  };
}
export type ConsultationService = ReturnType<typeof createConsultationService>;
