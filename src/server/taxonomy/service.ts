import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import { conflict, invalid } from '../errors.ts';
import { createTaxonomyStore, type CategoryRule, type TaxonomyVersionRow } from './store.ts';
import type { Category, Taxonomy } from './taxonomy.ts';

export interface CategoryChange {
  code: string;
  deadlineHours?: number;
  workingTime?: boolean;
  urgent?: boolean;
}

export interface TaxonomyVersion {
  version: number;
  note: string;
  createdBy: string | null;
  createdAt: Date;
  /** the full category list with this version's deadlines and urgency */
  categories: Category[];
  rule(code: string): Category | undefined;
}

/** a year of clock hours: anything longer is a typo, not a handling limit */
const MAX_HOURS = 24 * 366;

/**
 * 事项分类 versions: the shipped taxonomy (taxonomy/default) is version 1; an admin's deadline or urgency change
 * writes version N+1. Names, groups and departments stay in the shipped files; only the settings deadlines
 * depend on are versioned. Intake asks `current()`; a case's clock records the version it was started under.
 * Versions never change once written, so each is cached by number; "which is current" is read from the
 * database each time, so every API node sees a new version at once.
 */
export function createTaxonomyService(deps: Deps, base: Taxonomy) {
  const { db, clock, audit } = deps;
  const store = createTaxonomyStore();
  const cache = new Map<number, TaxonomyVersion>();
  const shippedRules = (): CategoryRule[] => base.categories.map(({ code, deadlineHours, workingTime, urgent }) => ({ code, deadlineHours, workingTime, urgent }));

  function view(row: TaxonomyVersionRow): TaxonomyVersion {
    const hit = cache.get(row.version);
    if (hit) return hit;
    const rules = new Map(row.categories.map((r) => [r.code, r]));
    // a category shipped after this version was written keeps its shipped settings
    const categories = base.categories.map((c) => {
      const r = rules.get(c.code);
      return r ? { ...c, deadlineHours: r.deadlineHours, workingTime: r.workingTime, urgent: r.urgent } : c;
    });
    const byCode = new Map(categories.map((c) => [c.code, c]));
    const v: TaxonomyVersion = { version: row.version, note: row.note, createdBy: row.created_by, createdAt: row.created_at, categories, rule: (code) => byCode.get(code) };
    cache.set(row.version, v);
    return v;
  }

  /** The version new cases use; writes version 1 (the shipped defaults) on first use. */
  async function current(): Promise<TaxonomyVersion> {
    let row = await store.latest(db);
    if (!row) {
      await store.insert(db, { version: 1, categories: shippedRules(), note: 'shipped default', created_by: null, created_at: clock.now() });
      row = (await store.latest(db))!;
    }
    return view(row);
  }

  async function at(version: number): Promise<TaxonomyVersion | undefined> {
    const hit = cache.get(version);
    if (hit) return hit;
    const row = await store.find(db, version);
    return row ? view(row) : undefined;
  }

  return {
    current,
    at,

    async list(actor: Actor): Promise<TaxonomyVersion[]> {
      assertCan(actor, 'taxonomy.read');
      await current();
      return (await store.list(db)).map(view);
    },

    /**
     * Writes version N+1 from the current one with `changes` applied. `basedOn` is the version the admin was
     * looking at: if someone saved in between, nothing is written and the admin reloads (no lost edit).
     */
    async create(actor: Actor, input: { basedOn: number; note?: string; changes: CategoryChange[] }): Promise<TaxonomyVersion> {
      assertCan(actor, 'taxonomy.manage');
      const now = await current();
      if (input.basedOn !== now.version) throw conflict('taxonomy.stale_version', `version ${now.version} is current, not ${input.basedOn}; reload and apply the change again`, { current: now.version });
      if (!input.changes.length) throw invalid('taxonomy.no_change', 'name at least one category to change');
      const rules = new Map(now.categories.map(({ code, deadlineHours, workingTime, urgent }) => [code, { code, deadlineHours, workingTime, urgent }]));
      const seen = new Set<string>();
      const changed: Array<{ code: string; before: CategoryRule; after: CategoryRule }> = [];
      for (const ch of input.changes) {
        const before = rules.get(ch.code);
        if (!before) throw invalid('taxonomy.unknown_category', `category ${ch.code} is not in the taxonomy`, { category: ch.code });
        if (seen.has(ch.code)) throw invalid('taxonomy.duplicate_change', `category ${ch.code} is named twice`, { category: ch.code });
        seen.add(ch.code);
        if (ch.deadlineHours !== undefined && !(ch.deadlineHours > 0 && ch.deadlineHours <= MAX_HOURS))
          throw invalid('taxonomy.bad_deadline', `deadline of ${ch.code} must be more than 0 and at most ${MAX_HOURS} hours`, { category: ch.code });
        const after = { ...before, ...Object.fromEntries(Object.entries(ch).filter(([, v]) => v !== undefined)) } as CategoryRule;
        if (after.deadlineHours !== before.deadlineHours || after.workingTime !== before.workingTime || after.urgent !== before.urgent) changed.push({ code: ch.code, before, after });
        rules.set(ch.code, after);
      }
      if (!changed.length) throw invalid('taxonomy.no_change', 'the changes leave every category as it is');

      const version = now.version + 1;
      const row: TaxonomyVersionRow = { version, categories: [...rules.values()], note: input.note?.trim() ?? '', created_by: actor.id, created_at: clock.now() };
      await db.transaction().execute(async (tx) => {
        if (!(await store.insert(tx, row))) throw conflict('taxonomy.stale_version', `version ${version} was just saved by someone else; reload and apply the change again`, { current: version });
        await audit.record(tx, row.created_at, actor, 'taxonomy.version.create', { type: 'taxonomy', id: String(version) }, { basedOn: now.version, changes: changed });
      });
      return view((await store.find(db, version))!);
    },
  };
}

export type TaxonomyService = ReturnType<typeof createTaxonomyService>;
