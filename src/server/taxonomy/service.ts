import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { signalledCache } from '../db/signalled-cache.ts';
import { conflict, invalid } from '../errors.ts';
import type { OrgService } from '../org/service.ts';
import { createTaxonomyStore, type CategoryRule, type TaxonomyVersionRow } from './store.ts';
import type { Category, Department, Nature, Taxonomy } from './taxonomy.ts';

/** 新增事项小类: a leaf an admin adds under an existing group (or a new one, named by groupZh). */
export interface CategoryAddition {
  code: string;
  zh: string;
  en?: string;
  group: string;
  groupZh?: string;
  department: string;
  deadlineHours: number;
  workingTime: boolean;
  urgent?: boolean;
}

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
  /** the full category list with this version's deadlines and urgency, and the categories added so far */
  categories: Category[];
  rule(code: string): Category | undefined;
  /** what the shipped `Taxonomy` answers, for this version: readers (Open311, risk, notify) take either */
  category(code: string): Category | undefined;
  departments: Department[];
  department(code: string): Department | undefined;
  natures: Nature[];
}

/** a year of clock hours: anything longer is a typo, not a handling limit */
const MAX_HOURS = 24 * 366;

/**
 * 事项分类 versions: the shipped taxonomy (taxonomy/default) is version 1; an admin's deadline or urgency change
 * writes version N+1. Names, groups and departments stay in the shipped files; only the settings deadlines
 * depend on are versioned. Intake asks `current()`; a case's clock records the version it was started under.
 * Versions never change once written, so each is cached by number; "which is current" is kept per node until a
 * version is written anywhere (migration 0050's signal, heard at its commit), so every API node sees a new version
 * at once without asking the database for every case.
 */
export function createTaxonomyService(deps: Deps, base: Taxonomy, services: { org?: Pick<OrgService, 'findDepartment'> } = {}) {
  const { db, clock, audit } = deps;
  const store = createTaxonomyStore();
  const cache = new Map<number, TaxonomyVersion>();
  const latestNumber = signalledCache(deps.signals, 'taxonomy', (d) => store.latestVersion(d));
  /** the newest version this node has read as current: for synchronous name lookups (presenters) */
  let newest: TaxonomyVersion | undefined;
  const shippedRules = (): CategoryRule[] => base.categories.map(({ code, deadlineHours, workingTime, urgent }) => ({ code, deadlineHours, workingTime, urgent }));

  function view(row: TaxonomyVersionRow): TaxonomyVersion {
    const hit = cache.get(row.version);
    if (hit) return hit;
    const rules = new Map(row.categories.map((r) => [r.code, r]));
    // a category shipped after this version was written keeps its shipped settings
    const shipped = base.categories.map((c) => {
      const r = rules.get(c.code);
      return r ? { ...c, deadlineHours: r.deadlineHours, workingTime: r.workingTime, urgent: r.urgent } : c;
    });
    const known = new Set(shipped.map((c) => c.code));
    const added = row.categories
      .filter((r) => r.added && !known.has(r.code))
      .map(({ code, deadlineHours, workingTime, urgent, added: a }): Category => ({ code, ...a!, deadlineHours, workingTime, urgent }));
    const categories = [...shipped, ...added].sort((a, b) => a.code.localeCompare(b.code));
    const byCode = new Map(categories.map((c) => [c.code, c]));
    const rule = (code: string) => byCode.get(code);
    const v: TaxonomyVersion = {
      version: row.version,
      note: row.note,
      createdBy: row.created_by,
      createdAt: row.created_at,
      categories,
      rule,
      category: rule,
      departments: base.departments,
      department: base.department,
      natures: base.natures,
    };
    cache.set(row.version, v);
    return v;
  }

  /** The version new cases use; writes version 1 (the shipped defaults) on first use. `dbOrTx`: inside a caller's transaction. */
  async function current(dbOrTx: Db = db): Promise<TaxonomyVersion> {
    // every intake, Open311 and public-map request asks: one indexed number, and the rules only for a new version
    const latest = dbOrTx === db ? await latestNumber.get(db) : await store.latestVersion(dbOrTx);
    let v = latest === undefined ? undefined : cache.get(latest);
    if (!v) {
      let row = await store.latest(dbOrTx);
      if (!row) {
        await store.insert(dbOrTx, { version: 1, categories: shippedRules(), note: 'shipped default', created_by: null, created_at: clock.now() });
        latestNumber.forget();
        row = (await store.latest(dbOrTx))!;
      }
      v = view(row);
    }
    if (!newest || v.version > newest.version) newest = v;
    return v;
  }

  async function at(version: number): Promise<TaxonomyVersion | undefined> {
    const hit = cache.get(version);
    if (hit) return hit;
    const row = await store.find(db, version);
    return row ? view(row) : undefined;
  }

  /**
   * A new leaf: a free 4-digit code, its group's two digits first (how every category code reads), a known and
   * active unit as its default (the catalogue falls back to it), a sane deadline.
   */
  async function checkAdditions(now: TaxonomyVersion, additions: CategoryAddition[]): Promise<CategoryRule[]> {
    const groups = new Map(now.categories.map((c) => [c.group, c.groupZh]));
    const seen = new Set<string>();
    const out: CategoryRule[] = [];
    for (const a of additions) {
      if (now.rule(a.code) || seen.has(a.code)) throw conflict('taxonomy.category_exists', `category ${a.code} already exists`, { category: a.code });
      seen.add(a.code);
      if (!a.code.startsWith(a.group)) throw invalid('taxonomy.code_outside_group', `category ${a.code} must start with its group's code ${a.group}`, { category: a.code });
      const groupZh = groups.get(a.group) ?? a.groupZh?.trim();
      if (!groupZh) throw invalid('taxonomy.unknown_group', `group ${a.group} is new: give its name (groupZh)`, { category: a.code, group: a.group });
      const unit = await services.org?.findDepartment(db, a.department);
      if (!unit || !unit.active) throw invalid('department.unknown', `department ${a.department} does not exist or is inactive`, { category: a.code });
      if (!(a.deadlineHours > 0 && a.deadlineHours <= MAX_HOURS)) throw invalid('taxonomy.bad_deadline', `deadline of ${a.code} must be more than 0 and at most ${MAX_HOURS} hours`, { category: a.code });
      out.push({
        code: a.code,
        deadlineHours: a.deadlineHours,
        workingTime: a.workingTime,
        urgent: a.urgent ?? false,
        added: { zh: a.zh.trim(), en: a.en?.trim() || a.zh.trim(), group: a.group, groupZh, department: a.department },
      });
    }
    return out;
  }

  return {
    /** Starts keeping which version is current (the app calls it; until then every request reads it). */
    startCache: () => latestNumber.start(),
    current,
    at,
    /**
     * A category as the newest version this node has seen has it (every intake reads the current one), else the
     * shipped one: for presenters that name categories synchronously. Deadlines never come from here.
     */
    category: (code: string): Category | undefined => newest?.category(code) ?? base.category(code),

    async list(actor: Actor): Promise<TaxonomyVersion[]> {
      assertCan(actor, 'taxonomy.read');
      await current();
      return (await store.list(db)).map(view);
    },

    /**
     * Writes version N+1 from the current one with `changes` applied. `basedOn` is the version the admin was
     * looking at: if someone saved in between, nothing is written and the admin reloads (no lost edit).
     */
    async create(actor: Actor, input: { basedOn: number; note?: string; changes?: CategoryChange[]; additions?: CategoryAddition[] }): Promise<TaxonomyVersion> {
      assertCan(actor, 'taxonomy.manage');
      const now = await current();
      if (input.basedOn !== now.version) throw conflict('taxonomy.stale_version', `version ${now.version} is current, not ${input.basedOn}; reload and apply the change again`, { current: now.version });
      const additions = input.additions ?? [];
      if (!input.changes?.length && !additions.length) throw invalid('taxonomy.no_change', 'name at least one category to change or add');
      const shippedCodes = new Set(base.categories.map((c) => c.code));
      const rules = new Map<string, CategoryRule>(
        now.categories.map(({ code, deadlineHours, workingTime, urgent, zh, en, group, groupZh, department }) => [
          code,
          { code, deadlineHours, workingTime, urgent, ...(shippedCodes.has(code) ? {} : { added: { zh, en, group, groupZh, department } }) },
        ]),
      );
      const added = await checkAdditions(now, additions);
      for (const a of added) rules.set(a.code, a);
      const seen = new Set<string>();
      const changed: Array<{ code: string; before: CategoryRule; after: CategoryRule }> = [];
      for (const ch of input.changes ?? []) {
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
      if (!changed.length && !added.length) throw invalid('taxonomy.no_change', 'the changes leave every category as it is');

      const version = now.version + 1;
      const row: TaxonomyVersionRow = { version, categories: [...rules.values()], note: input.note?.trim() ?? '', created_by: actor.id, created_at: clock.now() };
      await db.transaction().execute(async (tx) => {
        if (!(await store.insert(tx, row))) throw conflict('taxonomy.stale_version', `version ${version} was just saved by someone else; reload and apply the change again`, { current: version });
        await audit.record(tx, row.created_at, actor, 'taxonomy.version.create', { type: 'taxonomy', id: String(version) }, { basedOn: now.version, changes: changed, added: added.map((a) => ({ code: a.code, ...a.added, deadlineHours: a.deadlineHours })) });
      });
      latestNumber.forget(); // this node at once; the others when the signal of the commit reaches them
      return view((await store.find(db, version))!);
    },
  };
}

export type TaxonomyService = ReturnType<typeof createTaxonomyService>;
