import { addressKey } from '../../geo/address.ts';
import { isValidIdNumber, maskIdNumber, maskName, maskPhone, normaliseIdNumber, normalisePhone, type PiiCipher } from '../../privacy/pii.ts';
import type { HouseRow } from '../houses/store.ts';
import type { NewPersonRow, PersonRow } from './store.ts';
import { fail, isErrors, placeOf, type FieldError, type Placer, type Prepared } from '../placement.ts';
import type { NewPerson } from '../../../../shared/registry/schema.ts';
import { careTagCodes } from '../../../../shared/registry/vocab.ts';

/** The one normal form an ID number is hashed and checked in, for storing and for searching alike. */
export const idNumberKey = (id: string) => normaliseIdNumber(id.replace(/[\s-]/g, ''));
/** Phones are hashed in their normalised form, so `138 0013 8000` finds `13800138000`. */
export const phoneKey = (phone: string) => normalisePhone(phone) ?? phone.replace(/[\s-]/g, '');

export function sealIdNumber(pii: PiiCipher, id: string) {
  return { id_number_sealed: pii.encrypt(id), id_number_bidx: pii.blindIndex(`id:${id}`), id_number_mask: maskIdNumber(id) };
}

export function sealPhone(pii: PiiCipher, phone: string | null) {
  if (!phone) return { phone_sealed: null, phone_bidx: null, phone_mask: null };
  return { phone_sealed: pii.encrypt(phone), phone_bidx: pii.blindIndex(`phone:${phone}`), phone_mask: maskPhone(phone) };
}

export const idNumberIndex = (pii: PiiCipher, id: string) => pii.blindIndex(`id:${idNumberKey(id)}`);
export const phoneIndex = (pii: PiiCipher, phone: string) => pii.blindIndex(`phone:${phoneKey(phone)}`);

/** A special-care person's name is sealed like the ID number; everyone else's stays searchable. */
export function nameColumns(pii: PiiCipher, name: string, sensitive: boolean) {
  return sensitive ? { name: null, name_sealed: pii.encrypt(name), name_mask: maskName(name) } : { name, name_sealed: null, name_mask: maskName(name) };
}

/** Validates an ID number for its type; a resident ID also yields the birth date and gender it encodes. */
export function checkIdNumber(idType: NewPerson['idType'], raw: string): { id: string; birthDate?: string; gender?: 'male' | 'female' } | FieldError {
  const id = idNumberKey(raw);
  if (idType === 'resident_id') {
    if (!isValidIdNumber(id)) return { field: 'idNumber', code: 'registry.import.bad_id_number', reason: 'not a valid resident ID number (GB 11643: 18 characters, a real birth date and the right check digit)' };
    const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    return { id, birthDate, gender: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
  }
  if (!/^[A-Z0-9]{5,20}$/.test(id)) return { field: 'idNumber', code: 'registry.import.bad_document_number', reason: 'document numbers are 5 to 20 letters and digits' };
  return { id };
}

export interface PersonContext {
  pii: PiiCipher;
  placer: Placer;
  /** the house named by houseId (null when it does not exist or is outside the actor's scope) */
  house: HouseRow | null;
  now: Date;
}

/**
 * Turns a validated request (or an import row) into the row to store: checks the ID number, derives birth
 * date and gender from a resident ID (and refuses contradicting ones), seals PII, and places the person —
 * in their house's grid when they live in a registered house.
 */
export async function preparePerson(input: NewPerson, ctx: PersonContext): Promise<Prepared<NewPersonRow>> {
  const errors: FieldError[] = [];
  const idCheck = checkIdNumber(input.idType, input.idNumber);
  if ('field' in idCheck) errors.push(idCheck);
  else {
    if (input.birthDate && idCheck.birthDate && input.birthDate !== idCheck.birthDate) errors.push({ field: 'birthDate', code: 'registry.import.birth_date_mismatch', reason: 'does not match the birth date in the ID number' });
    if (input.gender && input.gender !== 'unknown' && idCheck.gender && input.gender !== idCheck.gender) errors.push({ field: 'gender', code: 'registry.import.gender_mismatch', reason: 'does not match the gender in the ID number' });
  }
  let phone: string | null = null;
  if (input.phone) {
    phone = normalisePhone(input.phone);
    if (!phone) errors.push({ field: 'phone', code: 'registry.import.bad_phone', reason: 'not a mainland mobile (11 digits from 13–19) or a landline with area code' });
  }
  const tags = [...new Set(input.tags ?? [])].sort((a, b) => careTagCodes.indexOf(a) - careTagCodes.indexOf(b));
  const care = Object.fromEntries(Object.entries(input.care ?? {}).filter(([, v]) => v !== undefined));
  for (const tag of Object.keys(care)) {
    if (!tags.includes(tag as (typeof tags)[number])) errors.push({ field: 'care', code: 'registry.import.care_without_tag', params: { tag }, reason: `details for ${tag} given but the person is not tagged ${tag}` });
  }
  if (input.houseRelation && !input.houseId) errors.push({ field: 'houseRelation', code: 'registry.import.relation_without_house', reason: 'a relation to a house needs the house (houseId)' });
  if (input.houseId && !ctx.house) errors.push({ field: 'houseId', code: 'registry.import.house_not_found', reason: 'the house does not exist or is outside your area' });

  const place = await ctx.placer.place(input, ctx.house ? placeOf(ctx.house) : null);
  if (isErrors(place)) errors.push(...place);
  if (errors.length || 'field' in idCheck || isErrors(place)) return fail(...errors);

  return {
    ok: true,
    value: {
      kind: input.kind,
      ...nameColumns(ctx.pii, input.name, tags.length > 0),
      gender: input.gender && input.gender !== 'unknown' ? input.gender : (idCheck.gender ?? 'unknown'),
      birth_date: input.birthDate ?? idCheck.birthDate ?? null,
      id_type: input.idType,
      ...sealIdNumber(ctx.pii, idCheck.id),
      ...sealPhone(ctx.pii, phone),
      ethnicity: input.ethnicity ?? '',
      nationality: input.nationality ?? (input.kind === 'overseas' ? '' : 'CHN'),
      address: input.address || ctx.house?.address || '',
      house_id: ctx.house?.id ?? null,
      house_relation: ctx.house ? (input.houseRelation ?? null) : null,
      ...place,
      tags,
      care,
      note: input.note ?? '',
      created_at: ctx.now,
      updated_at: ctx.now,
    },
  };
}

/** The clear values of a stored person, for re-validating a change (never sent to a client from here). */
export function unsealPerson(pii: PiiCipher, p: PersonRow) {
  return {
    name: p.name ?? pii.decrypt(p.name_sealed!),
    idNumber: pii.decrypt(p.id_number_sealed),
    phone: p.phone_sealed ? pii.decrypt(p.phone_sealed) : null,
  };
}

/** The request a stored person would have been created with: a patch is merged into it and re-validated. */
export function personAsInput(pii: PiiCipher, p: PersonRow): NewPerson {
  const clear = unsealPerson(pii, p);
  return {
    kind: p.kind,
    name: clear.name,
    gender: p.gender,
    birthDate: p.birth_date ?? undefined,
    idType: p.id_type,
    idNumber: clear.idNumber,
    phone: clear.phone,
    ethnicity: p.ethnicity,
    nationality: p.nationality || undefined,
    address: p.address,
    houseId: p.house_id,
    houseRelation: p.house_relation,
    gridCode: p.grid_code,
    lon: p.lon ?? undefined,
    lat: p.lat ?? undefined,
    tags: p.tags as NewPerson['tags'],
    care: p.care as NewPerson['care'],
    note: p.note,
  };
}

/** The matching key a person's address is looked up by among houses (empty: no road, no match). */
export const personAddressKey = (address: string | undefined) => (address ? addressKey(address) : '');

/**
 * The registered house a person's address names, when that is unambiguous: exactly one house in the actor's
 * scope has the key, and it lies where the person was placed (if they were placed at all). Filling the same
 * data twice is what grid workers complain about most; this spares them typing the house again.
 */
export function pickHouse(input: NewPerson, candidates: HouseRow[] | undefined): HouseRow | null {
  if (input.houseId || !candidates || candidates.length !== 1) return null;
  const h = candidates[0]!;
  if (input.gridCode && input.gridCode !== h.grid_code) return null;
  if (input.lon != null) return null;
  return h;
}
