import Flatbush from 'flatbush';
import { readFile } from 'node:fs/promises';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { invalid } from '../errors.ts';
import { bboxOf, describeGeometry, labelPoint, pointWhere, type AreaGeometry, type BBox } from './geometry.ts';
import { geometriesOverlap } from './overlap.ts';
import type { GeoStore } from './store.ts';
import { checkFeatureShape, MAX_IMPORT_FEATURES } from './validate.ts';

export interface GridImportError {
  /** 0-based position of the feature in the FeatureCollection */
  index: number;
  code?: string;
  reason: string;
}

export interface GridImportResult {
  imported: number;
  created: number;
  updated: number;
  errors: GridImportError[];
}

export interface ImportProgress {
  phase: 'validate' | 'write';
  done: number;
  total: number;
}

export interface GridImportOptions {
  /** a specialist layer code (城管网格 …); absent: the master social-governance grid */
  layer?: string;
}

interface Candidate {
  index: number;
  code: string;
  name: string;
  parentCode: string;
  geometry: AreaGeometry;
  bbox: BBox;
}

// Serialises grid imports across nodes: two imports validated side by side could each pass the overlap check
// and together overlap.
const IMPORT_LOCK = 74210002;

/**
 * 网格导入 Imports grids from a GeoJSON FeatureCollection (properties: code, name, parentCode). Every feature
 * is checked first — shape, coordinates, code scheme, parent in the caller's scope, no overlap with the other
 * features or with the existing grids of the layer — and either all are written in one transaction or none
 * is, with the bad features listed by index. A feature whose code already exists redraws that grid (how a
 * grid is split or a boundary moved); the replaced shape is not counted as an overlap.
 */
export async function importGrids(
  deps: Deps,
  store: GeoStore,
  actor: Actor,
  featureCollection: unknown,
  onProgress?: (p: ImportProgress) => void,
  opts: GridImportOptions = {},
): Promise<GridImportResult> {
  assertCan(actor, 'geo.manage');
  const fc = featureCollection as { type?: unknown; features?: unknown };
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw invalid('geo.import_not_feature_collection', 'send a GeoJSON FeatureCollection: {"type":"FeatureCollection","features":[…]}');
  }
  const features = fc.features as unknown[];
  if (features.length === 0) throw invalid('geo.import_empty', 'the FeatureCollection has no features');
  if (features.length > MAX_IMPORT_FEATURES) throw invalid('geo.import_too_large', `at most ${MAX_IMPORT_FEATURES} features per import`);
  const layer = opts.layer;
  if (layer && !(await store.findLayer(deps.db, layer))) throw invalid('geo.layer_unknown', `layer ${layer} does not exist`);

  const errors: GridImportError[] = [];
  const candidates: Candidate[] = [];
  const total = features.length;
  // 1. shape of each feature on its own
  features.forEach((f, index) => {
    const checked = checkFeatureShape(f, layer ? 'layer' : 'grid');
    if ('reason' in checked) errors.push({ index, code: checked.code, reason: checked.reason });
    else candidates.push({ index, ...checked, bbox: bboxOf(checked.geometry) });
    if (onProgress && (index % 100 === 99 || index === total - 1)) onProgress({ phase: 'validate', done: index + 1, total });
  });
  const seen = new Map<string, number>();
  for (const c of candidates) {
    const first = seen.get(c.code);
    if (first !== undefined) errors.push({ index: c.index, code: c.code, reason: `code ${c.code} is also used by feature ${first}` });
    else seen.set(c.code, c.index);
  }

  return deps.db.transaction().execute(async (tx) => {
    await store.lockImports(tx, IMPORT_LOCK);
    // 2. codes against the hierarchy and the caller's scope, 3. overlaps
    const existingCodes = new Set(await checkHierarchy(tx, store, actor, candidates, errors, layer));
    await checkOverlaps(tx, store, candidates, errors, existingCodes, layer);
    if (errors.length) {
      errors.sort((a, b) => a.index - b.index || a.reason.localeCompare(b.reason));
      return { imported: 0, created: 0, updated: 0, errors };
    }

    // 4. write everything (one transaction: a failure anywhere leaves nothing behind)
    const now = deps.clock.now();
    const parents = new Map((await store.areasByCode(tx, [...new Set(candidates.map((c) => c.parentCode))])).map((a) => [a.code, a]));
    const lat0 = await cityLatitude(tx, store);
    const shaped = candidates.map((c) => ({ ...c, shape: { geometry: c.geometry, ...describeGeometry(c.geometry, lat0) } }));
    const created = shaped.filter((c) => !existingCodes.has(c.code));
    if (layer) {
      await store.upsertLayerPolygons(tx, layer, shaped.map((c) => ({ code: c.code, name: c.name, areaCode: c.parentCode, shape: c.shape })), now);
    } else {
      await store.insertAreas(tx, created.map((c) => ({ code: c.code, name: c.name, level: 'grid' as const, path: `${parents.get(c.parentCode)!.path}.${c.code}`, parent_code: c.parentCode })));
      for (const c of shaped.filter((x) => existingCodes.has(x.code))) await store.renameArea(tx, c.code, c.name);
      await store.upsertAreaShapes(tx, shaped.map((c) => ({ code: c.code, shape: c.shape })), now);
      await store.bumpVersion(tx, now);
    }
    onProgress?.({ phase: 'write', done: total, total });
    await deps.audit.record(tx, now, actor, layer ? 'geo.layer.import' : 'geo.grids.import', { type: layer ? 'grid_layer' : 'grid', id: layer ?? 'master' }, { created: created.map((c) => c.code), updated: shaped.filter((c) => existingCodes.has(c.code)).map((c) => c.code) });
    return { imported: shaped.length, created: created.length, updated: shaped.length - created.length, errors: [] };
  });
}

/**
 * The CLI's entry (`civicgrid import grids.geojson --type grids`): reads and parses the file, then imports as
 * above. A file that is not JSON is one readable error, not a stack trace.
 */
export async function readFeatureFile(file: string): Promise<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw invalid('geo.import_unreadable', `${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parsed;
}

/** Checks parents and existing codes; returns the codes that already exist (to be redrawn, not created). */
async function checkHierarchy(db: Db, store: GeoStore, actor: Actor, candidates: Candidate[], errors: GridImportError[], layer: string | undefined): Promise<string[]> {
  const parents = new Map((await store.areasByCode(db, [...new Set(candidates.map((c) => c.parentCode))])).map((a) => [a.code, a]));
  const inScope = (path: string) => path === actor.scopePath || path.startsWith(`${actor.scopePath}.`);
  const existing = layer
    ? new Set(await store.layerPolygonCodes(db, layer, candidates.map((c) => c.code)))
    : new Map((await store.areasByCode(db, candidates.map((c) => c.code))).map((a) => [a.code, a]));
  const outlines = new Map(layer ? [] : (await store.outlines(db, [...parents.keys()])).map((o) => [o.area_code, o.geometry]));
  for (const c of candidates) {
    const parent = parents.get(c.parentCode);
    if (!parent || !inScope(parent.path)) {
      errors.push({ index: c.index, code: c.code, reason: `parent area ${c.parentCode} does not exist or is outside your scope` });
      continue;
    }
    if (layer) continue;
    if (parent.level !== 'community') {
      errors.push({ index: c.index, code: c.code, reason: `parent ${c.parentCode} is a ${parent.level}; grids belong to a community` });
      continue;
    }
    // A misplaced grid (wrong parentCode, or drawn in the wrong place) shows as a grid whose inside is not
    // inside its community. Only the label point is tested, so outlines digitised separately may differ slightly.
    const outline = outlines.get(c.parentCode);
    if (outline && pointWhere(labelPoint(c.geometry), outline) === 'outside') {
      errors.push({ index: c.index, code: c.code, reason: `lies outside the outline of its community ${c.parentCode}` });
      continue;
    }
    const before = (existing as Map<string, { level: string; parent_code: string | null }>).get(c.code);
    if (before && before.level !== 'grid') errors.push({ index: c.index, code: c.code, reason: `code ${c.code} is already a ${before.level}` });
    else if (before && before.parent_code !== c.parentCode) {
      errors.push({ index: c.index, code: c.code, reason: `grid ${c.code} belongs to community ${before.parent_code}; moving a grid to another community is not an import` });
    }
  }
  return layer ? [...(existing as Set<string>)] : [...(existing as Map<string, unknown>).keys()];
}

/** No feature may overlap another feature of the import, nor a grid of the layer that it does not replace. */
async function checkOverlaps(db: Db, store: GeoStore, candidates: Candidate[], errors: GridImportError[], replaced: Set<string>, layer: string | undefined) {
  const bad = new Set(errors.map((e) => e.index));
  const ok = candidates.filter((c) => !bad.has(c.index));
  if (ok.length === 0) return;
  const tree = new Flatbush(ok.length);
  for (const c of ok) tree.add(c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3]);
  tree.finish();
  ok.forEach((c, i) => {
    for (const j of tree.search(c.bbox[0], c.bbox[1], c.bbox[2], c.bbox[3])) {
      if (j > i && geometriesOverlap(c.geometry, ok[j]!.geometry)) {
        errors.push({ index: ok[j]!.index, code: ok[j]!.code, reason: `overlaps feature ${c.index} (${c.code})` });
      }
    }
  });
  for (const c of ok) {
    const near = layer ? await store.layerShapesMeeting(db, layer, c.bbox) : await store.shapesMeeting(db, 'grid', c.bbox);
    const hits = near.filter((g) => !replaced.has(g.code) && g.code !== c.code && geometriesOverlap(c.geometry, g.geometry)).map((g) => g.code);
    if (hits.length) errors.push({ index: c.index, code: c.code, reason: `overlaps existing ${layer ? 'polygon' : 'grid'} ${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ' …' : ''}` });
  }
}

/** One reference latitude for area figures, the same the seed used, so imported areas add up with seeded ones. */
async function cityLatitude(db: Db, store: GeoStore): Promise<number | undefined> {
  const c = await store.cityShape(db);
  return c?.bbox_s != null && c.bbox_n != null ? (c.bbox_s + c.bbox_n) / 2 : undefined;
}
