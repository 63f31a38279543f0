/** A house's address parts as GET /api/v1/houses returns them. */
export interface HouseParts {
  address: string;
  building: string;
  unit: string;
  room: string;
}

/**
 * The flat as the caller names it: the registered address with the building, unit and room it does not already
 * spell out (a house registered as "幸福路1号阳光花园" with room 101 reads "幸福路1号阳光花园 1栋1单元101").
 */
export function houseLabel(h: HouseParts): string {
  const missing = [h.building, h.unit, h.room].filter((p) => p && !h.address.includes(p));
  return missing.length ? `${h.address} ${missing.join('')}` : h.address;
}

/** One suggestion per flat: the same address twice (two registrations of one house) would be a guess for the clerk. */
export function distinctHouses<T extends HouseParts>(hits: readonly T[]): T[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const key = houseLabel(h);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
