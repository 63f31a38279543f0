import { randomBytes } from 'node:crypto';
import { assertCan, type Actor } from '../access/permissions.ts';
import { AppError, invalid } from '../errors.ts';
import { normalisePhone, secretDigest } from '../privacy/pii.ts';
import type { CaseCore } from './core.ts';
import { stepDue } from './deadlines.ts';
import { dupText, duplicateOptions, type Duplicate } from './duplicates.ts';
import { createIntakeWriter, type InTransaction } from './intake-batch.ts';
import { assertChannel } from './policy.ts';
import { assertPlaceInScope } from './intake-scope.ts';
import type { CaseEventRow, CaseRow, Channel } from './store.ts';

export interface IntakeInput {
  channel: Channel;
  text: string;
  nature?: string;
  category?: string;
  lon?: number;
  lat?: number;
  address?: string;
  reporter?: { name?: string; phone?: string; email?: string; anonymous?: boolean };
  priority?: number;
  urgent?: boolean;
  /** id in the calling system (Open311 token, alarm id) for idempotent retries and cross-reference */
  externalRef?: string;
}

export type { Duplicate, DuplicateProbe } from './duplicates.ts';
export { DUPLICATE_MIN_SCORE, DUPLICATE_RADIUS_M, DUPLICATE_WINDOW_DAYS } from './duplicates.ts';

export interface IntakeResult {
  case: CaseRow;
  /** the intake event, so the answer needs no second read */
  event: CaseEventRow;
  duplicates: Duplicate[];
  /** secret for rating without an account; shown once, only its hash is stored */
  ratingToken: string;
}


export function createIntake(core: CaseCore) {
  const { deps, store } = core;
  const { db, clock, pii } = deps;
  const { probeOf } = core.duplicates;

  // the batched writer runs the same search for a whole batch inside the statement that writes it
  const writer = createIntakeWriter(core, duplicateOptions);

  /**
   * Where a case lies: the grid of its point; else the grid its address leads to in the base data (地址落格);
   * else the city (an address nobody has registered, or no place at all: a how-to question).
   */
  async function place(input: IntakeInput) {
    const hasPoint = input.lon !== undefined && input.lat !== undefined;
    if ((input.lon === undefined) !== (input.lat === undefined)) throw invalid('case.bad_location', 'send both lon and lat, or neither');
    if (hasPoint) {
      const located = await core.locate(input.lon!, input.lat!);
      if (located) return { lon: input.lon!, lat: input.lat!, gridCode: located.grid.code, areaPath: located.grid.path, h3: located.h3, placedBy: 'point' as const };
      if (!input.address) throw invalid('case.outside_city', 'the location is outside every grid of this city; check the point or give an address');
    }
    const byAddress = input.address?.trim() ? await core.locateAddress(input.address) : null;
    if (byAddress) return { lon: byAddress.lon, lat: byAddress.lat, gridCode: byAddress.gridCode, areaPath: byAddress.areaPath, h3: byAddress.h3, placedBy: 'address' as const };
    return { lon: null, lat: null, gridCode: null, areaPath: await core.cityPath(), h3: null, placedBy: null };
  }

  function reporterFields(r: IntakeInput['reporter']) {
    const name = r?.name?.trim() || null;
    const email = r?.email?.trim() || null;
    let phone: string | null = null;
    if (r?.phone?.trim()) {
      phone = normalisePhone(r.phone);
      if (!phone) throw invalid('case.bad_phone', 'the reporter phone is not a mainland mobile or landline number');
    }
    const anonymous = r?.anonymous === true || (!name && !phone && !email);
    if (r?.anonymous && (name || phone || email)) throw invalid('case.anonymous_with_contact', 'an anonymous report carries no name, phone or email');
    return {
      reporter_anonymous: anonymous,
      reporter_name: name ? pii.encrypt(name) : null,
      reporter_phone: phone ? pii.encrypt(phone) : null,
      reporter_phone_idx: phone ? pii.blindIndex(phone) : null,
      reporter_email: email ? pii.encrypt(email) : null,
    };
  }

  /** The one front door: hotline, web/app, patrol, API, Open311 and IoT alarms all become a case here. */
  async function intake(actor: Actor, input: IntakeInput, opts: { within?: InTransaction } = {}): Promise<IntakeResult> {
    assertCan(actor, 'case.create');
    assertChannel(actor, input.channel);
    const text = input.text.trim();
    if (!text) throw invalid('case.empty_text', 'describe the matter');
    // the current taxonomy version: a category an admin added takes cases at once (Open311, the clerk's form)
    const version = await core.taxonomyVersion();
    if (input.category && !version.category(input.category)) throw invalid('case.unknown_category', `category ${input.category} is not in the taxonomy`);
    if (input.nature && !version.natures.some((n) => n.code === input.nature)) throw invalid('case.unknown_nature', `nature ${input.nature} is unknown`);

    // No category from the caller: ask triage; a confident answer files it, else the dispatcher decides.
    let category = input.category ?? null;
    let nature = input.nature ?? null;
    let urgent = input.urgent ?? false;
    let classified: { code: string; confidence: number } | null = null;
    if (!category && core.classify) {
      const guess = core.classify(text);
      if (guess && version.category(guess.category.code) && guess.category.confidence >= 0.5) {
        category = guess.category.code;
        classified = guess.category;
        nature ??= guess.nature.code;
        urgent ||= guess.urgent;
      }
    }
    // urgency as the current taxonomy version sets it (an admin may have made a category urgent)
    if (category && version.rule(category)?.urgent) urgent = true;

    const where = await place(input);
    if (where.placedBy) {
      await assertPlaceInScope(db, core.org, actor, where.areaPath);
      // a disabled (停用) district, street, community or grid takes no new cases
      await core.org.assertAreaOpen(db, where.areaPath);
    }
    const reporter = reporterFields(input.reporter);
    const now = clock.now();
    const ratingToken = randomBytes(18).toString('base64url');
    const spaced = dupText(text);

    const written = await writer.write({
      actor,
      within: opts.within,
      probe: where.lon !== null ? probeOf({ text, lon: where.lon, lat: where.lat!, category, now, scopePath: actor.scopePath }, spaced) : null,
      payload: { channel: input.channel, category, grid: where.gridCode, placedBy: where.placedBy, classified },
      row: {
        channel: input.channel,
        state: 'received',
        text,
        dup_text: spaced,
        nature,
        category,
        priority: input.priority ?? (urgent ? 1 : 3),
        urgent,
        lon: where.lon,
        lat: where.lat,
        address: input.address?.trim() || null,
        grid_code: where.gridCode,
        area_path: where.areaPath,
        h3: where.h3,
        ...reporter,
        rating_token_hash: secretDigest(ratingToken),
        external_ref: input.externalRef ?? null,
        main_department: null,
        dispatched_at: null,
        deadline_hours: null,
        working_time: null,
        due_at: null,
        yellow_at: null,
        step_due_at: stepDue('received', now),
        paused_since: null,
        pending_extension_hours: null,
        merged_into: null,
        answer: null,
        rating: null,
        rating_comment: null,
        rated_at: null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
        closed_at: null,
      },
    });
    const created = written.row;
    core.bus.publish(core.change(created, 'intake', null));
    return { case: created, event: written.event, duplicates: written.duplicates, ratingToken };
  }

  return { intake };
}
