import { assertCan, roles as knownRoles, type Actor } from '../access/permissions.ts';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.ts';
import type { AuthService } from '../auth/service.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, conflict, invalid, notFound } from '../errors.ts';
import type { Page } from '../../../shared/paging.ts';
import { createOrgStore, type AreaLevel, type AreaRow, type DepartmentRow, type UserView } from './store.ts';

const childLevel: Record<AreaLevel, AreaLevel | null> = { city: 'district', district: 'street', street: 'community', community: 'grid', grid: null };
/** digits each level adds to its parent's code (GB/T 2260 6-digit district, then 3 per level) */
const codeLength: Record<AreaLevel, number> = { city: 6, district: 6, street: 9, community: 12, grid: 15 };

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: string[];
  scopeArea: string;
  departmentCode?: string | null;
}

export function createOrgService(deps: Deps, auth: AuthService) {
  const store = createOrgStore();
  const { db, clock, audit } = deps;

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
    // ---- lookups for other capabilities (cases, dispatch, geo, Open311, the City Brain). No permission check:
    // they answer inside work the caller has already checked; `dbOrTx` lets them read in the caller's transaction.
    rootArea: (dbOrTx: Db = db) => store.rootArea(dbOrTx),
    findArea: (dbOrTx: Db, code: string, scopePath: string) => store.findArea(dbOrTx, code, scopePath),
    findAreaAnywhere: (dbOrTx: Db, code: string) => store.findAreaAnywhere(dbOrTx, code),
    findDepartment: (dbOrTx: Db, code: string) => store.findDepartment(dbOrTx, code),
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

    async listAreas(actor: Actor, filter: { level?: AreaLevel; parent?: string; q?: string }, page: number, pageSize: number): Promise<Page<AreaRow>> {
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
      const level = childLevel[parent.level];
      if (!level) throw invalid('area.grid_has_no_children', 'a grid is the smallest area; it cannot have children');
      // The code carries the hierarchy (GB/T 2260 style), so a child's code must extend its parent's.
      const prefix = level === 'district' ? parent.code.slice(0, 4) : parent.code;
      if (input.code.length !== codeLength[level] || !input.code.startsWith(prefix) || input.code === parent.code) {
        throw invalid('area.bad_code', `a ${level} code has ${codeLength[level]} digits and starts with ${prefix}`);
      }
      if (await store.findAreaAnywhere(db, input.code)) throw conflict('area.exists', `area ${input.code} already exists`);
      const row = { code: input.code, name: input.name, level, path: `${parent.path}.${input.code}`, parent_code: parent.code };
      await db.transaction().execute(async (tx) => {
        await store.insertArea(tx, row);
        await record(tx, actor, 'area.create', 'area', row.code, { name: row.name, parent: parent.code });
      });
      return (await store.findAreaAnywhere(db, row.code))!;
    },

    /** 核实 before 立案 is a grid's setting: the grid worker is the one who goes and looks */
    async setAreaSettings(actor: Actor, code: string, s: { verifyBeforeFiling: boolean }): Promise<AreaRow> {
      assertCan(actor, 'org.manage');
      const a = await areaInScope(actor, code);
      if (a.level !== 'grid') throw invalid('area.not_a_grid', 'on-site verification before filing is set per grid');
      await db.transaction().execute(async (tx) => {
        await store.setVerifyBeforeFiling(tx, code, s.verifyBeforeFiling);
        await record(tx, actor, 'area.settings', 'area', code, s);
      });
      return areaInScope(actor, code);
    },

    async listDepartments(actor: Actor): Promise<DepartmentRow[]> {
      assertCan(actor, 'org.read');
      return store.listDepartments(db);
    },

    async saveDepartment(actor: Actor, d: { code: string; name: string; nameEn?: string; kind: DepartmentRow['kind']; areaCode?: string | null; active?: boolean }) {
      assertCan(actor, 'org.manage');
      if (d.areaCode) await areaInScope(actor, d.areaCode);
      const existed = await store.findDepartment(db, d.code);
      await db.transaction().execute(async (tx) => {
        await store.upsertDepartment(tx, { code: d.code, name: d.name, name_en: d.nameEn ?? '', kind: d.kind, area_code: d.areaCode ?? null, active: d.active });
        await record(tx, actor, existed ? 'department.update' : 'department.create', 'department', d.code, { name: d.name, kind: d.kind });
      });
      return { created: !existed, department: (await store.findDepartment(db, d.code))! };
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
        });
        await record(tx, actor, 'user.create', 'user', user.id, { username, roles: input.roles, scope: area.code });
        return user;
      });
    },

    async updateUser(
      actor: Actor,
      id: string,
      patch: { displayName?: string; roles?: string[]; scopeArea?: string; departmentCode?: string | null; disabled?: boolean; password?: string; unlock?: true },
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
