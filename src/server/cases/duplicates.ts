import type { Deps } from '../context.ts';
import { openStates } from '../../../shared/cases/state-machine.ts';
import type { CaseStore, DuplicateProbeRow } from './store.ts';

export interface Duplicate {
  caseCode: string;
  score: number;
}

/** What a duplicate search looks for: similar text near a point, optionally of one category. */
export interface DuplicateProbe {
  text: string;
  lon: number;
  lat: number;
  category?: string | null;
  now?: Date;
  excludeId?: string;
  /** whose candidates: only cases inside this data scope are proposed (another district's codes would leak) */
  scopePath: string;
}

/** 并单 window: open cases this close and this recent are proposed as duplicates. */
export const DUPLICATE_RADIUS_M = 300;
export const DUPLICATE_WINDOW_DAYS = 7;
/** character-trigram similarity (0..1) from which two texts read as the same matter */
export const DUPLICATE_MIN_SCORE = 0.4;

export const duplicateOptions = { radiusM: DUPLICATE_RADIUS_M, states: openStates, minScore: DUPLICATE_MIN_SCORE, limit: 5 };

/** Text as space-separated characters (letters and digits only) so pg_trgm compares Chinese character by character. */
export function dupText(text: string): string {
  return [...text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')].slice(0, 300).join(' ');
}

/**
 * 并单 candidates: open cases of the window near the point with similar text, best first. Its own small
 * factory (over the case store) so triage can ask for duplicates without the case service: the root builds
 * this first, then triage, then cases (which classifies through triage) — no forward reference.
 */
export function createDuplicateFinder(deps: Pick<Deps, 'db' | 'clock'>, store: CaseStore) {
  const { db, clock } = deps;
  const probeOf = (q: DuplicateProbe, spaced = dupText(q.text)): DuplicateProbeRow => ({
    dupText: spaced,
    lon: q.lon,
    lat: q.lat,
    since: new Date((q.now ?? clock.now()).getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000),
    category: q.category,
    excludeId: q.excludeId,
    scopePath: q.scopePath,
  });

  return {
    probeOf,
    async find(q: DuplicateProbe): Promise<Duplicate[]> {
      const rows = await store.duplicates(db, probeOf(q), duplicateOptions);
      return rows.map((r) => ({ caseCode: r.code, score: Math.round(Number(r.score) * 1000) / 1000 }));
    },
  };
}

export type DuplicateFinder = ReturnType<typeof createDuplicateFinder>;
