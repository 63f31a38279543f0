import type { Actor } from '../access/permissions.ts';
import type { CalendarService } from '../calendar/service.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import type { DispatchService } from '../dispatch/service.ts';
import { AppError, notFound } from '../errors.ts';
import type { GeoService } from '../geo/service.ts';
import type { OrgService } from '../org/service.ts';
import type { AddressPlace } from '../registry/address-place.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { DuplicateFinder } from './duplicates.ts';
import type { CaseChange, CaseEventBus } from './event-bus.ts';
import type { NewNotification, NotificationService } from './notifications.ts';
import { departmentMaySee } from './policy.ts';
import type { CaseEventTable, CaseRow, CaseStore } from './store.ts';
import type { CaseState } from '../../../shared/cases/state-machine.ts';

/** What triage answers for a text; injected so the case service does not depend on the model. */
export type Classifier = (text: string) => { category: { code: string; confidence: number }; nature: { code: string }; urgent: boolean } | null;

/** What the case capability is given by the composition root (src/server/services.ts): the services it uses. */
export interface CaseServiceOptions {
  taxonomy: Taxonomy;
  /** the current taxonomy version: deadlines and urgency of new cases (names and departments: `taxonomy`) */
  taxonomyVersions: Pick<TaxonomyService, 'current' | 'category'>;
  /** point → grid (the geo service's index) */
  geo: Pick<GeoService, 'locate'>;
  /** address → grid and point by the houses registered under it (the registry's 地址落格) */
  locateAddress: (address: string) => Promise<AddressPlace | null>;
  /** the working-time calendar deadlines run on */
  calendar: Pick<CalendarService, 'current'>;
  dispatch: DispatchService;
  org: Pick<OrgService, 'rootArea' | 'findDepartment' | 'findAreaAnywhere' | 'assertAreaOpen'>;
  notifications: Pick<NotificationService, 'notify'>;
  duplicates: DuplicateFinder;
  store: CaseStore;
  bus: CaseEventBus;
  blobs: BlobStore;
  /** auto-classification when intake has no category; null → the dispatcher decides */
  classify?: Classifier | null;
}

export interface EventInput {
  action: CaseEventTable['action'];
  from: CaseState | null;
  to: CaseState;
  reason?: string | null;
  attachments?: string[];
  payload?: Record<string, unknown>;
}

/** Categories whose closure must be seen on site: a check needs a photo (groups 01–07: streets, facilities, safety). */
export const onSiteGroups = new Set(['01', '02', '03', '04', '05', '06', '07']);

/** Shared internals of the case workflow: the services it was given, the event+audit writer and the feed. */
export function createCaseCore(deps: Deps, opts: CaseServiceOptions) {
  const { db, clock, audit, config } = deps;
  const { store, org, bus, geo, calendar, notifications } = opts;
  const offsetMinutes = config.TZ_OFFSET_MINUTES;
  let cityPath: string | null = null;

  return {
    deps,
    // names (presenters, the on-site check) include categories an admin added; the rest is the shipped taxonomy
    taxonomy: { ...opts.taxonomy, category: opts.taxonomyVersions.category } as Taxonomy,
    taxonomyVersion: () => opts.taxonomyVersions.current(),
    store,
    org,
    bus,
    dispatch: opts.dispatch,
    blobs: opts.blobs,
    duplicates: opts.duplicates,
    classify: opts.classify ?? null,
    locate: (lon: number, lat: number) => geo.locate(lon, lat),
    locateAddress: opts.locateAddress,
    calendar: () => calendar.current(),

    /** The city root path: the scope of cases whose place is unknown (only city-wide staff see them). */
    async cityPath(): Promise<string> {
      if (cityPath) return cityPath;
      const root = await org.rootArea(db);
      if (!root) throw new AppError(503, 'case.no_city', 'no city has been set up yet');
      cityPath = root.path;
      return cityPath;
    },

    /** `YYYYMMDD` of the city-local day, the first half of a public case code. */
    localDay(at: Date): string {
      return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10).replace(/-/g, '');
    },

    /** Writes the event row and its audit entry in the caller's transaction. */
    async recordEvent(tx: Db, c: Pick<CaseRow, 'id' | 'code'>, actor: Actor, e: EventInput): Promise<number> {
      const at = clock.now();
      const id = await store.insertEvent(tx, {
        case_id: c.id,
        at,
        actor_id: actor.id,
        actor: actor.username,
        action: e.action,
        from_state: e.from,
        to_state: e.to,
        reason: e.reason ?? null,
        attachments: e.attachments ?? [],
        payload: e.payload ?? {},
      });
      await audit.record(tx, at, actor, `case.${e.action}`, { type: 'case', id: c.code }, { event: id, from: e.from, to: e.to, reason: e.reason ?? null, attachments: e.attachments ?? [], ...(e.payload ?? {}) });
      return id;
    },

    notify: (tx: Db, rows: NewNotification[]) => notifications.notify(tx, rows),

    change(c: CaseRow, action: string, from: CaseState | null): CaseChange {
      return {
        code: c.code,
        action,
        from,
        state: c.state,
        at: c.updated_at.toISOString(),
        category: c.category,
        gridCode: c.grid_code,
        areaPath: c.area_path,
        department: c.main_department,
        coDepartments: c.co_departments,
        supervision: c.supervision,
        urgent: c.urgent,
      };
    },

    /**
     * A case the actor may see: inside the data scope, and for department staff (handlers) only their own
     * department's cases (主办 or 协办).
     */
    async visibleCase(actor: Actor, code: string): Promise<CaseRow> {
      const c = await store.findByCode(db, code, actor.scopePath);
      if (!c || !departmentMaySee(actor, c)) throw notFound('case', code);
      return c;
    },
  };
}

export type CaseCore = ReturnType<typeof createCaseCore>;
export { departmentBound } from './policy.ts';
