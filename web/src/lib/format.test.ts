import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatPercent, isPlausiblePhone, maskPhone } from './format.ts';

describe('formatting', () => {
  it("shows times in the city's zone whatever the PC's zone", () => {
    expect(formatDateTime('2026-11-23T01:05:00Z')).toBe('2026-11-23 09:05');
    expect(formatDateTime('2026-11-23T16:30:00Z', 'en-US')).toBe('2026-11-24 00:30');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });

  it("masks a caller's number on screen", () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('057187654321')).toBe('057*****4321');
    expect(maskPhone('12345')).toBe('*****');
  });

  it('accepts mobile and landline numbers and refuses the rest', () => {
    expect(isPlausiblePhone('138 1234 5678')).toBe(true);
    expect(isPlausiblePhone('0571-87654321')).toBe(true);
    expect(isPlausiblePhone('12345678901')).toBe(false);
    expect(isPlausiblePhone('abc')).toBe(false);
  });

  it('formats percentages and sizes', () => {
    expect(formatPercent(0.8734)).toBe('87%');
    expect(formatPercent(null)).toBe('—');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024)).toBe('5 KB');
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB');
  });
});
