import { describe, expect, it } from 'vitest';
import { isValidIdNumber } from '../privacy/pii.ts';
import { isValidCreditCode } from './credit-code.ts';
import { pointWhere } from '../geo/geometry.ts';
import { createPiiCipher, demoSecretKey } from '../privacy/pii.ts';
import { demoMap } from '../seed/demo.ts';
import { demoComponents, demoIdNumber, demoOrganisations } from './demo-data.ts';

describe('demo register generators', () => {
  it('give valid, distinct resident IDs with the gender digit right, and keep the two scales apart', () => {
    const seen = new Set<string>();
    for (const [base, from] of [[0, 0], [250, 0]] as const) {
      for (let n = from; n < from + 120_000; n += 7) {
        const male = n % 3 === 0;
        const id = demoIdNumber('990102', n, male, base);
        expect(isValidIdNumber(id)).toBe(true);
        expect(Number(id[16]) % 2 === 1).toBe(male);
        expect(seen.has(id)).toBe(false);
        seen.add(id);
      }
    }
  });

  it('organisations have valid, distinct credit codes and sit inside their grid; components have distinct codes', () => {
    const grids = demoMap().areas.filter((a) => a.level === 'grid');
    const opts = { grids, districtNames: new Map<string, string>(), pii: createPiiCipher(demoSecretKey()), now: new Date(), seed: 7, offset: 0 };
    const codes = new Set<string>();
    let withoutCode = 0;
    for (const o of demoOrganisations(opts, 3_000)) {
      const code = o.credit_code;
      if (!code) withoutCode++;
      else {
        expect(isValidCreditCode(code)).toBe(true);
        expect(codes.has(code)).toBe(false);
        codes.add(code);
      }
      const grid = grids.find((g) => g.code === o.grid_code)!;
      expect(pointWhere([o.lon!, o.lat!], grid.geometry)).toBe('inside');
    }
    expect(withoutCode).toBeGreaterThan(0); // some party branches
    const components = [...demoComponents(opts, 5_000)].map((c) => c.code);
    expect(new Set(components).size).toBe(components.length);
  });
});
