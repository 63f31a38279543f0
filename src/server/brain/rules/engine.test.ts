import { describe, expect, it } from 'vitest';
import { inSchedule, RATE_WINDOW_MS, RuleEngine, type Rule } from './engine.ts';

const base = { deviceType: 'water_level', deviceId: null, severity: 'major' as const, durationS: 0, schedule: null, caseCategory: null, escalateAfterMin: null, enabled: true };
const dev = { id: 'd1', type: 'water_level' };
const min = 60_000;

function engineWith(...rules: Partial<Rule>[]) {
  const e = new RuleEngine(480);
  e.setRules(rules.map((r, i) => ({ ...base, id: `r${i}`, name: `r${i}`, alarmType: `t${i}`, condition: { kind: 'nodata', minutes: 1 }, ...r }) as Rule));
  return e;
}
const kinds = (o: { kind: string }[]) => o.map((x) => x.kind);

describe('rule engine', () => {
  it('threshold with hysteresis: raise, repeat inside the band, clear past the clear value', () => {
    const e = engineWith({ condition: { kind: 'threshold', metric: 'level', op: '>', value: 0.3, clearValue: 0.2 } });
    expect(kinds(e.onReading(dev, 1, { level: 0.1 }))).toEqual([]);
    expect(kinds(e.onReading(dev, 2, { level: 0.31 }))).toEqual(['raise']);
    expect(kinds(e.onReading(dev, 3, { level: 0.25 }))).toEqual(['repeat']);
    expect(kinds(e.onReading(dev, 4, { level: 0.2 }))).toEqual(['clear']);
    expect(kinds(e.onReading(dev, 5, { level: 0.25 }))).toEqual([]);
    expect(kinds(e.onReading(dev, 6, { other: 1 }))).toEqual([]);
  });

  it('ignores readings older than the last one evaluated (out of order)', () => {
    const e = engineWith({ condition: { kind: 'threshold', metric: 'level', op: '>', value: 0.3 } });
    e.onReading(dev, 10, { level: 0.5 });
    expect(e.onReading(dev, 5, { level: 0.1 })).toEqual([]);
  });

  it('duration holds before raising; the sweeper raises when no reading comes', () => {
    const e = engineWith({ durationS: 600, condition: { kind: 'threshold', metric: 'level', op: '>', value: 0.3 } });
    expect(kinds(e.onReading(dev, 0, { level: 0.5 }))).toEqual([]);
    expect(kinds(e.sweep(9 * min, [{ ...dev, lastSeen: 0 }]))).toEqual([]);
    expect(kinds(e.sweep(10 * min, [{ ...dev, lastSeen: 0 }]))).toEqual(['raise']);
  });

  it('rate of change per minute in a direction', () => {
    const e = engineWith({ condition: { kind: 'rate', metric: 'tilt', perMinute: 0.5, direction: 'up' } });
    e.onReading(dev, 0, { tilt: 1 });
    expect(kinds(e.onReading(dev, 2 * min, { tilt: 1.9 }))).toEqual([]);
    expect(kinds(e.onReading(dev, 3 * min, { tilt: 2.5 }))).toEqual(['raise']);
    expect(kinds(e.onReading(dev, 4 * min, { tilt: 1 }))).toEqual(['clear']);
  });

  it('rate of change over at least RATE_WINDOW_MS: noise between readings milliseconds apart is no ramp', () => {
    const e = engineWith({ condition: { kind: 'rate', metric: 'tilt', perMinute: 0.5, direction: 'up' } });
    // ten readings a second for a minute, ±0.05° of noise around a steady 1°
    const outs = Array.from({ length: 600 }, (_, i) => e.onReading(dev, i * 100, { tilt: 1 + (i % 2 ? 0.05 : -0.05) })).flat();
    expect(kinds(outs)).toEqual([]);
    // a real ramp at the same pace, 1°/min, raises within one window
    const ramp = Array.from({ length: 600 }, (_, i) => e.onReading(dev, min + i * 100, { tilt: 1 + (i * 100) / min }));
    expect(kinds(ramp.flat())[0]).toBe('raise');
    expect(kinds(ramp.flat())).not.toContain('clear');
    expect(ramp.findIndex((o) => o.length > 0) * 100).toBeLessThanOrEqual(RATE_WINDOW_MS + 100);
  });

  it('no data: raised by the sweeper, cleared by the next reading', () => {
    const e = engineWith({ condition: { kind: 'nodata', minutes: 30 } });
    expect(kinds(e.sweep(29 * min, [{ ...dev, lastSeen: 0 }]))).toEqual([]);
    expect(kinds(e.sweep(30 * min, [{ ...dev, lastSeen: 0 }]))).toEqual(['raise']);
    expect(kinds(e.sweep(31 * min, [{ ...dev, lastSeen: 0 }]))).toEqual([]);
    expect(kinds(e.onReading(dev, 32 * min, { level: 0 }))).toEqual(['clear']);
  });

  it('AND/OR with three-valued leaves that remember the last value of each metric', () => {
    const e = engineWith({
      condition: { kind: 'any', conditions: [{ kind: 'all', conditions: [{ kind: 'threshold', metric: 'a', op: '>', value: 1 }, { kind: 'threshold', metric: 'b', op: '>', value: 1 }] }, { kind: 'threshold', metric: 'c', op: '>=', value: 1 }] },
    });
    expect(kinds(e.onReading(dev, 1, { a: 2 }))).toEqual([]);
    expect(kinds(e.onReading(dev, 2, { b: 2 }))).toEqual(['raise']);
    expect(kinds(e.onReading(dev, 3, { a: 0 }))).toEqual([]); // c unknown: OR is not yet false
    expect(kinds(e.onReading(dev, 4, { c: 0 }))).toEqual(['clear']);
  });

  it('a device rule overrides its type rule of the same alarm type', () => {
    const e = engineWith(
      { alarmType: 'high', condition: { kind: 'threshold', metric: 'level', op: '>', value: 0.3 } },
      { alarmType: 'high', deviceType: null, deviceId: 'd1', condition: { kind: 'threshold', metric: 'level', op: '>', value: 1 } },
    );
    expect(e.onReading(dev, 1, { level: 0.5 })).toEqual([]);
    expect(e.onReading({ id: 'd2', type: 'water_level' }, 1, { level: 0.5 }).map((o) => o.kind)).toEqual(['raise']);
  });

  it('schedules wrap midnight and belong to the day they start', () => {
    const night = { from: '22:00', to: '06:00', days: [5] }; // Friday night
    const at = (iso: string) => Date.parse(iso);
    expect(inSchedule(night, at('2026-11-27T23:30:00+08:00'), 480)).toBe(true); // Fri 23:30
    expect(inSchedule(night, at('2026-11-28T05:59:00+08:00'), 480)).toBe(true); // Sat 05:59, still Friday night
    expect(inSchedule(night, at('2026-11-28T23:30:00+08:00'), 480)).toBe(false); // Sat night
    expect(inSchedule(night, at('2026-11-27T12:00:00+08:00'), 480)).toBe(false);
  });
});
