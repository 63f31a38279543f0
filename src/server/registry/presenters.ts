import type { z } from 'zod';
import type { ComponentRow } from './components/store.ts';
import type { HouseRow } from './houses/store.ts';
import type { CreditEventRow, OrganisationRow } from './organisations/store.ts';
import type { PersonRow } from './people/store.ts';
import type { component, creditEvent, house, organisation, person } from '../../../shared/registry/schema.ts';
import { componentClasses } from '../../../shared/registry/vocab.ts';

// Presenters decide exactly what leaves the API. A person's ID number and phone leave only in their masked
// form; a special-care person's name only as `张*`. The clear values go out through reveal, nowhere else.
export const presentPerson = (p: PersonRow): z.infer<typeof person> => ({
  id: p.id,
  kind: p.kind,
  name: p.name ?? p.name_mask,
  nameMasked: p.name === null,
  gender: p.gender,
  birthDate: p.birth_date,
  idType: p.id_type,
  idNumber: p.id_number_mask,
  phone: p.phone_mask,
  ethnicity: p.ethnicity,
  nationality: p.nationality,
  address: p.address,
  houseId: p.house_id,
  houseRelation: p.house_relation,
  gridCode: p.grid_code,
  lon: p.lon,
  lat: p.lat,
  h3: p.h3,
  tags: p.tags,
  care: p.care as Record<string, Record<string, unknown>>,
  note: p.note,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});

export const presentHouse = (h: HouseRow): z.infer<typeof house> => ({
  id: h.id,
  address: h.address,
  addressKey: h.address_key,
  communityCode: h.grid_code.slice(0, 12),
  building: h.building,
  unit: h.unit,
  room: h.room,
  purpose: h.purpose,
  rental: h.rental,
  visitCycleDays: h.visit_cycle_days ?? null,
  gridCode: h.grid_code,
  lon: h.lon,
  lat: h.lat,
  h3: h.h3,
  note: h.note,
  createdAt: h.created_at.toISOString(),
  updatedAt: h.updated_at.toISOString(),
});

export const presentOrganisation = (o: OrganisationRow): z.infer<typeof organisation> => ({
  id: o.id,
  kind: o.kind,
  name: o.name,
  creditCode: o.credit_code,
  legalRep: o.legal_rep,
  industry: o.industry,
  status: o.status,
  address: o.address,
  gridCode: o.grid_code,
  lon: o.lon,
  lat: o.lat,
  h3: o.h3,
  note: o.note,
  createdAt: o.created_at.toISOString(),
  updatedAt: o.updated_at.toISOString(),
});

export const presentCreditEvent = (e: CreditEventRow): z.infer<typeof creditEvent> => ({
  id: e.id,
  organisationId: e.organisation_id,
  occurredOn: e.occurred_on,
  kind: e.kind,
  title: e.title,
  source: e.source,
  detail: e.detail,
  recordedBy: e.recorded_by,
  createdAt: e.created_at.toISOString(),
});

/** Owner and maintainer units are department codes or free text; a code is shown with the department's name. */
export const presentComponent = (c: ComponentRow, departments: ReadonlyMap<string, string>): z.infer<typeof component> => {
  const unit = (u: string) => (departments.has(u) ? { code: u, name: departments.get(u)! } : null);
  return {
    id: c.id,
    code: c.code,
    classCode: c.class_code,
    className: componentClasses[c.class_code]?.name ?? c.class_code,
    name: c.name,
    ownerUnit: c.owner_unit,
    ownerDepartment: unit(c.owner_unit),
    maintainerUnit: c.maintainer_unit,
    maintainerDepartment: unit(c.maintainer_unit),
    state: c.state,
    address: c.address,
    installedOn: c.installed_on,
    gridCode: c.grid_code,
    lon: c.lon,
    lat: c.lat,
    h3: c.h3,
    note: c.note,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
};

/** A located record as a GeoJSON Feature ([lon, lat], RFC 7946); the properties are its API view. */
export function toFeature<T extends { id: string; lon: number | null; lat: number | null }>(view: T) {
  const { lon, lat, ...properties } = view;
  return { type: 'Feature' as const, id: view.id, geometry: { type: 'Point' as const, coordinates: [lon!, lat!] as [number, number] }, properties };
}
