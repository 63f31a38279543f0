import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assertCan, type Actor } from '../access/permissions.ts';
import { roundCoordinate, scrubPii } from '../cases/scrub.ts';
import { stateNames, type CaseState } from '../../../shared/cases/state-machine.ts';
import type { Deps } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { requireActor } from '../http/auth-hook.ts';
import { errors, pageQuery, paged } from '../../../shared/paging.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import { createMapStore } from './map-store.ts';

/** How far back the public map looks, and how many reports it shows at most in one view. */
const MAP_DAYS = 90;
const MAP_LIMIT = 500;
const hiddenStates: CaseState[] = ['void', 'merged', 'rejected'];

/**
 * 公众地图 (FixMyStreet-style): recent located reports by category and state, positions rounded to ~100 m, text
 * scrubbed as on the public case page, and photos only once a dispatcher approved them (the moderation queue).
 */
export function createPublicMap(deps: Deps, taxonomy: Pick<TaxonomyService, 'current'>) {
  const { db, clock, pii } = deps;
  const store = createMapStore();
  return {
    async reports(q: { bbox?: [number, number, number, number]; category?: string; state?: CaseState }) {
      const since = new Date(clock.now().getTime() - MAP_DAYS * 86_400_000);
      const rows = await store.recentReports(db, { since, hiddenStates, limit: MAP_LIMIT, ...(q.bbox ? { bbox: q.bbox } : {}), ...(q.category ? { category: q.category } : {}), ...(q.state ? { state: q.state } : {}) });
      const photos = await store.approvedPhotos(db, rows.map((r) => r.id));
      // names from the current taxonomy version, so a category an admin added reads as its name
      const names = await taxonomy.current();
      return rows.map((r) => {
        const cat = r.category ? names.category(r.category) : undefined;
        return {
          code: r.code,
          category: cat ? { code: cat.code, name: cat.zh } : null,
          state: r.state,
          stateName: stateNames[r.state],
          lon: roundCoordinate(r.lon!),
          lat: roundCoordinate(r.lat!),
          summary: scrubPii(r.text, r.reporter_name ? [pii.decrypt(r.reporter_name)] : []).slice(0, 120),
          createdAt: r.created_at.toISOString(),
          photos: photos.filter((p) => p.case_id === r.id).map((p) => p.id),
        };
      });
    },

    /** Photos of recent cases in the dispatcher's scope that nobody has decided on yet. */
    async queue(actor: Actor, page: number, pageSize: number) {
      assertCan(actor, 'case.dispatch');
      const [items, total] = await store.undecided(db, actor.scopePath, page, pageSize);
      return { items: items.map((i) => ({ id: i.id, caseCode: i.code, uploadedAt: i.created_at.toISOString(), url: `/api/v1/public/cases/${i.code}/photos/${i.id}` })), total, page, pageSize };
    },

    async decide(actor: Actor, attachmentId: string, decision: 'approved' | 'rejected') {
      assertCan(actor, 'case.dispatch');
      const row = await store.attachmentInScope(db, attachmentId, actor.scopePath);
      if (!row) throw notFound('attachment', attachmentId);
      if (!row.public_key) throw invalid('photo.not_public', 'this file has no public copy (not a photo)');
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        await store.putDecision(tx, { attachment_id: row.id, decision, decided_by: actor.username, decided_at: now });
        await deps.audit.record(tx, now, actor, `photo.${decision === 'approved' ? 'approve' : 'reject'}`, { type: 'case', id: row.code }, { attachment: row.id });
      });
      return { id: row.id, decision };
    },
  };
}

const bbox = z
  .string()
  .transform((s) => s.split(',').map(Number))
  .refine((v) => v.length === 4 && v.every(Number.isFinite) && v[0]! < v[2]! && v[1]! < v[3]!, 'bbox is w,s,e,n')
  .transform((v) => v as [number, number, number, number]);

const mapItem = z.object({
  code: z.string(),
  category: z.object({ code: z.string(), name: z.string() }).nullable(),
  state: z.string(),
  stateName: z.string(),
  lon: z.number(),
  lat: z.number(),
  summary: z.string(),
  createdAt: z.string(),
  photos: z.array(z.string()),
});

export const publicMapRoutes =
  (map: ReturnType<typeof createPublicMap>): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/v1/public/map',
      { config: { rateLimit: { max: 60, timeWindow: '1 minute' } }, schema: { tags: ['public'], summary: 'Recent reports on the map (positions rounded, text scrubbed, approved photos only)', security: [], querystring: z.object({ bbox: bbox.optional(), category: z.string().regex(/^[0-9]{2,4}$/).optional(), state: z.enum(Object.keys(stateNames) as [CaseState, ...CaseState[]]).optional() }), response: { 200: z.object({ items: z.array(mapItem) }), ...errors(400, 429) } } },
      async (req) => ({ items: await map.reports({ ...(req.query.bbox ? { bbox: req.query.bbox } : {}), ...(req.query.category ? { category: req.query.category } : {}), ...(req.query.state ? { state: req.query.state } : {}) }) }),
    );
    app.get('/api/v1/photo-moderation', { schema: { tags: ['cases'], summary: 'Photos waiting for approval before the public map shows them', querystring: pageQuery, response: { 200: paged(z.object({ id: z.string(), caseCode: z.string(), uploadedAt: z.string(), url: z.string() })), ...errors(400, 401, 403) } } }, async (req) =>
      map.queue(requireActor(req), req.query.page, req.query.pageSize),
    );
    app.post('/api/v1/photo-moderation/:id', { schema: { tags: ['cases'], summary: 'Approve or reject a photo for the public map', params: z.object({ id: z.uuid() }), body: z.object({ decision: z.enum(['approved', 'rejected']) }), response: { 200: z.object({ id: z.string(), decision: z.string() }), ...errors(400, 401, 403, 404) } } }, async (req) =>
      map.decide(requireActor(req), req.params.id, req.body.decision),
    );
  };
