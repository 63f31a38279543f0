import { isValidCreditCode, normaliseCreditCode } from '../credit-code.ts';
import type { NewOrganisationRow } from './store.ts';
import { fail, isErrors, type FieldError, type Placer, type Prepared } from '../placement.ts';
import type { NewOrganisation } from '../../../../shared/registry/schema.ts';

export async function prepareOrganisation(input: NewOrganisation, placer: Placer, now: Date): Promise<Prepared<NewOrganisationRow>> {
  const errors: FieldError[] = [];
  const creditCode = input.creditCode ? normaliseCreditCode(input.creditCode) : null;
  // Enterprises and registered social organisations always have a code; a party branch often has none.
  if (!creditCode && input.kind !== 'party_org') errors.push({ field: 'creditCode', code: 'registry.import.credit_code_required', reason: 'enterprises and social organisations need their unified social credit code' });
  if (creditCode && !isValidCreditCode(creditCode)) errors.push({ field: 'creditCode', code: 'registry.import.bad_credit_code', reason: 'not a valid unified social credit code (GB 32100: 18 characters, no I/O/S/V/Z, right check character)' });
  const place = await placer.place(input);
  if (isErrors(place)) errors.push(...place);
  if (errors.length || isErrors(place)) return fail(...errors);
  return {
    ok: true,
    value: {
      kind: input.kind,
      name: input.name,
      credit_code: creditCode,
      legal_rep: input.legalRep ?? '',
      industry: input.industry ?? '',
      status: input.status ?? 'active',
      address: input.address ?? '',
      ...place,
      note: input.note ?? '',
      created_at: now,
      updated_at: now,
    },
  };
}
