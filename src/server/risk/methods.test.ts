import { describe, expect, it } from 'vitest';
import { commonPath, poissonTail } from './methods.ts';

describe('risk methods', () => {
  it('poissonTail matches the closed form for small cases', () => {
    expect(poissonTail(0, 3)).toBe(1);
    expect(poissonTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 9);
    // P(X >= 2 | 1) = 1 - e^-1 (1 + 1)
    expect(poissonTail(2, 1)).toBeCloseTo(1 - 2 * Math.exp(-1), 9);
    // a busy cell at its usual level is not unusual; a quiet one with five at once is
    expect(poissonTail(10, 10)).toBeGreaterThan(0.4);
    expect(poissonTail(5, 0.1)).toBeLessThan(1e-7);
  });
  it('commonPath is the deepest shared area', () => {
    expect(commonPath(['a.b.c', 'a.b.d'])).toBe('a.b');
    expect(commonPath(['a.b.c'])).toBe('a.b.c');
    expect(commonPath(['a.x', 'a.b'])).toBe('a');
  });
});
