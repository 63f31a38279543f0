import type { Actor } from '../access/permissions.ts';
import { pathWithin } from '../cases/event-bus.ts';
import { AppError } from '../errors.ts';

/**
 * Object-level rules of the City Brain (what the permission table cannot say): every device, gateway and
 * alarm belongs to an area, and a person or gateway acts only inside its own.
 */

/** A device is placed (registered or moved) only into a grid inside the actor's area. */
export function assertPlaceInScope(actor: Actor, grid: { code: string; path: string }): void {
  if (!pathWithin(grid.path, actor.scopePath)) throw new AppError(403, 'device.outside_scope', `grid ${grid.code} is outside your area`);
}

/** A gateway login publishes only for devices inside the area it was issued for. */
export const gatewayMayPublishFor = (gatewayScope: string, device: { area_path: string } | undefined): boolean => Boolean(device && pathWithin(device.area_path, gatewayScope));

/** The live feed shows an alarm only to viewers whose area holds it. */
export const alarmVisibleTo = (actor: Actor, areaPath: string): boolean => pathWithin(areaPath, actor.scopePath);
