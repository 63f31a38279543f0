import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isValidCreditCode, normaliseCreditCode } from './credit-code.ts';

describe('统一社会信用代码 (GB 32100)', () => {
  it('accepts published codes', () => {
    for (const code of ['91350100M000100Y43', '91110000802100433B', '91440300708461136T', '12100000400000624D']) {
      expect(isValidCreditCode(code)).toBe(true);
    }
  });

  it('rejects a wrong check character, forbidden letters and bad shapes', () => {
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100I43')).toBe(false); // I is not in the alphabet
    expect(isValidCreditCode('9135010AM000100Y43')).toBe(false); // division code must be digits
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(isValidCreditCode('')).toBe(false);
  });

  it('normalises case and whitespace before checking', () => {
    expect(isValidCreditCode(normaliseCreditCode(' 91440300708461136t '))).toBe(true);
  });

  it('computes the check character that completes a code', () => {
    const first17 = '91990102MA0000001';
    expect(isValidCreditCode(first17 + creditCodeCheckChar(first17))).toBe(true);
  });
});
