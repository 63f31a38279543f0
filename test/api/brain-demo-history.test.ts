import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/access/permissions.ts';
import { seedBrainHistory } from '../../src/server/brain/demo-history.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

interface Alarm {
  deviceId: string;
  type: string;
  status: string;
  acknowledgedBy: string | null;
  case: { link: string; code: string | null };
}

let t: TestApp;
let admin: string;
let seeded: { readings: number; alarms: number };

// What `npm start` adds on a fresh demo database (the test template has no readings): the last hours of the
// simulated fleet through the real pipeline, so the alarm workbench and the device charts are not empty.
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  const city = (await t.call('GET', '/api/v1/areas?level=city', { token: admin })).json().items[0];
  seeded = await seedBrainHistory(t.services.brain, systemActor(city.path, 'seed'), t.clock.now());
});
afterAll(() => t.close());

describe('the demo city’s recent telemetry (first boot of npm start)', () => {
  it('raises the six incidents’ alarms through the rules: open ones with their cases, one cleared by its readings, one acknowledged', async () => {
    expect(seeded.readings).toBeGreaterThan(300 * 18); // every simulated sensor, every 20 minutes for 6 hours
    const alarms: Alarm[] = (await t.call('GET', '/api/v1/alarms?pageSize=50', { token: admin })).json().items;
    expect(alarms.map((a) => `${a.type}:${a.status}`).sort()).toEqual(
      ['air_pm25_high:active', 'gas_leak:cleared', 'manhole_tilt:acknowledged', 'manhole_tilt:active', 'smoke_detected:active', 'water_level_high:active'],
    );
    expect(seeded.alarms).toBe(6);
    // the rules that name a category open a case from the alarm; PM2.5 names none and waits for a person
    const withCase = alarms.filter((a) => a.status === 'active' && a.type !== 'air_pm25_high');
    expect(withCase.map((a) => a.case.link)).toEqual(withCase.map(() => 'opened'));
    const one = (await t.call('GET', `/api/v1/cases/${withCase[0]!.case.code}`, { token: admin })).json();
    expect(one.channel).toBe('iot');
    expect(alarms.find((a) => a.type === 'air_pm25_high')!.case.link).toBe('none');
    expect(alarms.find((a) => a.status === 'acknowledged')!.acknowledgedBy).toBe('seed');
  });

  it('leaves every simulated sensor online with a chartable history; the contract device stays untouched for the demo', async () => {
    const devices = (await t.call('GET', '/api/v1/devices?pageSize=200&type=gas', { token: admin })).json().items;
    expect(devices.length).toBeGreaterThan(10);
    expect(devices.every((d: { online: boolean }) => d.online)).toBe(true);
    const points = (await t.call('GET', `/api/v1/devices/${devices[0].id}/readings?res=raw&metric=lel`, { token: admin })).json().points;
    expect(points.length).toBe(19); // 6 hours at 20 minutes, both ends included (rollups follow with the storage job)
    const contract = (await t.call('GET', '/api/v1/devices/demo-water-level-001', { token: admin })).json();
    expect(contract.lastSeen).toBeNull();
  });
});
