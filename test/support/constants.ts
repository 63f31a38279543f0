/** Monday 09:00 in the city's time zone: a working day, so deadline tests start on a known calendar. */
export const TEST_START = '2026-11-23T09:00:00+08:00';
export const DEMO_PASSWORD = 'demo-pass-2026';
