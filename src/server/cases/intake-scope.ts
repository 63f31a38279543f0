import type { Actor } from '../access/permissions.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { OrgService } from '../org/service.ts';

/** `path <@ scope` for ltree text paths (a path is inside its own scope and below it). */
export const pathWithin = (path: string, scope: string) => path === scope || path.startsWith(`${scope}.`);

/**
 * A district dispatcher (or a grid worker) may not file a case at a place outside its data scope: the case
 * would be written where its author can no longer read it, and it is the other district's to take. Refused
 * (403) with the district that owns the place, so the caller can hand it over; city-wide staff and system
 * channels (their scope is the city) are never refused.
 */
export async function assertPlaceInScope(db: Db, org: Pick<OrgService, 'findAreaAnywhere'>, actor: Actor, areaPath: string): Promise<void> {
  if (pathWithin(areaPath, actor.scopePath)) return;
  const segments = areaPath.split('.');
  // paths are codes from the city down (city.district.street.community.grid): the district is the second one
  const owner = segments.length > 1 ? await org.findAreaAnywhere(db, segments[1]!) : undefined;
  const where = owner ? `${owner.name} (${owner.code})` : areaPath;
  throw new AppError(403, 'case.outside_scope', `the place lies in ${where}, outside your data scope; that district's dispatchers file it (or the city's 12345 centre)`, {
    owner: owner ? { code: owner.code, name: owner.name } : null,
  });
}
