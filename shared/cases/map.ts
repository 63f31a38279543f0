import { z } from 'zod';

/** At this zoom and closer the map shows the cases themselves; further out, counts per H3 cell. */
export const POINTS_ZOOM = 15;

/** The H3 resolution of the clusters at a zoom: a cell about 40 screen pixels across (res 9 is what cases store). */
export function clusterResolution(zoom: number): number {
  const z = Math.floor(zoom);
  if (z <= 7) return 3;
  return Math.min(9, [4, 5, 6, 6, 7, 8, 9][z - 8] ?? 9);
}

const bbox = z
  .string()
  .transform((s, ctx) => {
    const v = s.split(',').map(Number);
    if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[0]! > v[2]! || v[1]! > v[3]! || v[1]! < -90 || v[3]! > 90) {
      ctx.addIssue({ code: 'custom', message: 'bbox is w,s,e,n in degrees' });
      return z.NEVER;
    }
    return v as [number, number, number, number];
  })
  .describe('w,s,e,n in WGS84 degrees: what the map shows');

export const caseMapQuery = z.object({
  bbox,
  zoom: z.coerce.number().min(0).max(24),
});

export const caseMapView = z.object({
  mode: z.enum(['cells', 'points']),
  /** H3 resolution of `cells` (null for points) */
  resolution: z.number().int().nullable(),
  cells: z.array(z.object({ h3: z.string(), lon: z.number(), lat: z.number(), count: z.number().int() })).describe('open cases per H3 cell in view'),
  points: z.array(z.object({ code: z.string(), lon: z.number(), lat: z.number(), state: z.string(), supervision: z.string() })).describe('open cases in view (points mode)'),
  /** open cases in view: the sum of cells, or the points (all of them, also beyond `truncated`) */
  inView: z.number().int(),
  /** more open cases in view than points sent (zoom in) */
  truncated: z.boolean(),
  /** open cases in the whole scope without a location: counted, never drawn */
  unlocated: z.number().int(),
  /** open cases per grid in the whole scope, for colouring areas */
  grids: z.array(z.object({ code: z.string(), count: z.number().int() })),
});
export type CaseMapView = z.infer<typeof caseMapView>;
