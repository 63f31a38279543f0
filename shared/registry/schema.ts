import { z } from 'zod';
import { pageQuery } from '../paging.ts';
import { importErrorCodes } from './import-errors.ts';
import {
  careTagCodes,
  careTags,
  componentStates,
  creditEventKinds,
  genders,
  houseRelations,
  housePurposes,
  idTypes,
  organisationKinds,
  organisationStatuses,
  personKinds,
} from './vocab.ts';

const gridCode = z.string().trim().regex(/^[0-9]{15}$/, 'grid codes have 15 digits');
const areaCode = z.string().trim().regex(/^[0-9]{6}([0-9]{3}){0,3}$/, 'area codes are 6, 9, 12 or 15 digits');
const isoDate = z.iso.date('dates are YYYY-MM-DD');
const text = (max: number) => z.string().trim().max(max);
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);

/** Where a record is: a grid code, a point (its grid is looked up), or both when they agree. */
const placement = { gridCode: gridCode.optional(), lon: lon.optional(), lat: lat.optional() };
const bothOrNeither = (p: { lon?: number | null; lat?: number | null }) => (p.lon == null) === (p.lat == null);
const pairMessage = { message: 'give lon and lat together', path: ['lat'] };

// ---- people 人口

const careDetails = z
  .object(Object.fromEntries(careTagCodes.map((t) => [t, careTags[t].fields.optional()])) as { [K in keyof typeof careTags]: z.ZodOptional<(typeof careTags)[K]['fields']> })
  .strict();

const personFields = {
  kind: z.enum(personKinds),
  name: z.string().trim().min(1).max(50),
  gender: z.enum(genders).optional(),
  birthDate: isoDate.optional(),
  idType: z.enum(idTypes).default('resident_id'),
  idNumber: z.string().trim().min(5).max(30),
  phone: z.string().trim().min(5).max(20).nullable().optional(),
  ethnicity: text(20).optional(),
  nationality: z.string().trim().regex(/^[A-Z]{3}$/, 'nationality is an ISO 3166 alpha-3 code such as CHN').optional(),
  address: text(200).optional(),
  houseId: z.uuid().nullable().optional(),
  houseRelation: z.enum(houseRelations).nullable().optional(),
  ...placement,
  tags: z.array(z.enum(careTagCodes)).max(careTagCodes.length).optional(),
  care: careDetails.optional(),
  note: text(500).optional(),
};

export const newPerson = z.object(personFields).refine(bothOrNeither, pairMessage);
export type NewPerson = z.infer<typeof newPerson>;

export const personPatch = z
  .object({ ...personFields, idType: z.enum(idTypes) })
  .partial()
  .refine(bothOrNeither, pairMessage)
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type PersonPatch = z.infer<typeof personPatch>;

/** Filters every registry list shares: data scope is implicit, these narrow it. */
const areaFilters = {
  grid: gridCode.optional(),
  /** any area code: everything inside that district, street, community or grid */
  area: areaCode.optional(),
  q: z.string().trim().min(1).max(50).optional(),
};

export const personQuery = pageQuery.extend({
  ...areaFilters,
  kind: z.enum(personKinds).optional(),
  tag: z.enum(careTagCodes).optional(),
  house: z.uuid().optional(),
  /** exact match through the blind index; the table is never decrypted to search */
  idNumber: z.string().trim().min(5).max(30).optional(),
  phone: z.string().trim().min(5).max(20).optional(),
});

const maskedPerson = {
  id: z.string(),
  kind: z.enum(personKinds),
  /** clear, except for special-care people: `张*` */
  name: z.string(),
  nameMasked: z.boolean(),
  gender: z.enum(genders),
  birthDate: z.string().nullable(),
  idType: z.enum(idTypes),
  /** always masked: `110***********1234` */
  idNumber: z.string(),
  /** always masked: `138****5678` */
  phone: z.string().nullable(),
  ethnicity: z.string(),
  nationality: z.string(),
  address: z.string(),
  houseId: z.string().nullable(),
  houseRelation: z.enum(houseRelations).nullable(),
  gridCode: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  h3: z.string().nullable(),
  tags: z.array(z.string()),
  care: z.record(z.string(), z.record(z.string(), z.unknown())),
  note: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
};
export const person = z.object(maskedPerson);

/** The named areas a record sits in, district down to grid (the detail views' 所在区域). */
export const placeTrail = z.array(z.object({ code: z.string(), name: z.string(), level: z.enum(['city', 'district', 'street', 'community', 'grid']) }));

/** GET /api/v1/people/{id}: the person masked as in the list, where they live, and their registered house. */
export const personDetail = person.extend({
  place: placeTrail,
  house: z
    .object({ id: z.string(), address: z.string(), building: z.string(), unit: z.string(), room: z.string(), purpose: z.enum(housePurposes), rental: z.boolean(), gridCode: z.string() })
    .nullable(),
});

export const revealBody = z.object({
  /** 查询事由: why the clear values are needed, kept in the audit log */
  purpose: z.string().trim().min(4, 'state the purpose (at least 4 characters)').max(200),
  fields: z.array(z.enum(['name', 'idNumber', 'phone'])).min(1).default(['name', 'idNumber', 'phone']),
});
export const revealed = z.object({
  id: z.string(),
  name: z.string().optional(),
  idNumber: z.string().optional(),
  phone: z.string().nullable().optional(),
  purpose: z.string(),
  revealedAt: z.string(),
});

// ---- houses 房屋

const houseFields = {
  address: z.string().trim().min(2).max(200),
  building: text(20).optional(),
  unit: text(20).optional(),
  room: text(20).optional(),
  purpose: z.enum(housePurposes).optional(),
  rental: z.boolean().optional(),
  /** 走访 cycle in days (a rental flat, a shared house): the grid worker's due list counts from the last visit */
  visitCycleDays: z.number().int().min(1).max(366).nullable().optional(),
  ...placement,
  note: text(500).optional(),
};
export const newHouse = z.object(houseFields).refine(bothOrNeither, pairMessage);
export type NewHouse = z.infer<typeof newHouse>;
export const housePatch = z
  .object(houseFields)
  .partial()
  .refine(bothOrNeither, pairMessage)
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type HousePatch = z.infer<typeof housePatch>;

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const houseQuery = pageQuery.extend({ ...areaFilters, rental: booleanQuery.optional(), purpose: z.enum(housePurposes).optional() });

export const house = z.object({
  id: z.string(),
  address: z.string(),
  addressKey: z.string(),
  communityCode: z.string(),
  building: z.string(),
  unit: z.string(),
  room: z.string(),
  purpose: z.enum(housePurposes),
  rental: z.boolean(),
  visitCycleDays: z.number().nullable(),
  gridCode: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  h3: z.string().nullable(),
  note: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const houseDetail = house.extend({
  /** the first 200 residents and tenants, names masked as in the people list */
  residents: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(personKinds), houseRelation: z.enum(houseRelations).nullable() })),
  residentsCount: z.number().int(),
  place: placeTrail,
});

// ---- organisations 组织

const organisationFields = {
  kind: z.enum(organisationKinds),
  name: z.string().trim().min(2).max(100),
  creditCode: z.string().trim().toUpperCase().length(18, 'a unified social credit code has 18 characters').nullable().optional(),
  legalRep: text(50).optional(),
  industry: text(50).optional(),
  status: z.enum(organisationStatuses).optional(),
  address: text(200).optional(),
  ...placement,
  note: text(500).optional(),
};
export const newOrganisation = z.object(organisationFields).refine(bothOrNeither, pairMessage);
export type NewOrganisation = z.infer<typeof newOrganisation>;
export const organisationPatch = z
  .object(organisationFields)
  .partial()
  .refine(bothOrNeither, pairMessage)
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type OrganisationPatch = z.infer<typeof organisationPatch>;

export const organisationQuery = pageQuery.extend({
  ...areaFilters,
  kind: z.enum(organisationKinds).optional(),
  status: z.enum(organisationStatuses).optional(),
  creditCode: z.string().trim().toUpperCase().length(18).optional(),
});

export const organisation = z.object({
  id: z.string(),
  kind: z.enum(organisationKinds),
  name: z.string(),
  creditCode: z.string().nullable(),
  legalRep: z.string(),
  industry: z.string(),
  status: z.enum(organisationStatuses),
  address: z.string(),
  gridCode: z.string(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
  h3: z.string().nullable(),
  note: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const organisationDetail = organisation.extend({ place: placeTrail });

export const newCreditEvent = z.object({
  occurredOn: isoDate,
  kind: z.enum(creditEventKinds),
  title: z.string().trim().min(2).max(200),
  source: text(100).optional(),
  detail: text(2000).optional(),
});
export const creditEvent = z.object({
  id: z.string(),
  organisationId: z.string(),
  occurredOn: z.string(),
  kind: z.enum(creditEventKinds),
  title: z.string(),
  source: z.string(),
  detail: z.string(),
  recordedBy: z.string(),
  createdAt: z.string(),
});

// ---- components 部件

const componentFields = {
  /** 16 digits: district (6) + class (4) + serial (6); assigned when left out */
  code: z.string().trim().regex(/^[0-9]{16}$/, 'component codes have 16 digits').optional(),
  classCode: z.string().trim().regex(/^[0-9]{4}$/, 'class codes have 4 digits'),
  name: text(100).optional(),
  ownerUnit: text(100).optional(),
  maintainerUnit: text(100).optional(),
  state: z.enum(componentStates).optional(),
  address: text(200).optional(),
  installedOn: isoDate.nullable().optional(),
  gridCode: gridCode.optional(),
  lon,
  lat,
  note: text(500).optional(),
};
export const newComponent = z.object(componentFields);
export type NewComponent = z.infer<typeof newComponent>;
export const componentPatch = z
  .object(componentFields)
  .omit({ code: true })
  .partial()
  .refine(bothOrNeither, pairMessage)
  .refine((p) => Object.keys(p).length > 0, 'send at least one field to change');
export type ComponentPatch = z.infer<typeof componentPatch>;

export const componentQuery = pageQuery.extend({
  ...areaFilters,
  /** a big class (2 digits, e.g. 01 公用设施) or a class (4 digits, e.g. 0101 上水井盖) */
  class: z.string().trim().regex(/^[0-9]{2}([0-9]{2})?$/, 'a class is 2 or 4 digits').optional(),
  state: z.enum(componentStates).optional(),
  unit: text(100).min(1).optional(),
});

const unitRef = z.object({ code: z.string(), name: z.string() }).nullable();
export const component = z.object({
  id: z.string(),
  code: z.string(),
  classCode: z.string(),
  className: z.string(),
  name: z.string(),
  ownerUnit: z.string(),
  ownerDepartment: unitRef,
  maintainerUnit: z.string(),
  maintainerDepartment: unitRef,
  state: z.enum(componentStates),
  address: z.string(),
  installedOn: z.string().nullable(),
  gridCode: z.string(),
  lon: z.number(),
  lat: z.number(),
  h3: z.string(),
  note: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const componentDetail = component.extend({ place: placeTrail });

// ---- map layers

export const geojsonQuery = z.object({
  grid: gridCode.optional(),
  area: areaCode.optional(),
  /** map viewport w,s,e,n */
  bbox: z
    .string()
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'bbox is w,s,e,n')
    .transform((s) => s.split(',').map(Number) as [number, number, number, number])
    .refine((b) => b[0] <= b[2] && b[1] <= b[3], 'bbox is w,s,e,n with w ≤ e and s ≤ n')
    .optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(2_000),
});

export const featureCollection = (properties: z.ZodTypeAny) =>
  z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.string(),
        geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
        properties,
      }),
    ),
    /** true when more records matched than `limit` (zoom in or narrow the filter) */
    truncated: z.boolean(),
  });

export const idParam = z.object({ id: z.uuid() });

// ---- imports 导入

/** GET /api/v1/imports/{id}: an import job and its row-by-row report. */
export const importJob = z.object({
  id: z.string(),
  type: z.enum(['people', 'houses', 'organisations', 'components', 'grids']),
  filename: z.string(),
  format: z.enum(['csv', 'xlsx', 'geojson']),
  state: z.enum(['validating', 'importing', 'done', 'failed']),
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  importedRows: z.number().int(),
  errorCount: z.number().int(),
  /** row = line/row the user sees in their file (feature number for GeoJSON); 0 = the file as a whole */
  errors: z.array(
    z.object({
      row: z.number().int(),
      column: z.string(),
      /** English, for the CLI and older clients; the console shows `code` translated */
      reason: z.string(),
      /** stable code (shared/registry/import-errors.ts), the console's i18n key `error.<code>`; absent on jobs from before the codes */
      code: z.enum(importErrorCodes).optional(),
      /** the values the code's message is filled with (a grid code, a row number, the allowed values) */
      params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    }),
  ),
  message: z.string(),
  actor: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
