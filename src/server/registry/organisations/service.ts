import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { GeoService } from '../../geo/service.ts';
import { conflict } from '../../errors.ts';
import type { Page } from '../../../../shared/paging.ts';
import { prepareOrganisation } from './rules.ts';
import { createOrganisationStore, type CreditEventRow, type OrganisationFilter, type OrganisationRow } from './store.ts';
import { createPlacer } from '../placement.ts';
import type { NewOrganisation, OrganisationPatch } from '../../../../shared/registry/schema.ts';
import { changedFields, crudService, invalidRecord, mergePatch } from '../crud/service.ts';
import type { creditEventKinds } from '../../../../shared/registry/vocab.ts';

const taken = () => conflict('organisation.exists', 'an organisation with this unified social credit code is already registered');

/** 组织 enterprises, social organisations and party organisations, with their credit events. */
export function createOrganisationService(deps: Deps, services: { geo: Pick<GeoService, 'locate'> }) {
  const store = createOrganisationStore();
  const { db, clock } = deps;
  const crud = crudService<OrganisationRow, OrganisationFilter>(deps, 'organisation', store, taken);
  const { inScope, write, record } = crud;

  const asInput = (o: OrganisationRow): NewOrganisation => ({
    kind: o.kind,
    name: o.name,
    creditCode: o.credit_code,
    legalRep: o.legal_rep,
    industry: o.industry,
    status: o.status,
    address: o.address,
    gridCode: o.grid_code,
    lon: o.lon ?? undefined,
    lat: o.lat ?? undefined,
    note: o.note,
  });

  return {
    list: crud.list,
    located: crud.located,
    get: crud.get,
    detail: crud.detail,

    async create(actor: Actor, input: NewOrganisation): Promise<OrganisationRow> {
      assertCan(actor, 'registry.write');
      const prepared = await prepareOrganisation(input, createPlacer(deps, services.geo, actor), clock.now());
      if (!prepared.ok) throw invalidRecord('organisation', prepared.errors);
      const row = prepared.value;
      if (row.credit_code && (await store.creditCodeTaken(db, row.credit_code))) throw taken();
      return write(actor, 'create', async (tx) => {
        const o = await store.insert(tx, row);
        return [o, { kind: o.kind, name: o.name, creditCode: o.credit_code, grid: o.grid_code }];
      });
    },

    async update(actor: Actor, id: string, patch: OrganisationPatch): Promise<OrganisationRow> {
      assertCan(actor, 'registry.write');
      const current = await inScope(actor, id);
      const prepared = await prepareOrganisation(mergePatch(asInput(current), patch), createPlacer(deps, services.geo, actor), clock.now());
      if (!prepared.ok) throw invalidRecord('organisation', prepared.errors);
      const { created_at: _created, ...row } = prepared.value;
      if (row.credit_code && row.credit_code !== current.credit_code && (await store.creditCodeTaken(db, row.credit_code, id))) throw taken();
      return write(actor, 'update', async (tx) => {
        const o = await store.update(tx, id, { ...row, updated_at: clock.now() });
        return [o, { changed: changedFields(patch), grid: o.grid_code }];
      });
    },

    remove: (actor: Actor, id: string) => crud.remove(actor, id, (o) => ({ name: o.name, creditCode: o.credit_code, grid: o.grid_code })),

    async creditEvents(actor: Actor, id: string, page: number, pageSize: number): Promise<Page<CreditEventRow>> {
      assertCan(actor, 'registry.read');
      await inScope(actor, id);
      const [items, total] = await store.creditEvents(db, id, page, pageSize);
      return { items, total, page, pageSize };
    },

    /** 信用事件: recorded against the organisation, never edited afterwards (a correction is a new event). */
    async addCreditEvent(
      actor: Actor,
      id: string,
      e: { occurredOn: string; kind: (typeof creditEventKinds)[number]; title: string; source?: string; detail?: string },
    ): Promise<CreditEventRow> {
      assertCan(actor, 'registry.write');
      await inScope(actor, id);
      return db.transaction().execute(async (tx) => {
        const row = await store.insertCreditEvent(tx, {
          organisation_id: id,
          occurred_on: e.occurredOn,
          kind: e.kind,
          title: e.title,
          source: e.source ?? '',
          detail: e.detail ?? '',
          recorded_by: actor.username,
          created_at: clock.now(),
        });
        await record(tx, actor, 'organisation.credit_event', 'organisation', id, { eventId: row.id, kind: row.kind, occurredOn: row.occurred_on });
        return row;
      });
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
