import { createAuthService } from './auth/service.ts';
import { createBrain } from './brain/brain.ts';
import { createCalendarService } from './calendar/service.ts';
import type { Classifier } from './cases/core.ts';
import { createDuplicateFinder } from './cases/duplicates.ts';
import { createCaseBus, type CaseEventBus } from './cases/event-bus.ts';
import { createNotificationService } from './cases/notifications.ts';
import { createCaseService } from './cases/service.ts';
import { createCaseStore } from './cases/store.ts';
import type { Deps } from './context.ts';
import { createCatalogueService } from './datahall/service.ts';
import { createSharingService } from './datahall/sharing-service.ts';
import { createDisputeService } from './disputes/service.ts';
import { createFieldworkService } from './fieldwork/service.ts';
import { createRiskService } from './risk/service.ts';
import { createDispatchService } from './dispatch/service.ts';
import { createGeoService } from './geo/service.ts';
import { createCkanApi } from './opendata/ckan.ts';
import { createDcat } from './opendata/dcat.ts';
import { createOpenDataService } from './opendata/service.ts';
import { createEvaluationService } from './evaluation/service.ts';
import { createKnowledgeService } from './knowledge/service.ts';
import { createNotifyServices } from './notify/register.ts';
import { createOpen311KeyService } from './open311/keys.ts';
import { createOpen311Service } from './open311/service.ts';
import { createParticipation } from './participation/register.ts';
import { createOrgService } from './org/service.ts';
import { createAddressPlaces } from './registry/address-place.ts';
import { createComponentService } from './registry/components/service.ts';
import { createHouseService } from './registry/houses/service.ts';
import { createImportService } from './registry/imports/service.ts';
import { createOrganisationService } from './registry/organisations/service.ts';
import { createPeopleService } from './registry/people/service.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { blobStoreFor } from './storage/from-config.ts';
import { createTaxonomyService } from './taxonomy/service.ts';
import type { Taxonomy } from './taxonomy/taxonomy.ts';
import { createSettingsService } from './settings/service.ts';
import { createTriageService } from './triage/service.ts';

export interface ServiceOptions {
  /** the attachment store; default: the configured one (local files or the S3 bucket) */
  blobs?: BlobStore & { check?(): Promise<void> };
  /**
   * the case feed; default: a new one for this process. A second app on the same PGlite (one process, one
   * database) passes the first's, as one node has one feed.
   */
  bus?: CaseEventBus;
  /** intake's classifier; default: triage's model (a test passes a fixed answer) */
  classify?: Classifier | null;
}

/**
 * THE composition root: every service of the process, each created once, in dependency order, from `Deps`.
 * A capability receives the services it uses as parameters and never builds another's service or opens
 * another's store. The HTTP app (app.ts), the sweepers (main.ts), the CLI and the tests all start here, so
 * state a service holds (the grid index, the calendar, the case feed, the S3 agent) exists once per process.
 */
export function createServices(deps: Deps, taxonomy: Taxonomy, opts: ServiceOptions = {}) {
  const auth = createAuthService(deps);
  // a unit the 权责清单 still names is not disabled; the catalogue comes after org, so the call is late-bound
  const org = createOrgService(deps, auth, { catalogueEntriesNaming: (db, code) => dispatch.entriesNaming(db, code) });
  const calendar = createCalendarService(deps);
  // 事项分类 versions: the deadlines and urgency intake and the handling clock use (admins change them)
  const taxonomyVersions = createTaxonomyService(deps, taxonomy, { org });
  const geo = createGeoService(deps, { org });
  const dispatch = createDispatchService(deps, { taxonomy: taxonomyVersions, org });
  const blobs = opts.blobs ?? blobStoreFor(deps.config);
  const bus = opts.bus ?? createCaseBus(deps);
  const notifications = createNotificationService(deps);

  // Triage asks for near-duplicates and intake asks triage for a category: the duplicate search is its own
  // small part over the case store, built first, so neither service needs a reference to the other.
  const caseStore = createCaseStore();
  const duplicates = createDuplicateFinder(deps, caseStore);
  const triage = createTriageService(deps, { taxonomy, findDuplicates: duplicates.find });

  // 人·地·物·事·组织 base data; its 地址落格 places an intake that has an address but no point
  const addressPlaces = createAddressPlaces();
  const registry = {
    people: createPeopleService(deps, { geo }),
    houses: createHouseService(deps, { geo }),
    organisations: createOrganisationService(deps, { geo }),
    components: createComponentService(deps, { geo }),
    imports: createImportService(deps, { geo }),
  };

  const cases = createCaseService(deps, {
    taxonomy,
    taxonomyVersions,
    store: caseStore,
    geo,
    calendar,
    dispatch,
    org,
    notifications,
    duplicates,
    bus,
    blobs,
    locateAddress: (address) => addressPlaces.locate(deps.db, address),
    classify: opts.classify !== undefined ? opts.classify : (text) => triage.classifyNow(text),
  });

  const open311Keys = createOpen311KeyService(deps, { org });
  const open311 = createOpen311Service(deps, { taxonomy: taxonomyVersions, cases, keys: open311Keys, org, notifications });
  const brain = createBrain(deps, { cases, taxonomy: taxonomyVersions, geo, org, caseBus: bus });


  // 数据大厅 catalogue, sharing keys, access log; open data with the CKAN Action API and DCAT
  const catalogue = createCatalogueService(deps);
  const sharing = createSharingService(deps);
  const openData = createOpenDataService(deps, { catalogue });
  const datahall = { catalogue, sharing, openData, ckan: createCkanApi(openData), dcat: createDcat(openData) };

  // 送达 + 回访 + 知识库 + the public map of reports
  const notify = createNotifyServices(deps, { cases, notifications, knowledge: createKnowledgeService(deps, { cases }), taxonomy: taxonomyVersions });

  // 综合评价: reads only its rollups (kept by triggers on case events, migration 0015)
  const evaluation = createEvaluationService(deps);

  // 矛盾纠纷 (a case subtype through cases.intake), 风险预警 scan, grid field work
  const disputes = { disputes: createDisputeService(deps, { cases, taxonomy }), risk: createRiskService(deps, { taxonomy: taxonomyVersions }), fieldwork: createFieldworkService(deps, { cases }) };

  // 协商议事: residents verified against the registry, consultations, polls, proposals, results
  // codes by SMS through notify's outbox when a gateway is configured; otherwise participation's demo outbox
  const participation = createParticipation(deps, cases, notify.notify.channels.sms ? { sendCode: notify.notify.sendResidentCode } : {});

  // ---- issue #18: 系统设置 (editable keys of shared/settings.ts)
  const settings = createSettingsService(deps);

  return { auth, org, calendar, taxonomy: taxonomyVersions, geo, dispatch, blobs, bus, notifications, triage, registry, cases, open311Keys, open311, brain, datahall, notify, evaluation, disputes, participation, settings };
}

export type Services = ReturnType<typeof createServices>;
