import { describe, expect, it } from 'vitest';
import { deviceOfSubject, subjectFor } from './nats.ts';

describe('the device a NATS subject names', () => {
  const device = deviceOfSubject('civicgrid.devices.*.telemetry');

  it('reads the token in place of the *, with a dotted id written as //', () => {
    expect(device('civicgrid.devices.wl-01.telemetry')).toBe('wl-01');
    expect(device(subjectFor('civicgrid.devices.*.telemetry', 'gw.3.wl-07'))).toBe('gw.3.wl-07');
  });

  it('names none when the subject has more or fewer tokens, another shape, or an id a device cannot have', () => {
    expect(device('civicgrid.devices.a.b.telemetry')).toBeNull();
    expect(device('civicgrid.devices..telemetry')).toBeNull();
    expect(device('civicgrid.devices.telemetry')).toBeNull();
    expect(device('civicgrid.sensors.wl-01.telemetry')).toBeNull();
    expect(device('civicgrid.devices.wl-01.status')).toBeNull();
    expect(device('civicgrid.devices.-x.telemetry')).toBeNull();
    expect(device(`civicgrid.devices.${'x'.repeat(65)}.telemetry`)).toBeNull();
  });

  it('works with the * first or last', () => {
    expect(deviceOfSubject('*.telemetry')('wl-01.telemetry')).toBe('wl-01');
    expect(deviceOfSubject('telemetry.*')('telemetry.wl-01')).toBe('wl-01');
    expect(deviceOfSubject('telemetry.*')('telemetry.wl-01.x')).toBeNull();
  });
});
