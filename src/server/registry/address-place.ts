import type { Db } from '../db/database.ts';
import { parseAddress, sameAdminArea } from '../geo/address.ts';
import { h3Cell } from '../geo/geometry.ts';
import { createHouseStore, type HouseRow } from './houses/store.ts';

/** Where an address lies, as far as the houses registered under it tell. */
export interface AddressPlace {
  gridCode: string;
  areaPath: string;
  /** the house's point, or the middle of the building's located flats; null when none is located */
  lon: number | null;
  lat: number | null;
  h3: string | null;
  /** 'house': the address is one registered house; 'building': a door or building with houses under it */
  match: 'house' | 'building';
}

/** How many houses under a door are enough to place it (a compound has a few hundred flats at most). */
const UNDER_LIMIT = 500;

/**
 * 地址落格: places an address by the base data. A hotline caller, an Open311 client or the portal often gives an
 * address but no point; the houses registry knows which grid each door lies in. The address must lead to one
 * grid: the same road and number in two districts, with no district said, stays unplaced rather than guessed.
 */
export function createAddressPlaces() {
  const houses = createHouseStore();

  function placeOf(rows: HouseRow[], match: AddressPlace['match']): AddressPlace | null {
    const grids = new Set(rows.map((r) => r.grid_code));
    if (grids.size !== 1) return null;
    const located = rows.filter((r) => r.lon !== null && r.lat !== null);
    const lon = located.length ? located.reduce((s, r) => s + r.lon!, 0) / located.length : null;
    const lat = located.length ? located.reduce((s, r) => s + r.lat!, 0) / located.length : null;
    return { gridCode: rows[0]!.grid_code, areaPath: rows[0]!.area_path, lon, lat, h3: lon !== null ? h3Cell(lon, lat!) : null, match };
  }

  return {
    async locate(db: Db, address: string): Promise<AddressPlace | null> {
      const parsed = parseAddress(address);
      if (!parsed.key) return null;
      // administrative parts the caller did say (district, street) must agree with the house's
      const agree = (rows: HouseRow[]) => rows.filter((r) => sameAdminArea(parsed, parseAddress(r.address)));
      const exact = agree(await houses.byAddressKeys(db, [parsed.key]));
      if (exact.length) return placeOf(exact, 'house');
      const under = agree(await houses.underAddress(db, parsed.key, UNDER_LIMIT));
      return under.length ? placeOf(under, 'building') : null;
    },
  };
}

export type AddressPlaces = ReturnType<typeof createAddressPlaces>;
