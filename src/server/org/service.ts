import { assertCan, roles as knownRoles, type Actor } from '../access/permissions.ts';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.ts';
import type { AuthService } from '../auth/service.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { signalledCache } from '../db/signalled-cache.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { detectFormat, readSheet, UnreadableFile } from '../registry/imports/parse.ts';
import { createOrgStore, type AreaLevel, type AreaRow, type DepartmentRow, type UserView } from './store.ts';
import { childCodeProblem, childLevel, planTreeImport, treeRows, type OrgTreeRow } from './tree-file.ts';


export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
  scopeArea: string;
  departmentCode?: string | null;
  /** the password is one-time: the user sets their own at first sign-in */
  mustChangePassword?: boolean;
}

export interface DepartmentInput {
  name: string;
  nameEn?: string;
  kind: DepartmentRow['kind'];
  areaCode?: string | null;
  active?: boolean;
}

/** A 权责清单 row that names a unit, as the disable guard reports it. */
export interface CatalogueEntryNaming {
  id: string;
  category: string;
  areaCode: string | null;
  /** main: the responsible unit; co: a 协办 unit */
  role: 'main' | 'co';
}

export interface OrgGuards {
  /**
   * The dispatch catalogue's rows naming a unit. The catalogue is built after org (it looks units and areas up
   * here), so the composition root hands this in as a late-bound call instead of the dispatch service.
   */
  catalogueEntriesNaming?: (db: Db, departmentCode: string) => Promise<CatalogueEntryNaming[]>;
}

export function createOrgService(deps: Deps, auth: AuthService, guards: OrgGuards = {}) {
  const store = createOrgStore();
  const { db, clock, audit } = deps;

  /**
   * 停用单位 guard: a unit the catalogue still names would be chosen for new cases and then refused at dispatch,
   * so disabling it is refused (409) with the rows to re-point first.
   */
  async function assertNotInCatalogue(dbOrTx: Db, code: string) {
    const entries = (await guards.catalogueEntriesNaming?.(dbOrTx, code)) ?? [];
    if (entries.length) {
      throw conflict('department.in_catalogue', `department ${code} is named by ${entries.length} dispatch catalogue entr${entries.length === 1 ? 'y' : 'ies'}; point them at another unit first`, { department: code, entries });
    }
  }

  // the disabled areas (a handful, shallowest first), kept per node until any area changes (0050): intake asks
  // for every case, and a cached answer is one round trip fewer each
  const disabledAreas = signalledCache(deps.signals, 'areas', (d) => store.disabledAreas(d));

  /** 停用区划: refuses new work at a place inside a disabled area (the area itself or one above it). */
  async function assertAreaOpen(dbOrTx: Db, path: string) {
    const closed = dbOrTx === db ? (await disabledAreas.get(db)).find((a) => path === a.path || path.startsWith(`${a.path}.`)) : await store.disabledOnPath(dbOrTx, path);
    if (closed) throw conflict('area.disabled', `area ${closed.name} (${closed.code}) is disabled; new cases and catalogue entries are not taken there`, { area: { code: closed.code, name: closed.name } });
  }

  const record = (tx: typeof db, actor: Actor, action: string, targetType: string, targetId: string, detail?: Record<string, unknown>) =>
    audit.record(tx, clock.now(), actor, action, { type: targetType, id: targetId }, detail);

  async function areaInScope(actor: Actor, code: string): Promise<AreaRow> {
    const area = await store.findArea(db, code, actor.scopePath);
    if (!area) throw notFound('area', code);
    return area;
  }

  function checkRoles(roles: string[]) {
    const unknown = roles.filter((r) => !(knownRoles as readonly string[]).includes(r));
    if (unknown.length) throw invalid('user.unknown_role', `unknown role ${unknown.join(', ')}`, { allowed: knownRoles });
  }

  async function checkDepartment(code: string | null | undefined) {
    if (code && !(await store.findDepartment(db, code))) throw invalid('department.unknown', `department ${code} does not exist`);
  }

  return {
    /** Starts keeping the disabled areas (the app calls it; until then every check reads them). */
    startCache: () => disabledAreas.start(),

    // ---- lookups for other capabilities (cases, dispatch, geo, Open311, the City Brain). No permission check:
    // they answer inside work the caller has already checked; `dbOrTx` lets them read in the caller's transaction.
    rootArea: (dbOrTx: Db = db) => store.rootArea(dbOrTx),
    findArea: (dbOrTx: Db, code: string, scopePath: string) => store.findArea(dbOrTx, code, scopePath),
    findAreaAnywhere: (dbOrTx: Db, code: string) => store.findAreaAnywhere(dbOrTx, code),
    findDepartment: (dbOrTx: Db, code: string) => store.findDepartment(dbOrTx, code),
    assertAreaOpen,
    /** whether any area exists yet (a city set up, even partly) */
    hasAreas: () => store.hasAreas(db),

    /**
     * `civicgrid admin create`: the first administrator (and, on an empty database, the city it governs), by
     * the operator at the console, so no actor's permissions apply; recorded in the audit chain as `cli`.
     */
    async createFirstAdmin(input: { username: string; displayName: string; password: () => Promise<string>; city?: { code?: string; name?: string } }) {
      const username = input.username.toLowerCase();
      if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) throw new Error('usernames are 2-64 characters: letters, digits, . _ -');
      let city = await store.rootArea(db);
      if (!city) {
        const { code, name } = input.city ?? {};
        if (!code || !/^[0-9]{6}$/.test(code) || !name) throw new Error('no city yet: pass --city-code <6 digits> and --city-name');
        await store.insertArea(db, { code, name, level: 'city', path: code, parent_code: null });
        city = (await store.rootArea(db))!;
      }
      if (await store.usernameTaken(db, username)) throw new Error(`username ${username} is taken`);
      const password = await input.password();
      const weak = checkPasswordPolicy(password);
      if (weak) throw new Error(`password ${weak}`);
      const passwordHash = await hashPassword(password);
      const root = city;
      await db.transaction().execute(async (tx) => {
        const user = await store.insertUser(tx, { username, display_name: input.displayName, password_hash: passwordHash, roles: ['admin'], scope_path: root.path, department_code: null });
        await audit.record(tx, clock.now(), { id: null, username: 'cli' }, 'user.create', { type: 'user', id: user.id }, { username, roles: ['admin'] });
      });
      return { username, city: root };
    },

    async listAreas(actor: Actor, filter: { level?: AreaLevel; parent?: string; q?: string; active?: boolean }, page: number, pageSize: number): Promise<Page<AreaRow>> {
      assertCan(actor, 'org.read');
      const [items, total] = await store.listAreas(db, actor.scopePath, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    getArea: (actor: Actor, code: string) => {
      assertCan(actor, 'org.read');
      return areaInScope(actor, code);
    },

    async createArea(actor: Actor, input: { code: string; name: string; parentCode: string }): Promise<AreaRow> {
      assertCan(actor, 'org.manage');
      const parent = await areaInScope(actor, input.parentCode);
      const problem = childCodeProblem(parent, input.code);
      if (problem) throw invalid(problem.code, problem.detail);
      const level = childLevel[parent.level]!;
      if (await store.findAreaAnywhere(db, input.code)) throw conflict('area.exists', `area ${input.code} already exists`);
      const row = { code: input.code, name: input.name, level, path: `${parent.path}.${input.code}`, parent_code: parent.code };
      await db.transaction().execute(async (tx) => {
        await store.insertArea(tx, row);
        await record(tx, actor, 'area.create', 'area', row.code, { name: row.name, parent: parent.code });
      });
      return (await store.findAreaAnywhere(db, row.code))!;
    },

    /**
     * One PATCH for an area: 更名 (its code carries the hierarchy and never changes; its name may) and/or, for a
     * grid, 核实 before 立案 (the grid worker is the one who goes and looks); each part audited as its own change.
     */
    async updateArea(actor: Actor, code: string, patch: { name?: string; verifyBeforeFiling?: boolean; active?: boolean }): Promise<AreaRow> {
      assertCan(actor, 'org.manage');
      const current = await areaInScope(actor, code);
      const { name, verifyBeforeFiling, active } = patch;
      if (verifyBeforeFiling !== undefined && current.level !== 'grid') throw invalid('area.not_a_grid', 'on-site verification before filing is set per grid');
      // the city is where a case without a place lands: closing it would close the front door
      if (active === false && current.level === 'city') throw invalid('area.city_not_disabled', 'the city itself cannot be disabled; disable its districts');
      await db.transaction().execute(async (tx) => {
        if (name !== undefined) {
          await store.renameArea(tx, code, name);
          await record(tx, actor, 'area.update', 'area', code, { before: current.name, after: name });
        }
        if (verifyBeforeFiling !== undefined) {
          await store.setVerifyBeforeFiling(tx, code, verifyBeforeFiling);
          await record(tx, actor, 'area.settings', 'area', code, { verifyBeforeFiling });
        }
        if (active !== undefined && active !== current.active) {
          await store.setAreaActive(tx, code, active);
          await record(tx, actor, active ? 'area.enable' : 'area.disable', 'area', code, { name: current.name, level: current.level });
        }
      });
      disabledAreas.forget(); // this node at once; the others when the signal of the commit reaches them
      return (await store.findAreaAnywhere(db, code))!;
    },

    async listDepartments(actor: Actor, filter: { q?: string; kind?: DepartmentRow['kind']; active?: boolean } = {}): Promise<DepartmentRow[]> {
      assertCan(actor, 'org.read');
      // a city has a few hundred units: filtered here rather than a paged query, so the list stays one array
      const needle = filter.q?.toLowerCase();
      return (await store.listDepartments(db)).filter(
        (d) =>
          (!filter.kind || d.kind === filter.kind) &&
          (filter.active === undefined || d.active === filter.active) &&
          (!needle || d.code.toLowerCase().includes(needle) || d.name.includes(filter.q!) || d.name_en.toLowerCase().includes(needle)),
      );
    },

    async saveDepartment(actor: Actor, d: { code: string; name: string; nameEn?: string; kind: DepartmentRow['kind']; areaCode?: string | null; active?: boolean }) {
      assertCan(actor, 'org.manage');
      if (d.areaCode) await areaInScope(actor, d.areaCode);
      const existed = await store.findDepartment(db, d.code);
      if (existed?.active && d.active === false) await assertNotInCatalogue(db, d.code);
      await db.transaction().execute(async (tx) => {
        await store.upsertDepartment(tx, { code: d.code, name: d.name, name_en: d.nameEn ?? '', kind: d.kind, area_code: d.areaCode ?? null, active: d.active });
        await record(tx, actor, existed ? 'department.update' : 'department.create', 'department', d.code, { name: d.name, kind: d.kind });
      });
      return { created: !existed, department: (await store.findDepartment(db, d.code))! };
    },

    /** 新增单位: a new department; its code is its key for ever (cases and the catalogue name it). */
    async createDepartment(actor: Actor, d: DepartmentInput & { code: string }): Promise<DepartmentRow> {
      assertCan(actor, 'org.manage');
      if (d.areaCode) await areaInScope(actor, d.areaCode);
      if (await store.findDepartment(db, d.code)) throw conflict('department.exists', `department ${d.code} already exists`);
      await db.transaction().execute(async (tx) => {
        await store.upsertDepartment(tx, { code: d.code, name: d.name, name_en: d.nameEn ?? '', kind: d.kind, area_code: d.areaCode ?? null, active: d.active });
        await record(tx, actor, 'department.create', 'department', d.code, { name: d.name, kind: d.kind, area: d.areaCode ?? null });
      });
      return (await store.findDepartment(db, d.code))!;
    },

    /** 修改 / 停用单位: a disabled unit stays on old cases but can no longer be dispatched to. */
    async updateDepartment(actor: Actor, code: string, patch: Partial<DepartmentInput>): Promise<DepartmentRow> {
      assertCan(actor, 'org.manage');
      const current = await store.findDepartment(db, code);
      if (!current) throw notFound('department', code);
      if (patch.areaCode) await areaInScope(actor, patch.areaCode);
      return db.transaction().execute(async (tx) => {
        // checked in the writing transaction, so a catalogue row added meanwhile is seen
        if (current.active && patch.active === false) await assertNotInCatalogue(tx, code);
        const row = await store.updateDepartment(tx, code, { name: patch.name, name_en: patch.nameEn, kind: patch.kind, area_code: patch.areaCode, active: patch.active });
        const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
        await record(tx, actor, 'department.update', 'department', code, {
          changed,
          before: { name: current.name, kind: current.kind, area: current.area_code, active: current.active },
          after: { name: row.name, kind: row.kind, area: row.area_code, active: row.active },
        });
        return row;
      });
    },

    /** 组织架构导出: every area in the admin's scope and every department, as rows of one file. */
    async treeRows(actor: Actor): Promise<OrgTreeRow[]> {
      assertCan(actor, 'org.manage');
      return treeRows(await store.allAreas(db, actor.scopePath), await store.listDepartments(db));
    },

    /**
     * 组织架构导入: validates every row, then creates/renames areas and upserts departments in one transaction;
     * any bad row → 400 `org_import.invalid_rows` with the row errors, nothing written.
     */
    async importTree(actor: Actor, file: { filename: string; bytes: Buffer; dryRun?: boolean }) {
      assertCan(actor, 'org.manage');
      const format = detectFormat(file.filename, file.bytes);
      if (format !== 'csv' && format !== 'xlsx') throw invalid('org_import.unknown_format', 'the org tree is imported from .csv or .xlsx');
      let sheet;
      try {
        sheet = await readSheet(file.bytes, format);
      } catch (err) {
        if (err instanceof UnreadableFile) throw invalid('org_import.unreadable', err.message);
        throw err;
      }
      if (sheet.rows.length === 0) throw invalid('org_import.empty', 'the file has no rows under its header');
      const inScope = (a: Pick<AreaRow, 'path'>) => a.path === actor.scopePath || a.path.startsWith(`${actor.scopePath}.`);
      const { plan, errors } = await planTreeImport(sheet, { area: (code) => store.findAreaAnywhere(db, code), inScope, department: (code) => store.findDepartment(db, code) });
      if (errors.length) {
        throw invalid('org_import.invalid_rows', `${errors.length} row problem(s); nothing was imported`, { rowErrors: errors.slice(0, 500), errorCount: errors.length });
      }
      const counts = {
        rows: sheet.rows.length,
        areasCreated: plan.newAreas.length,
        areasRenamed: plan.renames.length,
        departmentsCreated: plan.departments.filter((d) => !d.exists).length,
        departmentsUpdated: plan.departments.filter((d) => d.exists).length,
      };
      for (const d of plan.departments) if (d.exists && d.row.active === false && (await store.findDepartment(db, d.row.code))?.active) await assertNotInCatalogue(db, d.row.code);
      if (file.dryRun) return { dryRun: true, ...counts };
      await db.transaction().execute(async (tx) => {
        for (const a of plan.newAreas) await store.insertArea(tx, a);
        for (const r of plan.renames) await store.renameArea(tx, r.code, r.name);
        for (const { row } of plan.departments) await store.upsertDepartment(tx, row);
        await record(tx, actor, 'org.import', 'org_tree', file.filename.slice(0, 100), {
          ...counts,
          areas: plan.newAreas.map((a) => a.code),
          departments: plan.departments.map((d) => d.row.code),
        });
      });
      return { dryRun: false, ...counts };
    },

    async listUsers(actor: Actor, filter: { role?: string; q?: string; department?: string }, page: number, pageSize: number): Promise<Page<UserView>> {
      assertCan(actor, 'user.read');
      const [items, total] = await store.listUsers(db, actor.scopePath, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    async getUser(actor: Actor, id: string): Promise<UserView> {
      assertCan(actor, 'user.read');
      const user = await store.findUser(db, id, actor.scopePath);
      if (!user) throw notFound('user', id);
      return user;
    },

    async createUser(actor: Actor, input: NewUser): Promise<UserView> {
      assertCan(actor, 'user.manage');
      checkRoles(input.roles);
      const weak = checkPasswordPolicy(input.password);
      if (weak) throw invalid('user.weak_password', `password ${weak}`);
      const area = await areaInScope(actor, input.scopeArea);
      await checkDepartment(input.departmentCode);
      const username = input.username.toLowerCase();
      if (await store.usernameTaken(db, username)) throw conflict('user.exists', `username ${username} is taken`);
      const passwordHash = await hashPassword(input.password);
      return db.transaction().execute(async (tx) => {
        const user = await store.insertUser(tx, {
          username,
          display_name: input.displayName,
          password_hash: passwordHash,
          roles: input.roles,
          scope_path: area.path,
          department_code: input.departmentCode ?? null,
          must_change_password: input.mustChangePassword ?? false,
        });
        await record(tx, actor, 'user.create', 'user', user.id, { username, roles: input.roles, scope: area.code });
        return user;
      });
    },

    async updateUser(
      actor: Actor,
      id: string,
      patch: { displayName?: string; roles?: string[]; scopeArea?: string; departmentCode?: string | null; disabled?: boolean; password?: string; unlock?: true; mustChangePassword?: boolean },
    ): Promise<UserView> {
      assertCan(actor, 'user.manage');
      const current = await store.findUser(db, id, actor.scopePath);
      if (!current) throw notFound('user', id);
      if (patch.roles) checkRoles(patch.roles);
      if (patch.departmentCode !== undefined) await checkDepartment(patch.departmentCode);
      if (id === actor.id && (patch.disabled || (patch.roles && !patch.roles.includes('admin')))) {
        throw new AppError(409, 'user.self_lockout', 'you cannot disable yourself or drop your own admin role');
      }
      const scopePath = patch.scopeArea ? (await areaInScope(actor, patch.scopeArea)).path : undefined;
      let passwordHash: string | undefined;
      if (patch.password !== undefined) {
        const weak = checkPasswordPolicy(patch.password);
        if (weak) throw invalid('user.weak_password', `password ${weak}`);
        passwordHash = await hashPassword(patch.password);
      }
      const updated = await db.transaction().execute(async (tx) => {
        const user = await store.updateUser(tx, id, {
          display_name: patch.displayName,
          roles: patch.roles,
          scope_path: scopePath,
          department_code: patch.departmentCode,
          disabled: patch.disabled,
          password_hash: passwordHash,
          must_change_password: patch.mustChangePassword,
          ...(patch.unlock ? { failed_logins: 0, locked_until: null } : {}),
          updated_at: clock.now(),
        });
        // Changing who someone is or what they may do ends their open sessions; they sign in again.
        if (patch.disabled || patch.roles || scopePath || passwordHash) await auth.endUserSessions(tx, id);
        const changed = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
        await record(tx, actor, 'user.update', 'user', id, { changed });
        return user;
      });
      // a new display name or department shows on this node's next request, not after the cache's lifetime
      auth.forgetUser(id);
      return updated;
    },
  };
}

export type OrgService = ReturnType<typeof createOrgService>;
