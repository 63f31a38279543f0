import { describe, expect, it } from 'vitest';
import { deadlineState, durationParts, formatDuration } from './deadline.ts';

const H = 3_600_000;
const due = '2026-11-26T01:00:00.000Z';
const yellowAt = '2026-11-25T10:36:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('deadline clock', () => {
  it('counts down on time, turns yellow at the 80 % mark and red once overdue', () => {
    expect(deadlineState({ dueAt: due, yellowAt }, at('2026-11-23T01:00:00Z'))).toEqual({ hasDeadline: true, paused: false, remainingMs: 72 * H, card: 'none' });
    expect(deadlineState({ dueAt: due, yellowAt }, at('2026-11-25T10:36:00Z')).card).toBe('yellow');
    const late = deadlineState({ dueAt: due, yellowAt }, at('2026-11-26T03:00:00Z'));
    expect(late.card).toBe('red');
    expect(late.remainingMs).toBe(-2 * H);
  });

  it('stops while the case clock is paused and shows what was left then', () => {
    const s = deadlineState({ dueAt: due, yellowAt, pausedSince: '2026-11-24T01:00:00Z' }, at('2026-11-30T00:00:00Z'));
    expect(s).toMatchObject({ paused: true, remainingMs: 48 * H, card: 'none' });
  });

  it("lets the server's supervision level raise the card, never lower it", () => {
    expect(deadlineState({ dueAt: due, supervision: 'red' }, at('2026-11-23T01:00:00Z')).card).toBe('red');
    expect(deadlineState({ dueAt: due, supervision: 'none' }, at('2026-11-27T01:00:00Z')).card).toBe('red');
  });

  it('has nothing to count without a deadline', () => {
    expect(deadlineState({ dueAt: null }, Date.now())).toMatchObject({ hasDeadline: false, card: 'none' });
  });

  it('formats the two largest units', () => {
    const unit = { days: (n: number) => `${n}天`, hours: (n: number) => `${n}小时`, minutes: (n: number) => `${n}分钟` };
    expect(formatDuration(51 * H + 20 * 60_000, unit)).toBe('2天3小时');
    expect(formatDuration(-(5 * H + 12 * 60_000), unit)).toBe('5小时12分钟');
    expect(formatDuration(72 * H, unit)).toBe('3天');
    expect(formatDuration(59_999, unit)).toBe('0分钟');
    expect(durationParts(-(25 * H + 61_000))).toEqual({ days: 1, hours: 1, minutes: 1 });
  });
});
