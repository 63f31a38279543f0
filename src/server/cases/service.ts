import { assertCan, systemActor, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import type { CursorPage } from '../../../shared/paging.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { createAttachments } from './attachments.ts';
import { createCaseCore, departmentBound, type CaseServiceOptions } from './core.ts';
import { digestMatches } from '../privacy/pii.ts';
import { createIntake } from './intake.ts';
import { createCaseMap } from './map.ts';
import { presentCase, presentCaseDetail } from './presenters.ts';
import { roundCoordinate, scrubPii } from './scrub.ts';
import { stateNames } from '../../../shared/cases/state-machine.ts';
import type { CaseEventRow, CaseFilter, CaseRow, Rating } from './store.ts';
import { createSupervision } from './supervision.ts';
import { createWorkflow, illegalTransition } from './workflow.ts';

export type { CaseServiceOptions, Classifier } from './core.ts';
export type { IntakeInput, IntakeResult, Duplicate } from './intake.ts';
export type { ActInput } from './workflow.ts';

/**
 * The case capability: one front door (intake) for every channel, the lifecycle, supervision, and the views.
 * Open311, IoT alarms and the portal use this same service (`intake`, `publicView`); it is built once, in
 * services.ts, from the services it uses (geo, calendar, dispatch, org, notifications, the registry's 地址落格).
 */
export function createCaseService(deps: Deps, opts: CaseServiceOptions) {
  const core = createCaseCore(deps, opts);
  const { store, taxonomy } = core;
  const { db, pii, audit, clock } = deps;
  const intake = createIntake(core);
  const workflow = createWorkflow(core);
  const attachments = createAttachments(core);
  const supervision = createSupervision(core);
  const ctx = { taxonomy, pii };

  async function mergedCode(c: CaseRow): Promise<string | null> {
    return c.merged_into ? ((await store.findById(db, c.merged_into))?.code ?? null) : null;
  }

  async function detail(c: CaseRow) {
    const [events, files, objections, mergedIntoCode] = await Promise.all([store.events(db, c), attachments.list(c.id), core.dispatch.objections(db, c.id), mergedCode(c)]);
    return presentCaseDetail(c, { events, attachments: files, objections }, { ...ctx, mergedIntoCode });
  }

  return {
    core,
    intake: intake.intake,
    findDuplicates: core.duplicates.find,
    /** GET /api/v1/cases/map: open cases in view, clustered by H3 cell at low zoom */
    mapView: createCaseMap(db),
    act: workflow.act,
    attachments,
    runSupervisionSweep: supervision.runSupervisionSweep,
    detail,
    /** The answer to an intake, built from what was just written (no extra reads on the hot path). */
    /** The intake answer: the detail GET would give, its one event named after the signed-in actor (as the join does). */
    intakeView: (r: { case: CaseRow; event: CaseEventRow }, actor: Actor & { displayName?: string }) =>
      presentCaseDetail(r.case, { events: [{ ...r.event, actor_name: actor.id ? (actor.displayName ?? null) : null, actor_department: actor.id ? actor.departmentCode : null }], attachments: [], objections: [] }, ctx),
    present: (c: CaseRow) => presentCase(c, ctx),

    /** The list in the actor's scope: by offset (`page`) or, given a cursor, by keyset after that cursor's case. */
    async list(actor: Actor, filter: Omit<CaseFilter, 'areaPath' | 'department'> & { grid?: string; cursor?: string }, page: number, pageSize: number): Promise<CursorPage<CaseRow>> {
      assertCan(actor, 'case.read');
      const { cursor, ...rest } = filter;
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      let areaPath: string | undefined;
      if (rest.grid) {
        const area = await core.org.findAreaAnywhere(db, rest.grid);
        if (!area) return { items: [], total: 0, page, pageSize, nextCursor: null, totalEstimated: false };
        areaPath = area.path;
      }
      const r = await store.list(db, actor.scopePath, { ...rest, areaPath, department: departmentBound(actor) ?? undefined }, page, pageSize, { after, countLimit: deps.config.LIST_COUNT_LIMIT });
      const last = r.items.at(-1);
      return { items: r.items, total: r.total, totalEstimated: r.totalEstimated, page, pageSize, nextCursor: r.more && last ? encodeCursor(last.code) : null };
    },

    async get(actor: Actor, code: string): Promise<CaseRow> {
      assertCan(actor, 'case.read');
      return core.visibleCase(actor, code);
    },

    /** 查看明文: the reporter's clear contacts, for a stated purpose that goes into the audit chain. */
    async revealReporter(actor: Actor, code: string, purpose: string) {
      assertCan(actor, 'case.reveal');
      const c = await core.visibleCase(actor, code);
      await db.transaction().execute((tx) =>
        audit.record(tx, clock.now(), actor, 'case.reporter.reveal', { type: 'case', id: c.code }, { purpose }),
      );
      const open = (v: string | null) => (v ? pii.decrypt(v) : null);
      return { name: open(c.reporter_name), phone: open(c.reporter_phone), email: open(c.reporter_email) };
    },

    /**
     * What anyone with the code sees: state, timeline (actions and times, no names or reasons), department,
     * and the answer with PII patterns removed; coordinates rounded to ~100 m. A merged case shows its own
     * timeline and, once its main case closes, the shared answer.
     */
    async publicView(code: string) {
      const c = await store.findByCodeAnywhere(db, code);
      if (!c) throw notFound('case', code);
      const [events, files, department, mergedIntoCode] = await Promise.all([
        store.events(db, c),
        attachments.list(c.id),
        c.main_department ? core.org.findDepartment(db, c.main_department) : Promise.resolve(undefined),
        mergedCode(c),
      ]);
      const cat = c.category ? taxonomy.category(c.category) : undefined;
      return {
        code: c.code,
        state: c.state,
        stateName: stateNames[c.state],
        category: cat ? { code: cat.code, name: cat.zh, nameEn: cat.en } : null,
        department: department ? { code: department.code, name: department.name, nameEn: department.name_en || department.name } : null,
        createdAt: c.created_at.toISOString(),
        expectedAt: c.due_at?.toISOString() ?? null,
        closedAt: c.closed_at?.toISOString() ?? null,
        answer: c.answer && ['closed', 'rated'].includes(c.state) ? scrubPii(c.answer, c.reporter_name ? [pii.decrypt(c.reporter_name)] : []) : null,
        location: c.lon !== null && c.lat !== null ? { lon: roundCoordinate(c.lon), lat: roundCoordinate(c.lat) } : null,
        mergedInto: mergedIntoCode,
        rating: c.rating,
        // supervision cards and staff notes are internal working steps; the public sees the case's progress
        // (and the reporter's own 催办)
        timeline: events.filter((e) => e.action !== 'supervise' && e.action !== 'note').map((e) => ({ action: e.action, state: e.to_state, stateName: stateNames[e.to_state], at: e.at.toISOString() })),
        photos: files.filter((f) => f.public_key).map((f) => f.id),
        row: c,
      };
    },

    /** 评价 by the reporter with the secret token from intake; no account needed. */
    async rateByToken(code: string, token: string, rating: Rating, comment?: string) {
      const c = await store.findByCodeAnywhere(db, code);
      if (!c || !digestMatches(c.rating_token_hash, token)) {
        throw new AppError(403, 'case.bad_rating_token', 'the rating token does not match this case');
      }
      if (c.state !== 'closed') throw illegalTransition(c, 'rate');
      const reporter: Actor = { ...systemActor(c.area_path, 'reporter'), permissions: new Set(['case.rate', 'case.read']) };
      return workflow.act(reporter, code, 'rate', { rating, comment });
    },
  };
}

export type CaseService = ReturnType<typeof createCaseService>;
