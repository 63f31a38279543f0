import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_START } from '../support/constants.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
let point: { lon: number; lat: number };
beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
  point = await pointIn(t, '990102');
});
afterAll(() => t.close());

const iso = (s: string) => new Date(s).toISOString();
const versions = async () => (await t.call('GET', '/api/v1/taxonomy/versions', { token: tok.admin })).json().items as Array<{ version: number; categories: Array<{ code: string; deadlineHours: number; workingTime: boolean; urgent: boolean }> }>;
const post = (token: string, body: unknown) => t.call('POST', '/api/v1/taxonomy/versions', { token, body });
async function dispatched(category: string, text: string) {
  const c = await intake(t, tok.clerk, { text, category, ...point });
  await actOk(t, tok.dispatcher, c.code, 'file');
  return actOk(t, tok.dispatcher, c.code, 'dispatch');
}
const caseVersion = async (code: string) =>
  (await t.deps.db.selectFrom('cases').select('taxonomy_version').where('code', '=', code).executeTakeFirstOrThrow()).taxonomy_version;

describe('taxonomy versions (事项分类版本)', () => {
  it('a changed deadline applies to new cases; a case already running keeps its own; bad input and clerks change nothing', async () => {
    t.clock.set(TEST_START); // Monday 2026-11-23 09:00 +08:00
    const v1 = (await versions())[0]!;
    expect(v1.version).toBe(1);
    expect(v1.categories.find((c) => c.code === '0502')).toMatchObject({ deadlineHours: 4, workingTime: false, urgent: true });

    // 井盖破损缺失: 4 clock hours under version 1
    const older = await dispatched('0502', '人行道井盖缺失，很危险');
    expect(older.deadlines).toMatchObject({ allowedHours: 4, dueAt: iso('2026-11-23T13:00:00+08:00') });
    expect(await caseVersion(older.code)).toBe(1);

    // a clerk may read but not change the taxonomy
    expect((await post(tok.clerk, { basedOn: 1, changes: [{ code: '0502', deadlineHours: 6 }] })).statusCode).toBe(403);
    // bad input: problem+json, no version written
    for (const body of [
      { basedOn: 1, changes: [{ code: '9999', deadlineHours: 6 }] },
      { basedOn: 1, changes: [{ code: '0502', deadlineHours: 0 }] },
      { basedOn: 1, changes: [{ code: '0502', deadlineHours: 4 }] },
      { basedOn: 1, changes: [] },
    ]) {
      const bad = await post(tok.admin, body);
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect(bad.headers['content-type']).toMatch(/problem\+json/);
    }
    expect((await versions()).map((v) => v.version)).toEqual([1]);

    const saved = await post(tok.admin, { basedOn: 1, note: '井盖处置延至 6 小时', changes: [{ code: '0502', deadlineHours: 6, urgent: false }, { code: '0103', workingTime: false }] });
    expect(saved.statusCode).toBe(201);
    expect(saved.json()).toMatchObject({ version: 2, note: '井盖处置延至 6 小时' });
    // a second admin still looking at version 1 gets a conflict, not a silent overwrite
    const stale = await post(tok.admin, { basedOn: 1, changes: [{ code: '0502', deadlineHours: 8 }] });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('taxonomy.stale_version');

    const list = await versions();
    expect(list.map((v) => v.version)).toEqual([2, 1]);
    expect(list[1]!.categories.find((c) => c.code === '0502')!.deadlineHours).toBe(4); // history stays as it was
    const current = (await t.call('GET', '/api/v1/taxonomy', { token: tok.clerk })).json().categories;
    expect(current.find((c: { code: string }) => c.code === '0502')).toMatchObject({ deadlineHours: 6, urgent: false });

    // a new case gets the new limit (and is no longer made urgent by its category); the older keeps 4 h
    t.clock.set(new Date('2026-11-23T02:30:00Z')); // 10:30 +08:00
    const newer = await dispatched('0502', '小区门口井盖松动');
    expect(newer.urgent).toBe(false);
    expect(newer.deadlines).toMatchObject({ allowedHours: 6, dueAt: iso('2026-11-23T16:30:00+08:00') });
    expect(await caseVersion(newer.code)).toBe(2);
    const again = (await t.call('GET', `/api/v1/cases/${older.code}`, { token: tok.dispatcher })).json();
    expect(again.deadlines).toMatchObject({ allowedHours: 4, dueAt: iso('2026-11-23T13:00:00+08:00') });
    expect(await caseVersion(older.code)).toBe(1);

    const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'target_id', 'detail']).where('action', '=', 'taxonomy.version.create').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target_id: '2', detail: { basedOn: 1, changes: [{ code: '0502' }, { code: '0103' }] } });
  });
});
