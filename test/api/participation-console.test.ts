import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedParticipationDiscussion } from '../../src/server/participation/demo-seed.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

/**
 * What the organisers' console reads beside the existing participation API: outcomes, conventions and reported
 * comments of the organiser's own area (never a neighbour's), and consultations' places in every list, so the
 * portal's map draws them without a detail call per point. The demo places each of its consultations.
 */
let t: TestApp;
let admin: string;
let gridworker: string;
const P = '/api/v1/public/participation';
const S = '/api/v1/participation';

beforeAll(async () => {
  t = await createTestApp();
  [admin, gridworker] = await Promise.all([t.login('admin'), t.login('gridworker')]);
});
afterAll(() => t.close());

describe('the organisers’ lists', () => {
  it('every demo consultation has a place inside its own area, in the public list', async () => {
    const items = (await t.call('GET', `${P}/consultations?pageSize=100`)).json().items as { id: string; area: { code: string }; lon: number | null; lat: number | null }[];
    expect(items.length).toBeGreaterThanOrEqual(4);
    for (const c of items) {
      expect(c.lon, c.id).not.toBeNull();
      const at = await t.call('GET', `/api/v1/geo/locate?lon=${c.lon}&lat=${c.lat}`);
      expect(at.statusCode, at.body).toBe(200);
      // the point's grid lies in the consultation's area (area codes are prefixes of the codes below them)
      expect(at.json().grid.code.startsWith(c.area.code), `${c.id} at ${c.lon},${c.lat}`).toBe(true);
    }
  });

  it('outcomes and conventions are listed for the organiser of their area only', async () => {
    const all = (await t.call('GET', `${S}/results`, { token: admin })).json();
    expect(all.items.map((r: { title: string }) => r.title)).toContain('健身器材更新');
    // the grid worker runs one grid; the demo's outcome and convention belong to the community above it
    expect((await t.call('GET', `${S}/results`, { token: gridworker })).json().items).toEqual([]);
    const conventions = (await t.call('GET', `${S}/conventions`, { token: admin })).json().items;
    expect(conventions).toHaveLength(1);
    expect(conventions[0].inForce.version).toBe(1);
    expect((await t.call('GET', `${S}/conventions`, { token: gridworker })).json().items).toEqual([]);
    const clerk = await t.login('clerk');
    for (const path of ['results', 'conventions', 'comments/reported']) expect((await t.call('GET', `${S}/${path}`, { token: clerk })).statusCode, path).toBe(403);
  });

  it('a reported comment waits in moderation until it is hidden, in the organiser’s scope only', async () => {
    const open = (await t.call('GET', `${P}/consultations?state=voting`)).json().items.find((c: { title: string }) => c.title === '小区电动车充电棚选址');
    const area = await t.deps.db.selectFrom('areas').select(sql<string>`path::text`.as('path')).where('code', '=', open.area.code).executeTakeFirstOrThrow();
    const people = await t.deps.db.selectFrom('people').select('id').where(sql<boolean>`area_path <@ ${area.path}::ltree`).orderBy('id').offset(20).limit(2).execute();
    const [author, reader] = await Promise.all(
      people.map(async (p) => {
        const r = await t.call('POST', `${S}/residents`, { token: admin, body: { personId: p.id } });
        expect(r.statusCode, r.body).toBe(201);
        return r.json().token as string;
      }),
    );
    const posted = await t.call('POST', `${P}/consultations/${open.id}/comments`, { headers: { 'x-resident-token': author! }, body: { body: '这个方案就是浪费钱，别搞了' } });
    expect(posted.statusCode, posted.body).toBe(201);
    const id = posted.json().id as string;
    expect((await t.call('GET', `${S}/comments/reported`, { token: admin })).json().items).toEqual([]);
    for (let i = 0; i < 2; i++) expect((await t.call('POST', `${P}/comments/${id}/reports`, { headers: { 'x-resident-token': reader! } })).statusCode).toBe(204);

    const queue = (await t.call('GET', `${S}/comments/reported`, { token: admin })).json().items;
    expect(queue).toEqual([expect.objectContaining({ id, reports: 2, consultationId: open.id, consultationTitle: '小区电动车充电棚选址', body: '这个方案就是浪费钱，别搞了', hidden: false })]);
    expect((await t.call('GET', `${S}/comments/reported`, { token: gridworker })).json().items).toEqual([]);
    expect((await t.call('POST', `${S}/comments/${id}/hide`, { token: admin, body: { reason: '言辞不文明' } })).statusCode).toBe(204);
    expect((await t.call('GET', `${S}/comments/reported`, { token: admin })).json().items).toEqual([]);
  });
});

describe('the first boot’s discussion (npm start seeds it after the year of history)', () => {
  it('puts the reported advert in the organiser’s moderation queue, and the residents’ comments on the consultation', async () => {
    const own = await createTestApp();
    try {
      const token = await own.login('admin');
      expect((await own.call('GET', `${S}/comments/reported`, { token })).json().items).toEqual([]);
      await seedParticipationDiscussion(own.deps.db, own.clock.now());
      const queue = (await own.call('GET', `${S}/comments/reported`, { token })).json().items as { body: string; reports: number; consultationTitle: string; hidden: boolean }[];
      expect(queue).toEqual([expect.objectContaining({ reports: 2, consultationTitle: '小区电动车充电棚选址', hidden: false })]);
      expect(queue[0]!.body).toContain('代办');
      const open = (await own.call('GET', `${P}/consultations?pageSize=100`)).json().items.find((c: { title: string }) => c.title === '小区电动车充电棚选址');
      const comments = (await own.call('GET', `${P}/consultations/${open.id}/comments`)).json().items as { body: string }[];
      expect(comments).toHaveLength(3);
    } finally {
      await own.close();
    }
  });
});
