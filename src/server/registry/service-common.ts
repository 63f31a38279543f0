import type { Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { invalid } from '../errors.ts';
import type { FieldError, PlaceInput } from './placement.ts';

/** Appends the audit entry of a registry write inside its transaction. Details never carry clear PII. */
export const auditor =
  (deps: Deps) =>
  (tx: Db, actor: Actor, action: string, targetType: string, targetId: string, detail?: Record<string, unknown>) =>
    deps.audit.record(tx, deps.clock.now(), actor, action, { type: targetType, id: targetId }, detail);

/** 400 with every field problem listed, so a form can mark all of them at once. */
export function invalidRecord(what: string, errors: FieldError[]) {
  const first = errors[0]!;
  return invalid(`${what}.invalid`, `${first.field}: ${first.reason}`, { errors: errors.map((e) => ({ path: e.field, message: e.reason })) });
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
