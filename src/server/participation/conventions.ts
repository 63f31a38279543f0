import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { createConsultationStore } from './consultation-store.ts';
import type { ConsultationService } from './consultations.ts';
import { createConventionStore, type ConventionRow } from './convention-store.ts';
import { stateOf, tally } from './rules.ts';

/** The two options every adoption vote has; a version is adopted when 同意 outnumbers 不同意. */
export const ADOPTION_OPTIONS = ['同意', '不同意'];
const inside = (path: string, area: string) => path === area || path.startsWith(`${area}.`);

/** 居民公约: versioned texts of an area, each version put to its residents' vote and adopted by it. */
export function createConventionService(deps: Deps, others: { consultations: ConsultationService }) {
  const { db, clock, audit } = deps;
  const store = createConventionStore();
  const cons = createConsultationStore();

  const withVersions = async (rows: ConventionRow[]) => {
    const versions = await store.versions(db, rows.map((r) => r.id));
    return rows.map((r) => ({ row: r, versions: versions.filter((v) => v.convention_id === r.id) }));
  };

  return {
    /** A new text (a first version or an amendment) and the vote that may adopt it, in the space of its area. */
    async propose(actor: Actor, input: { conventionId?: string; spaceId: string; title?: string; body: string; opensAt: string; closesAt: string }) {
      assertCan(actor, 'participation.organise');
      const space = await cons.space(db, input.spaceId);
      if (!space || !inside(space.area_path, actor.scopePath)) throw notFound('participation_space', input.spaceId);
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        let conventionId = input.conventionId;
        let title = input.title;
        if (conventionId) {
          const c = await store.find(tx, conventionId);
          if (!c || c.area_code !== space.area_code) throw notFound('participation_convention', conventionId);
          title = c.title;
        } else {
          if (!title?.trim()) throw invalid('participation.title_required', 'a new convention needs a title');
          conventionId = (await store.insert(tx, { area_code: space.area_code, area_path: space.area_path, title, created_at: now })).id;
        }
        const version = await store.nextVersion(tx, conventionId);
        const consultationId = await others.consultations.create(
          actor,
          space.id,
          { title: `${title}（第${version}版）表决`, topic: title!, background: input.body, kind: 'single', options: ADOPTION_OPTIONS, deliberationAt: now.toISOString(), opensAt: input.opensAt, closesAt: input.closesAt },
          { tx },
        );
        const v = await store.insertVersion(tx, { convention_id: conventionId, version, body: input.body, consultation_id: consultationId, created_at: now });
        await audit.record(tx, now, actor, 'participation.convention_proposed', { type: 'participation_convention', id: conventionId }, { version, consultationId });
        return v;
      });
    },

    /** After the vote: adopted (and published as the text in force) or rejected. */
    async decide(actor: Actor, versionId: string) {
      assertCan(actor, 'participation.organise');
      const v = await store.version(db, versionId);
      const c = v ? await store.find(db, v.convention_id) : undefined;
      if (!v || !c || !inside(c.area_path, actor.scopePath)) throw notFound('participation_convention_version', versionId);
      if (v.status !== 'voting') throw conflict('participation.convention_decided', 'this version has been decided');
      const consultation = (await cons.consultation(db, v.consultation_id!))!;
      const state = stateOf(consultation, clock.now());
      if (state !== 'closed' && state !== 'published') throw conflict('participation.not_closed', 'decide after the vote has closed');
      const options = await cons.options(db, consultation.id);
      const t = tally('single', options.map((o) => o.id), (await cons.ballots(db, consultation.id)).map((b) => b.choices));
      const [agree, disagree] = options.map((o) => t.counts[o.id] ?? 0);
      const status = agree! > disagree! ? 'adopted' : 'rejected';
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await store.decide(tx, versionId, status, now);
        await audit.record(tx, now, actor, `participation.convention_${status}`, { type: 'participation_convention', id: c.id }, { version: v.version, agree, disagree });
      });
      return { ...(await store.version(db, versionId))!, agree: agree!, disagree: disagree! };
    },

    list: async (areaPath: string | null) => withVersions(await store.list(db, areaPath)),
    /** the conventions of an organiser's area, with every version (to put one to the vote, or decide it) */
    staffList: async (actor: Actor) => {
      assertCan(actor, 'participation.organise');
      return withVersions(await store.list(db, actor.scopePath));
    },
  };
}
export type ConventionService = ReturnType<typeof createConventionService>;

