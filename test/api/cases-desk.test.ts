import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

/** What the dispatch desk reads: urgent cases first on request, and timelines with people's names and units. */
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestApp();
  tok = await loginAll(t);
});
afterAll(() => t.close());

describe('the dispatch desk API', () => {
  it('lists urgent cases first with sort=urgent and newest first by default', async () => {
    const p = await pointIn(t, '990105');
    const urgent = await intake(t, tok.clerk, { text: '燃气管道有异味，疑似泄漏', urgent: true, ...p });
    const plain = await intake(t, tok.clerk, { text: '路灯不亮了，晚上一片漆黑', ...p });
    const codes = async (q: string) => ((await t.call('GET', `/api/v1/cases?state=received${q}`, { token: tok.dispatcher })).json().items as { code: string }[]).map((c) => c.code);
    expect(await codes('')).toEqual([plain.code, urgent.code]);
    expect(await codes('&sort=urgent')).toEqual([urgent.code, plain.code]);
    expect((await t.call('GET', '/api/v1/cases?sort=loudest', { token: tok.dispatcher })).statusCode).toBe(400);
  });

  it("names the person and unit of each timeline step, and never on the public page", async () => {
    const p = await pointIn(t, '990105', 1);
    const c = await intake(t, tok.clerk, { text: '人行道上的井盖缺了一角', category: '0502', ...p });
    await actOk(t, tok.dispatcher, c.code, 'file');
    await actOk(t, tok.dispatcher, c.code, 'dispatch', { department: 'SZ' });
    await actOk(t, tok.handler, c.code, 'accept');
    const timeline = (await t.call('GET', `/api/v1/cases/${c.code}`, { token: tok.dispatcher })).json().timeline as { action: string; actor: string; actorName: string | null; actorUnit: string | null }[];
    expect(timeline.map((e) => [e.action, e.actorName, e.actorUnit])).toEqual([
      ['intake', '12345受理员', null],
      ['file', '指挥中心派遣员', null],
      ['dispatch', '指挥中心派遣员', null],
      ['accept', '市政设施处置员', 'SZ'],
    ]);
    const pub = (await t.call('GET', `/api/v1/public/cases/${c.code}`)).json();
    expect(JSON.stringify(pub)).not.toContain('受理员');
    expect(pub.category).toMatchObject({ code: '0502', nameEn: expect.any(String) });
    expect(pub.department).toMatchObject({ code: 'SZ', nameEn: expect.any(String) });
  });
});
