import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import type { OrgService } from '../org/service.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { createDispatchStore, type DispatchRuleRow } from './store.ts';

export interface Responsible {
  department: string;
  coDepartments: string[];
  /** the catalogue row that decided, or null when the taxonomy default applied */
  rule: DispatchRuleRow | null;
}

export interface RuleInput {
  category: string;
  areaCode?: string | null;
  departmentCode: string;
  coDepartments?: string[];
  allowTerritorial?: boolean;
  note?: string;
}

/**
 * 权责清单: who is responsible for a category at a place, and the guard that keeps functional matters from being
 * pushed down to 街道/社区 (the most common complaint about grid systems) unless the catalogue says so.
 */
export function createDispatchService(deps: Deps, services: { taxonomy: Pick<TaxonomyService, 'current'>; org: Pick<OrgService, 'findDepartment' | 'findArea' | 'rootArea' | 'assertAreaOpen'> }) {
  const { taxonomy, org } = services;
  const store = createDispatchStore();
  const { db, clock, audit } = deps;

  const record = (tx: Db, actor: Actor, action: string, targetId: string, detail?: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: 'dispatch_rule', id: targetId }, detail);

  async function resolve(dbOrTx: Db, category: string, areaPath: string): Promise<Responsible> {
    const rule = await store.bestRule(dbOrTx, category, areaPath);
    if (rule) return { department: rule.department_code, coDepartments: rule.co_departments, rule };
    const c = (await taxonomy.current(dbOrTx)).category(category);
    if (!c) throw invalid('case.unknown_category', `category ${category} is not in the taxonomy`);
    return { department: c.department, coDepartments: [], rule: null };
  }

  async function checkDepartments(codes: string[]) {
    for (const code of codes) {
      const d = await org.findDepartment(db, code);
      if (!d || !d.active) throw invalid('department.unknown', `department ${code} does not exist or is inactive`);
    }
  }

  async function checkRule(input: RuleInput) {
    if (!(await taxonomy.current()).category(input.category)) throw invalid('case.unknown_category', `category ${input.category} is not in the taxonomy`);
    await checkDepartments([input.departmentCode, ...(input.coDepartments ?? [])]);
  }

  return {
    resolve,

    /** 权责清单 rows naming a unit (main or 协办): what org's guard lists before a unit may be disabled */
    async entriesNaming(dbOrTx: Db, departmentCode: string) {
      return (await store.naming(dbOrTx, departmentCode)).map((r) => ({ id: r.id, category: r.category, areaCode: r.area_code, role: r.department_code === departmentCode ? ('main' as const) : ('co' as const) }));
    },

    /**
     * Refuses a main department that is territorial for a category whose default is functional or utility,
     * unless the catalogue row for this category at this place explicitly allows it (or names that unit).
     */
    async guard(dbOrTx: Db, category: string, areaPath: string, departmentCode: string): Promise<void> {
      const target = await org.findDepartment(dbOrTx, departmentCode);
      if (!target || !target.active) throw invalid('department.unknown', `department ${departmentCode} does not exist or is inactive`);
      if (target.kind !== 'territorial') return;
      const c = (await taxonomy.current(dbOrTx)).category(category);
      // the default unit's kind as the org tree has it (a category an admin added names a unit of the tree)
      const defaultKind = c ? (await org.findDepartment(dbOrTx, c.department))?.kind : undefined;
      if (defaultKind === 'territorial') return;
      const rule = await store.bestRule(dbOrTx, category, areaPath);
      if (rule && (rule.allow_territorial || rule.department_code === departmentCode)) return;
      throw conflict(
        'dispatch.territorial_guard',
        `category ${category} is a functional matter (${c?.department ?? '?'}); the dispatch catalogue does not allow sending it to the territorial unit ${departmentCode}`,
        { category, department: departmentCode, defaultDepartment: c?.department ?? null },
      );
    },

    objections: store.objections,
    recordObjection: store.insertObjection,
    resolveObjections: store.resolveObjections,

    async listRules(actor: Actor, filter: { category?: string; area?: string; department?: string }, page: number, pageSize: number): Promise<Page<DispatchRuleRow>> {
      assertCan(actor, 'case.read');
      const [items, total] = await store.list(db, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    async getRule(actor: Actor, id: string): Promise<DispatchRuleRow> {
      assertCan(actor, 'case.read');
      const row = await store.find(db, id);
      if (!row) throw notFound('dispatch_rule', id);
      return row;
    },

    /** Who would get a case of this category at this area, and why. */
    async preview(actor: Actor, category: string, areaCode: string | null) {
      assertCan(actor, 'case.read');
      const area = areaCode ? await org.findArea(db, areaCode, actor.scopePath) : await org.rootArea(db);
      if (!area) throw notFound('area', areaCode ?? 'city');
      return resolve(db, category, area.path);
    },

    async createRule(actor: Actor, input: RuleInput): Promise<DispatchRuleRow> {
      assertCan(actor, 'dispatch.manage');
      await checkRule(input);
      const area = input.areaCode ? await org.findArea(db, input.areaCode, actor.scopePath) : null;
      if (input.areaCode && !area) throw notFound('area', input.areaCode);
      if (area) await org.assertAreaOpen(db, area.path);
      if (await store.findKey(db, input.category, input.areaCode ?? null)) {
        throw conflict('dispatch_rule.exists', `a rule for category ${input.category} at ${input.areaCode ?? 'city level'} already exists; change it instead`);
      }
      const now = clock.now();
      return db.transaction().execute(async (tx) => {
        const row = await store.insert(tx, {
          category: input.category,
          area_code: area?.code ?? null,
          area_path: area?.path ?? null,
          department_code: input.departmentCode,
          co_departments: input.coDepartments ?? [],
          allow_territorial: input.allowTerritorial ?? false,
          note: input.note ?? '',
          created_at: now,
          updated_at: now,
        });
        await record(tx, actor, 'dispatch_rule.create', row.id, { category: row.category, area: row.area_code, department: row.department_code, allowTerritorial: row.allow_territorial });
        return row;
      });
    },

    async updateRule(actor: Actor, id: string, patch: Partial<Omit<RuleInput, 'category' | 'areaCode'>>): Promise<DispatchRuleRow> {
      assertCan(actor, 'dispatch.manage');
      const current = await store.find(db, id);
      if (!current) throw notFound('dispatch_rule', id);
      await checkDepartments([...(patch.departmentCode ? [patch.departmentCode] : []), ...(patch.coDepartments ?? [])]);
      return db.transaction().execute(async (tx) => {
        const row = await store.update(tx, id, {
          department_code: patch.departmentCode,
          co_departments: patch.coDepartments,
          allow_territorial: patch.allowTerritorial,
          note: patch.note,
          updated_at: clock.now(),
        });
        await record(tx, actor, 'dispatch_rule.update', id, {
          before: { department: current.department_code, co: current.co_departments, allowTerritorial: current.allow_territorial },
          after: { department: row.department_code, co: row.co_departments, allowTerritorial: row.allow_territorial },
        });
        return row;
      });
    },

    async deleteRule(actor: Actor, id: string): Promise<void> {
      assertCan(actor, 'dispatch.manage');
      const current = await store.find(db, id);
      if (!current) throw notFound('dispatch_rule', id);
      await db.transaction().execute(async (tx) => {
        await store.remove(tx, id);
        await record(tx, actor, 'dispatch_rule.delete', id, { category: current.category, area: current.area_code, department: current.department_code });
      });
    },
  };
}

export type DispatchService = ReturnType<typeof createDispatchService>;

/** Seeds one city-wide rule per taxonomy leaf (its default department), inside the seeding transaction. */
export async function seedDispatchCatalogue(tx: Db, taxonomy: Taxonomy, at: Date): Promise<void> {
  const store = createDispatchStore();
  // Idempotent: a database seeded for production and then given the demo city keeps its defaults once.
  const present = new Set(await store.cityWideCategories(tx));
  const rows = taxonomy.categories.filter((c) => !present.has(c.code)).map((c) => ({ category: c.code, area_code: null, area_path: null, department_code: c.department, created_at: at, updated_at: at }));
  await store.insertMany(tx, rows);
}
