import { assertCan, type Actor } from '../../access/permissions.ts';
import type { Deps } from '../../context.ts';
import type { Db } from '../../db/database.ts';
import { invalid, notFound, type AppError } from '../../errors.ts';
import type { Page } from '../../../../shared/paging.ts';
import type { FieldError, PlaceInput } from '../placement.ts';
import { placeTrail, type PlaceStep } from './store.ts';

/** Appends the audit entry of a registry write inside its transaction. Details never carry clear PII. */
export const auditor =
  (deps: Deps) =>
  (tx: Db, actor: Actor, action: string, targetType: string, targetId: string, detail?: Record<string, unknown>) =>
    deps.audit.record(tx, deps.clock.now(), actor, action, { type: targetType, id: targetId }, detail);

/** 400 with every field problem listed, so a form can mark all of them at once. */
export function invalidRecord(what: string, errors: FieldError[]) {
  const first = errors[0]!;
  return invalid(`${what}.invalid`, `${first.field}: ${first.reason}`, { errors: errors.map((e) => ({ path: e.field, message: e.reason, code: e.code, ...(e.params ? { params: e.params } : {}) })) });
}

/** A unique index said no: another request registered the same key between our check and our insert. */
export const isUniqueViolation = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Applies a patch to a record's full input. A new place (grid, point or house) replaces the old one as a
 * whole: moving a house by its point alone must not keep the old grid code and then disagree with it.
 */
export function mergePatch<T extends PlaceInput & { houseId?: string | null }>(base: T, patch: Partial<T>): T {
  const merged = { ...base, ...defined(patch) } as T;
  if (patch.gridCode !== undefined || patch.lon !== undefined || patch.houseId !== undefined) {
    merged.gridCode = patch.gridCode ?? undefined;
    merged.lon = patch.lon ?? undefined;
    merged.lat = patch.lat ?? undefined;
  }
  return merged;
}

export const changedFields = (patch: object) => Object.keys(defined(patch));

/** What the shared CRUD needs of an entity's store (see `entityStore`). */
export interface CrudStore<Row, F> {
  list(db: Db, scopePath: string, f: F, page: number, pageSize: number): Promise<[Row[], number]>;
  located(db: Db, scopePath: string, f: F, limit: number): Promise<Row[]>;
  find(db: Db, id: string, scopePath: string): Promise<Row | undefined>;
  remove(db: Db, id: string): Promise<void>;
}

/**
 * The CRUD the four registers share: read permission and scope on every read, write permission on every
 * write, each write in one transaction with its audit entry (`<entity>.create|update|delete`), and a unique
 * index's veto turned into the entity's 409. Each service adds only how it prepares and checks a record.
 */
export function crudService<Row extends { id: string; area_path: string }, F>(deps: Deps, entity: string, store: CrudStore<Row, F>, taken?: () => AppError) {
  const { db } = deps;
  const record = auditor(deps);

  async function inScope(actor: Actor, id: string): Promise<Row> {
    const row = await store.find(db, id, actor.scopePath);
    if (!row) throw notFound(entity, id);
    return row;
  }

  /** One audited write; `work` runs in the transaction and returns the row and the audit detail. */
  async function write<T extends { id: string }>(actor: Actor, verb: 'create' | 'update' | 'delete', work: (tx: Db) => Promise<[T, Record<string, unknown>]>): Promise<T> {
    try {
      return await db.transaction().execute(async (tx) => {
        const [row, detail] = await work(tx);
        await record(tx, actor, `${entity}.${verb}`, entity, row.id, detail);
        return row;
      });
    } catch (err) {
      throw taken && isUniqueViolation(err) ? taken() : err;
    }
  }

  return {
    inScope,
    write,
    record,
    async list(actor: Actor, filter: F, page: number, pageSize: number): Promise<Page<Row>> {
      assertCan(actor, 'registry.read');
      const [items, total] = await store.list(db, actor.scopePath, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    /** Located records for a map layer, at most `limit`; `truncated` says the viewport holds more. */
    async located(actor: Actor, filter: F, limit: number) {
      assertCan(actor, 'registry.read');
      const rows = await store.located(db, actor.scopePath, filter, limit);
      return { items: rows.slice(0, limit), truncated: rows.length > limit };
    },

    get(actor: Actor, id: string): Promise<Row> {
      assertCan(actor, 'registry.read');
      return inScope(actor, id);
    },

    /**
     * One record for the detail view, with the named areas it sits in. Read under the same permission and
     * scope as the list and presented by the same masking presenter; like the list it is not an audited read
     * of clear PII (only reveal is).
     */
    async detail(actor: Actor, id: string): Promise<{ row: Row; place: PlaceStep[] }> {
      assertCan(actor, 'registry.read');
      const row = await inScope(actor, id);
      return { row, place: await placeTrail(db, row.area_path) };
    },

    /** Removes a record in scope; `detail` says what the audit entry keeps of it. */
    async remove(actor: Actor, id: string, detail: (row: Row) => Record<string, unknown>): Promise<void> {
      assertCan(actor, 'registry.write');
      const current = await inScope(actor, id);
      await write(actor, 'delete', async (tx) => {
        await store.remove(tx, id);
        return [current, detail(current)];
      });
    },
  };
}
