import { z } from 'zod';
import { areaCode, areaLevel } from './org.ts';

// Not z.coerce.number(): it reads an empty parameter as 0, and "lon=&lat=" would locate a point off Africa.
const degrees = (max: number) =>
  z
    .string()
    .trim()
    .regex(/^[-+]?\d{1,3}(\.\d+)?$/, 'a decimal number of degrees')
    .transform(Number)
    .pipe(z.number().min(-max).max(max));
const lon = degrees(180).describe('longitude, WGS 84');
const lat = degrees(90).describe('latitude, WGS 84');

export const locateQuery = z.object({ lon, lat });

export const locateResult = z.object({
  grid: z.object({ code: z.string(), name: z.string(), path: z.string() }),
  h3: z.string().describe('H3 cell (resolution 9) of the point'),
});

export const cityInfo = z.object({
  code: z.string(),
  name: z.string(),
  center: z.tuple([z.number(), z.number()]).describe('[lon, lat]'),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe('[west, south, east, north]'),
});

const geometry = z.object({ type: z.enum(['Polygon', 'MultiPolygon']), coordinates: z.array(z.any()) });

const featureCollection = <P extends z.ZodTypeAny>(properties: P) =>
  z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ type: z.literal('Feature'), id: z.string(), geometry, properties })),
  });

export const areaFeatures = featureCollection(
  z.object({
    code: z.string(),
    name: z.string(),
    level: areaLevel,
    parentCode: z.string().nullable(),
    path: z.string(),
    center: z.tuple([z.number(), z.number()]),
    h3: z.string(),
    areaKm2: z.number(),
  }),
);

export const areaShapesQuery = z.object({
  level: areaLevel.optional(),
  /** direct children of this area */
  parent: areaCode.optional(),
  /** everything inside this area (itself included) */
  within: areaCode.optional(),
});

export const layerCode = z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'layer codes are 2-40 lower-case letters, digits, _ or -');

export const layer = z.object({
  code: z.string(),
  name: z.string(),
  description: z.string(),
  departmentCode: z.string().nullable(),
  polygons: z.number().int().describe('polygons of this layer inside your scope'),
});

export const newLayer = z.object({
  code: layerCode,
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).optional(),
  departmentCode: z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/).nullable().optional(),
});

export const layerFeatures = featureCollection(
  z.object({ code: z.string(), name: z.string(), layer: z.string(), areaCode: z.string(), center: z.tuple([z.number(), z.number()]), h3: z.string(), areaKm2: z.number() }),
);

/** The import body is checked feature by feature in the service, so one bad feature is a line in the report, not a 400 for the lot. */
export const importBody = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }).passthrough();

export const importResult = z.object({ imported: z.number().int(), created: z.number().int(), updated: z.number().int() });

export const addressQuery = z.object({ q: z.string().trim().min(1).max(200) });

export const parsedAddress = z.object({
  province: z.string().optional(),
  city: z.string().optional(),
  district: z.string().optional(),
  street: z.string().optional(),
  community: z.string().optional(),
  road: z.string().optional(),
  number: z.string().optional(),
  estate: z.string().optional(),
  building: z.string().optional(),
  unit: z.string().optional(),
  floor: z.string().optional(),
  room: z.string().optional(),
  rest: z.string().optional(),
  normalized: z.string(),
  key: z.string(),
});

/** GET /api/v1/geo/basemap: the offline basemap (streets, water, landmarks) the platform holds, for maps without tiles. */
export const basemapQuery = z.object({
  bbox: z
    .string()
    .regex(/^[-+]?\d{1,3}(\.\d+)?(,[-+]?\d{1,3}(\.\d+)?){3}$/, 'west,south,east,north in degrees')
    .transform((s) => s.split(',').map(Number) as [number, number, number, number])
    .optional(),
});

export const basemapFeatures = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      geometry: z.object({ type: z.enum(['LineString', 'Polygon', 'Point']), coordinates: z.array(z.any()) }),
      properties: z.object({ kind: z.enum(['street', 'water', 'landmark']), name: z.string(), rank: z.number().int().describe('1 = main road / major place, 2 = minor') }),
    }),
  ),
});
