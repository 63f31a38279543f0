import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import { deviceTypes } from './devices/types.ts';
import { normalBands, publishLoad, simFleet, simReading } from './simulator.ts';
import type { DeviceType } from './devices/types.ts';

// a type an admin defined in 设备类型 (not shipped): one metric with a band, one without
const bridge: DeviceType = {
  code: 'bridge_strain',
  zh: '桥梁应变监测',
  en: 'Bridge strain',
  intervalS: 60,
  metrics: { strain: { unit: 'με', min: 0, max: 2000 }, temp: { unit: '°C', min: -40, max: 80 } },
  normal: { strain: [100, 300] },
};

describe('device simulator over the configured device types', () => {
  it('reads a configured type: normal readings inside its bands, anomalies above them and still inside the valid range', () => {
    expect(normalBands(bridge)).toEqual({ strain: [100, 300], temp: [-40, -28] });
    const rnd = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const { values } = JSON.parse(simReading(bridge, rnd, 0, 0)) as { values: Record<string, number> };
      expect(values.strain).toBeGreaterThanOrEqual(100);
      expect(values.strain).toBeLessThanOrEqual(300);
      expect(values.temp).toBeGreaterThanOrEqual(-40);
      expect(values.temp).toBeLessThanOrEqual(-28);
    }
    const { values } = JSON.parse(simReading(bridge, seededRandom(2), 1, 0)) as { values: Record<string, number> };
    expect(values.strain).toBeGreaterThan(300);
    expect(values.strain).toBeLessThanOrEqual(2000);
    expect(values.temp).toBeGreaterThan(-28);
    expect(values.temp).toBeLessThanOrEqual(80);
  });

  it('keeps the shipped anomalies for shipped types (the default rules fire on them)', () => {
    const { values } = JSON.parse(simReading(deviceTypes.water_level!, seededRandom(3), 1, 0)) as { values: Record<string, number> };
    expect(values.level).toBe(0.45);
  });

  it('builds the fleet from the configured types only, and refuses devices of a type that is not configured', async () => {
    const fleet = simFleet([bridge, { ...bridge, code: 'empty', metrics: {}, normal: {} }], 4, (i) => `sim-${i}`);
    expect(fleet.map((d) => d.type)).toEqual(['bridge_strain', 'bridge_strain', 'bridge_strain', 'bridge_strain']);
    expect(() => simFleet([], 1, String)).toThrow(/no device type/);
    await expect(publishLoad({ url: 'mqtt://127.0.0.1:1', devices: [{ id: 'x', type: 'water_level' }], types: [bridge], rate: 1, durationS: 0 })).rejects.toThrow(/water_level are not configured/);
  });
});
