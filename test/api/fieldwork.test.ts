import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { gridWorkerPoint, loginAll, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

describe('grid field work', () => {
  let patrolId: string;

  it('a patrol with its track and an event reported on the way shows in the daily log and the check-ins', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const start = await t.call('POST', '/api/v1/fieldwork/patrols', { token: tok.gridworker, body: {} });
    expect(start.statusCode, start.body).toBe(201);
    patrolId = start.json().id;
    expect((await t.call('POST', '/api/v1/fieldwork/patrols', { token: tok.gridworker, body: {} })).statusCode).toBe(409);
    const t0 = t.clock.now().getTime();
    t.clock.advance(10 * 60_000);
    const pts = [0, 1, 2].map((i) => ({ at: new Date(t0 + (i + 1) * 120_000).toISOString(), lon: p.lon + i * 0.001, lat: p.lat }));
    const withPoints = await t.call('POST', `/api/v1/fieldwork/patrols/${patrolId}/points`, { token: tok.gridworker, body: { points: pts } });
    expect(withPoints.statusCode, withPoints.body).toBe(200);
    expect(withPoints.json().pointCount).toBe(3);
    expect(withPoints.json().distanceM).toBeGreaterThan(150);
    const ev = await t.call('POST', `/api/v1/fieldwork/patrols/${patrolId}/events`, { token: tok.gridworker, body: { text: '巡查发现井盖缺失', category: '0301', lon: p.lon, lat: p.lat } });
    expect(ev.statusCode, ev.body).toBe(201);
    const caseCode = ev.json().caseCode;
    expect(ev.json().patrol.caseCodes).toEqual([caseCode]);
    expect((await t.call('GET', `/api/v1/cases/${caseCode}`, { token: tok.dispatcher })).json().channel).toBe('gridworker');
    t.clock.advance(20 * 60_000);
    const stop = await t.call('POST', `/api/v1/fieldwork/patrols/${patrolId}/stop`, { token: tok.gridworker });
    expect(stop.json().stoppedAt).not.toBeNull();
    // after the stop, no more tracking
    const late = await t.call('POST', `/api/v1/fieldwork/patrols/${patrolId}/points`, { token: tok.gridworker, body: { points: [{ at: t.clock.now().toISOString(), lon: p.lon, lat: p.lat }] } });
    expect(late.statusCode).toBe(409);

    const day = '2026-11-23';
    const log = (await t.call('GET', `/api/v1/fieldwork/log?day=${day}`, { token: tok.gridworker })).json();
    expect(log.patrols.map((x: { id: string }) => x.id)).toEqual([patrolId]);
    const check = (await t.call('GET', `/api/v1/fieldwork/checkins?from=${day}&to=${day}`, { token: tok.dispatcher })).json();
    expect(check.find((c: { user: string }) => c.user === 'gridworker')).toMatchObject({ patrols: 1, events: 1, patrolMinutes: 30 });
    // a handler sees nothing of it
    expect((await t.call('GET', `/api/v1/fieldwork/log?day=${day}`, { token: tok.handler })).statusCode).toBe(403);
  });

  it('visits by visitCycleDays: a due list with overdue marks; a visit clears one', async () => {
    const due0 = (await t.call('GET', '/api/v1/fieldwork/visits/due?pageSize=200', { token: tok.admin })).json();
    expect(due0.total).toBeGreaterThan(0);
    expect(due0.items.every((x: { cycleDays: number }) => x.cycleDays >= 1)).toBe(true);
    expect(due0.items.some((x: { overdue: boolean }) => x.overdue)).toBe(false);
    t.clock.advance(15 * DAY); // past every 7- and 14-day cycle
    const due = (await t.call('GET', '/api/v1/fieldwork/visits/due?pageSize=200', { token: tok.admin })).json();
    expect(due.items.every((x: { overdue: boolean }) => x.overdue)).toBe(true);
    const person = due.items[0];
    const v = await t.call('POST', '/api/v1/fieldwork/visits', { token: tok.admin, body: { personId: person.personId, note: '上门走访，身体状况良好' } });
    expect(v.statusCode, v.body).toBe(201);
    const after = (await t.call('GET', '/api/v1/fieldwork/visits/due?pageSize=200', { token: tok.admin })).json();
    const same = after.items.find((x: { personId: string }) => x.personId === person.personId);
    expect(same).toMatchObject({ overdue: false, lastVisit: t.clock.now().toISOString() });
    expect(after.items.filter((x: { overdue: boolean }) => x.overdue)).toHaveLength(after.items.length - 1);
    expect((await t.call('POST', '/api/v1/fieldwork/visits', { token: tok.admin, body: { personId: person.personId, houseId: person.personId } })).statusCode).toBe(400);
  });

  it('a screening round shows in the street office overview; missing rounds are listed first', async () => {
    const me = (await t.call('GET', '/api/v1/auth/me', { token: tok.gridworker })).json();
    const path: string = me.scope ?? me.scopePath;
    const grid = path.split('.').pop()!;
    const street = path.split('.')[2]!;
    const period = '2026-12'; // the clock has moved into December
    const rec = await t.call('POST', '/api/v1/fieldwork/screening', { token: tok.gridworker, body: { period, nothingFound: true } });
    expect(rec.statusCode, rec.body).toBe(201);
    expect((await t.call('POST', '/api/v1/fieldwork/screening', { token: tok.gridworker, body: { period, nothingFound: true } })).statusCode).toBe(409);
    expect((await t.call('POST', '/api/v1/fieldwork/screening', { token: tok.gridworker, body: { period: '2027-05', nothingFound: true } })).json().code).toBe('screening.future_period');
    expect((await t.call('POST', '/api/v1/fieldwork/screening', { token: tok.gridworker, body: { period: '2026-11', nothingFound: false, disputeCodes: [] } })).json().code).toBe('screening.inconsistent');
    const view = (await t.call('GET', `/api/v1/fieldwork/screening?area=${street}&period=${period}&pageSize=200`, { token: tok.dispatcher })).json();
    expect(view.done).toBe(1);
    expect(view.missing).toBe(view.total - 1);
    expect(view.items[0].done).toBe(false);
    expect(view.items.find((x: { grid: { code: string } }) => x.grid.code === grid)).toMatchObject({ done: true, nothingFound: true, recordedBy: 'gridworker' });
    // rounds before holidays come from the working calendar
    const oct = (await t.call('GET', '/api/v1/fieldwork/screening/periods?month=2026-10', { token: tok.gridworker })).json();
    expect(oct.map((p: { period: string }) => p.period)).toContain('holiday:2026-10-01');
  });

  it('tracks are deleted after the retention period; the patrol totals stay', async () => {
    expect((await t.call('GET', `/api/v1/fieldwork/patrols/${patrolId}`, { token: tok.gridworker })).json().points).toHaveLength(3);
    const early = await t.call('POST', '/api/v1/ops/jobs/track-retention', { token: tok.admin });
    expect(early.json().deletedPoints).toBe(0);
    t.clock.advance(t.deps.config.PATROL_TRACK_RETENTION_DAYS * DAY);
    const purge = await t.call('POST', '/api/v1/ops/jobs/track-retention', { token: tok.admin });
    expect(purge.json().deletedPoints).toBe(3);
    const p = (await t.call('GET', `/api/v1/fieldwork/patrols/${patrolId}`, { token: tok.gridworker })).json();
    expect(p).toMatchObject({ points: [], tracksPurged: true, pointCount: 3 });
    expect((await t.call('POST', '/api/v1/ops/jobs/track-retention', { token: tok.gridworker })).statusCode).toBe(403);
  });
  it('houses on a visitCycleDays join the due list, go overdue, and a visit of the house clears it', async () => {
    const house = (await t.call('GET', '/api/v1/houses?pageSize=1', { token: tok.gridworker })).json().items[0];
    expect((await t.call('PATCH', `/api/v1/houses/${house.id}`, { token: tok.gridworker, body: { visitCycleDays: 0 } })).statusCode).toBe(400);
    const set = await t.call('PATCH', `/api/v1/houses/${house.id}`, { token: tok.gridworker, body: { visitCycleDays: 60 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().visitCycleDays).toBe(60);
    const dueOf = async () => ((await t.call('GET', '/api/v1/fieldwork/visits/due?pageSize=200', { token: tok.gridworker })).json().items as { kind: string; houseId: string | null; personId: string | null; cycleDays: number; overdue: boolean; lastVisit: string | null }[]).find((x) => x.houseId === house.id);
    // counted from its registration, 60 days: not yet due (the clock is some 45 days on)
    expect(await dueOf()).toMatchObject({ kind: 'house', personId: null, cycleDays: 60, overdue: false, lastVisit: null });
    t.clock.advance(16 * DAY);
    expect((await dueOf())!.overdue).toBe(true);
    const v = await t.call('POST', '/api/v1/fieldwork/visits', { token: tok.gridworker, body: { houseId: house.id, note: '出租屋走访，登记租户' } });
    expect(v.statusCode, v.body).toBe(201);
    expect(await dueOf()).toMatchObject({ overdue: false, lastVisit: t.clock.now().toISOString() });
    // the visit is in the grid worker's daily log; the house leaves the list when its cycle is cleared
    const day = new Date(t.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const log = (await t.call('GET', `/api/v1/fieldwork/log?day=${day}`, { token: tok.gridworker })).json();
    expect(log.visits.map((x: { houseId: string | null }) => x.houseId)).toContain(house.id);
    await t.call('PATCH', `/api/v1/houses/${house.id}`, { token: tok.gridworker, body: { visitCycleDays: null } });
    expect(await dueOf()).toBeUndefined();
  });
});
