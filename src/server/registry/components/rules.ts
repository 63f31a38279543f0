import type { NewComponentRow } from './store.ts';
import { fail, isErrors, type FieldError, type Placer, type Prepared } from '../placement.ts';
import type { NewComponent } from '../../../../shared/registry/schema.ts';
import { componentClasses } from '../../../../shared/registry/vocab.ts';

/** A component waiting for its code: the prefix (district + class) the serial is appended to. */
export type PreparedComponent = Omit<NewComponentRow, 'code'> & { code: string | null; codePrefix: string };

export async function prepareComponent(input: NewComponent, placer: Placer, now: Date): Promise<Prepared<PreparedComponent>> {
  const errors: FieldError[] = [];
  const cls = componentClasses[input.classCode];
  if (!cls) errors.push({ field: 'classCode', code: 'registry.import.unknown_class', params: { value: input.classCode }, reason: `unknown component class ${input.classCode}` });
  const place = await placer.place(input);
  if (isErrors(place)) errors.push(...place);
  if (errors.length || isErrors(place) || !cls) return fail(...errors);
  const codePrefix = `${place.grid_code.slice(0, 6)}${input.classCode}`;
  // The code carries district and class (GB/T 30428.2), so one that disagrees with them is a data error.
  if (input.code && !input.code.startsWith(codePrefix)) {
    return fail({ field: 'code', code: 'registry.import.component_code_mismatch', params: { className: cls.name, district: place.grid_code.slice(0, 6), prefix: codePrefix }, reason: `a ${cls.name} in district ${place.grid_code.slice(0, 6)} has a code starting with ${codePrefix}` });
  }
  return {
    ok: true,
    value: {
      code: input.code ?? null,
      codePrefix,
      class_code: input.classCode,
      name: input.name || cls.name,
      owner_unit: input.ownerUnit ?? '',
      maintainer_unit: input.maintainerUnit ?? '',
      state: input.state ?? 'intact',
      address: input.address ?? '',
      installed_on: input.installedOn ?? null,
      grid_code: place.grid_code,
      area_path: place.area_path,
      lon: input.lon,
      lat: input.lat,
      h3: place.h3!,
      note: input.note ?? '',
      created_at: now,
      updated_at: now,
    },
  };
}

/** Hands out serials per prefix in file order: 990102 0101 000001, …000002, … */
export function assignCodes(rows: PreparedComponent[], next: Map<string, number>): NewComponentRow[] {
  // Codes given in the file count as taken, so a generated serial never lands on one of them.
  for (const r of rows) {
    if (r.code) next.set(r.codePrefix, Math.max(next.get(r.codePrefix) ?? 1, Number(r.code.slice(10)) + 1));
  }
  return rows.map(({ codePrefix, code, ...row }) => {
    if (code) return { ...row, code };
    const serial = next.get(codePrefix) ?? 1;
    next.set(codePrefix, serial + 1);
    return { ...row, code: `${codePrefix}${String(serial).padStart(6, '0')}` };
  });
}
