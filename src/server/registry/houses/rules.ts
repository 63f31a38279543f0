import { parseAddress } from '../../geo/address.ts';
import type { NewHouseRow } from './store.ts';
import { fail, isErrors, type Placer, type Prepared } from '../placement.ts';
import type { NewHouse } from '../../../../shared/registry/schema.ts';

const strip = (v: string | undefined, marker: RegExp) => (v ? v.trim().replace(marker, '') : '');

/**
 * The address parts and matching key of a house. Building, unit and room may come in their own fields or
 * inside the address text; either way the key is the one geo/address.ts gives an appeal naming the same door.
 */
export function houseAddress(input: Pick<NewHouse, 'address' | 'building' | 'unit' | 'room'>) {
  const parsed = parseAddress(input.address);
  const building = strip(input.building, /(栋|幢|号楼|座)$/);
  const unit = strip(input.unit, /单元$/);
  const room = strip(input.room, /(室|房)$/);
  const full =
    input.address +
    (building && !parsed.building ? `${building}栋` : '') +
    (unit && !parsed.unit ? `${unit}单元` : '') +
    (room && !parsed.room ? `${room}室` : '');
  const p = full === input.address ? parsed : parseAddress(full);
  // Without a road the parser has no key; the cleaned text still matches the same spelling.
  return { key: p.key || p.normalized, building: p.building ?? building, unit: p.unit ?? unit, room: p.room ?? room };
}

/** District code of a grid (its first 6 digits): houses are unique by address within a district. */
export const districtOf = (gridCode: string) => gridCode.slice(0, 6);

export async function prepareHouse(input: NewHouse, placer: Placer, now: Date): Promise<Prepared<NewHouseRow>> {
  const addr = houseAddress(input);
  const place = await placer.place(input);
  if (isErrors(place)) return fail(...place);
  return {
    ok: true,
    value: {
      address: input.address,
      address_key: addr.key,
      building: addr.building,
      unit: addr.unit,
      room: addr.room,
      purpose: input.purpose ?? 'residential',
      rental: input.rental ?? false,
      visit_cycle_days: input.visitCycleDays ?? null,
      ...place,
      note: input.note ?? '',
      created_at: now,
      updated_at: now,
    },
  };
}
