import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { GeoService } from '../../geo/service.ts';
import { AppError, conflict } from '../../errors.ts';
import { assignCodes, prepareComponent } from './rules.ts';
import { createComponentStore, type ComponentFilter, type ComponentRow } from './store.ts';
import { createPlacer } from '../placement.ts';
import type { ComponentPatch, NewComponent } from '../../../../shared/registry/schema.ts';
import { changedFields, crudService, invalidRecord, mergePatch } from '../crud/service.ts';

const taken = () => conflict('component.exists', 'a component with this code is already registered');

/** 部件 city components (GB/T 30428.2) with owner and maintainer units and their state. */
export function createComponentService(deps: Deps, services: { geo: Pick<GeoService, 'locate'> }) {
  const store = createComponentStore();
  const { db, clock } = deps;
  const crud = crudService<ComponentRow, ComponentFilter>(deps, 'component', store, taken);
  const { inScope, write } = crud;

  const asInput = (c: ComponentRow): NewComponent => ({
    code: c.code,
    classCode: c.class_code,
    name: c.name,
    ownerUnit: c.owner_unit,
    maintainerUnit: c.maintainer_unit,
    state: c.state,
    address: c.address,
    installedOn: c.installed_on,
    gridCode: c.grid_code,
    lon: c.lon,
    lat: c.lat,
    note: c.note,
  });

  return {
    /** Department names by code, so owner/maintainer units that are departments are shown by name. */
    async departments(): Promise<Map<string, string>> {
      return new Map((await store.departments(db)).map((d) => [d.code, d.name]));
    },

    list: crud.list,
    located: crud.located,
    get: crud.get,
    detail: crud.detail,

    async create(actor: Actor, input: NewComponent): Promise<ComponentRow> {
      assertCan(actor, 'registry.write');
      const prepared = await prepareComponent(input, createPlacer(deps, services.geo, actor), clock.now());
      if (!prepared.ok) throw invalidRecord('component', prepared.errors);
      if (prepared.value.code && (await store.existingCodes(db, [prepared.value.code])).size) throw taken();
      return write(actor, 'create', async (tx) => {
        const [row] = assignCodes([prepared.value], await store.nextSerials(tx, [prepared.value.codePrefix]));
        const c = await store.insert(tx, row!);
        return [c, { code: c.code, class: c.class_code, grid: c.grid_code }];
      });
    },

    async update(actor: Actor, id: string, patch: ComponentPatch): Promise<ComponentRow> {
      assertCan(actor, 'registry.write');
      const current = await inScope(actor, id);
      const prepared = await prepareComponent(mergePatch({ ...asInput(current), code: undefined }, patch), createPlacer(deps, services.geo, actor), clock.now());
      if (!prepared.ok) throw invalidRecord('component', prepared.errors);
      // Class and district are part of the code; such a change is a new component, not an edit.
      if (prepared.value.codePrefix !== current.code.slice(0, 10)) {
        throw new AppError(400, 'component.recode_required', 'class and district are part of the component code; register a new component and remove this one');
      }
      const { created_at: _created, codePrefix: _prefix, code: _code, ...row } = prepared.value;
      return write(actor, 'update', async (tx) => {
        const c = await store.update(tx, id, { ...row, updated_at: clock.now() });
        return [c, { code: c.code, changed: changedFields(patch), state: c.state }];
      });
    },

    remove: (actor: Actor, id: string) => crud.remove(actor, id, (c) => ({ code: c.code, grid: c.grid_code })),
  };
}

export type ComponentService = ReturnType<typeof createComponentService>;
