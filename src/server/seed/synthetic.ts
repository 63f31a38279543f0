import type { Deps } from '../context.ts';
import { createPartitionStore, utcMonth } from '../db/partitions.ts';
import { deleteSetting, getSetting, putSetting } from '../db/settings-store.ts';
import { h3Cell } from '../geo/geometry.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { createSyntheticStore } from './synthetic-store.ts';

export interface SyntheticOptions {
  cases: number; devices?: number; seed?: number; chunk?: number; log?: (line: string) => void;
  /** drop the secondary indexes for loads of at least this many cases (default 200,000) */
  dropIndexesFrom?: number;
}
export interface SyntheticResult { cases: number; events: number; devices: number; readings: number; seconds: number; reused: boolean }

/** Codes are YYYYMMDD + 5 digits; the synthetic numbers take 50000–99999 of each day over 365 days. */
export const maxSyntheticCases = 365 * 50_000;
/** From this many cases on, the secondary indexes are dropped for the load and built once after it. */
const bigLoad = 200_000;
const droppedKey = 'synthetic.dropped_indexes';

/**
 * 合成城市 `civicgrid seed synthetic`: cases shaped like intake's over the last 365 days in every grid and
 * category, with their events, ratings and evaluation rollups, and sensor readings — for benches and for anyone
 * sizing the product. Runs on top of a seeded city (its grids, units and taxonomy); chunks commit on their own
 * so ten million rows never sit in one transaction; the marker row goes in last.
 */
export async function seedSynthetic(deps: Deps, taxonomy: Taxonomy, opts: SyntheticOptions): Promise<SyntheticResult> {
  const { db, clock } = deps;
  const seed = opts.seed ?? 1;
  const log = opts.log ?? (() => {});
  if (!Number.isInteger(opts.cases) || opts.cases < 1 || opts.cases > maxSyntheticCases) throw new Error(`--cases must be between 1 and ${maxSyntheticCases}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2_000_000) throw new Error('--seed must be an integer from 0 to 2000000');
  const store = createSyntheticStore();
  const existing = await store.existing(db, seed);
  if (existing) return { cases: Number(existing.cases), events: 0, devices: 0, readings: 0, seconds: 0, reused: true };
  const base = await store.loaded(db);
  if (base + opts.cases > maxSyntheticCases) throw new Error(`--cases: ${base} synthetic cases are loaded already; at most ${maxSyntheticCases} in all`);
  const rows = await store.grids(db);
  if (!rows.length) throw new Error('this database has no grids: seed a city first (`civicgrid seed demo`)');
  const grids = rows.map((g) => ({ ...g, h3: h3Cell(g.lon, g.lat) }));
  const categories = taxonomy.categories.map((c) => ({
    code: c.code, department: c.department, hours: c.workingTime ? c.deadlineHours * 3 : c.deadlineHours, workingTime: c.workingTime,
    nature: c.code.startsWith('19') ? 'consult' : 'complaint', text: `${c.zh}问题反映（合成）`,
  }));
  const now = clock.now();
  const tzMinutes = await store.tzMinutes(db);
  const chunk = opts.chunk ?? 250_000;
  const started = Date.now();
  // every month of the year gets its own case_events partition first, so ten million events go straight to
  // their month instead of through the default partition (and a second copy when it is settled)
  const partitions = createPartitionStore();
  for (let i = -13; i <= 1; i++) await partitions.ensure(db, 'case_events', utcMonth(now, i));
  let events = 0;
  // A load that dies midway leaves its dropped indexes on record: they are built again before anything else.
  const pending = await getSetting<{ name: string; def: string }[]>(db, droppedKey);
  if (pending?.length) {
    log(`rebuilding ${pending.length} indexes an interrupted load dropped`);
    await store.createIndexes(db, pending);
    await deleteSetting(db, droppedKey);
  }
  // Big loads into a table already indexed row by row cost ~10× a sort per index after the load.
  const dropped = opts.cases >= (opts.dropIndexesFrom ?? bigLoad) ? await store.secondaryIndexes(db) : [];
  if (dropped.length) {
    await db.transaction().execute(async (tx) => {
      await putSetting(tx, droppedKey, dropped, now);
      await store.dropIndexes(tx, dropped.map((d) => d.name));
    });
    log(`dropped ${dropped.length} secondary indexes of cases/case_events for the load`);
  }
  for (let from = 0; from < opts.cases; from += chunk) {
    const to = Math.min(opts.cases, from + chunk);
    events += await db.transaction().execute(async (tx) => {
      await store.bulkBegin(tx);
      const n = await store.insertRange(tx, { seed, base, from, to, now, tzMinutes, grids, categories });
      await store.bulkEnd(tx);
      return n;
    });
    const s = (Date.now() - started) / 1000;
    log(`cases: ${to.toLocaleString('en')} / ${opts.cases.toLocaleString('en')} (${Math.round(to / Math.max(s, 0.001)).toLocaleString('en')}/s), events ${events.toLocaleString('en')}`);
  }
  if (dropped.length) {
    const t0 = Date.now();
    await store.createIndexes(db, dropped);
    await deleteSetting(db, droppedKey);
    log(`indexes built again in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // Statistics before the rollups are rebuilt: without them the planner takes the freshly loaded tables for
  // empty and joins ten million cases to their events by index probes, which ran for hours at 10M (2026-12-04).
  await store.analyze(db);
  const devices = opts.devices ?? Math.max(10, Math.round(opts.cases / 1000));
  const result = await db.transaction().execute(async (tx) => {
    await store.bumpAllCodeDays(tx);
    const readings = await store.insertDevices(tx, seed, devices, 7, now, grids);
    log(`devices: ${devices.toLocaleString('en')}, readings ${readings.toLocaleString('en')}; rebuilding evaluation rollups`);
    await store.rebuildEvaluation(tx);
    const seconds = (Date.now() - started) / 1000;
    await store.mark(tx, { seed, cases: opts.cases, devices, events, seconds, now });
    return { cases: opts.cases, events, devices, readings, seconds, reused: false };
  });
  await store.analyze(db);
  return result;
}
