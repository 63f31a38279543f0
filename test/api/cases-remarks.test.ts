import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { createTestAppWithFiles, type TestApp } from '../support/harness.ts';
import { act, actOk, gridWorkerPoint, intake, loginAll, upload, type Tokens } from './cases-support.ts';

// 备注 and 催办: what people add to a case while it is handled, and after it is closed. Neither moves the case
// or its clock; both reach someone who can act on them.
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestAppWithFiles('remarks');
  tok = await loginAll(t);
});
afterAll(() => t.close());

type Inbox = { items: { kind: string; caseCode: string; title: string }[] };
const inbox = async (token: string, kind: string) => ((await t.call('GET', `/api/v1/notifications?kind=${kind}`, { token })).json() as Inbox).items;

/** A street-light case (路灯故障 → 市政设施管理处 SZ) being handled by SZ. */
async function handledLight(): Promise<string> {
  const p = await gridWorkerPoint(t, tok.gridworker);
  const { code } = await intake(t, tok.clerk, { text: '和平路两盏路灯不亮', category: '0501', lon: p.lon, lat: p.lat, reporter: { name: '李四', phone: '13987654321' } });
  await actOk(t, tok.dispatcher, code, 'file');
  await actOk(t, tok.dispatcher, code, 'dispatch');
  await actOk(t, tok.handler, code, 'accept');
  return code;
}

describe('催办 (the reporter calls again)', () => {
  it('is recorded and counted, reaches the unit holding the case and the command centre, and moves nothing', async () => {
    const code = await handledLight();
    const before = await actOk(t, tok.admin, code, 'note', { reason: '核对：路灯编号 SZ-0501-17' });
    t.clock.advanceHours(2);
    const first = await actOk(t, tok.clerk, code, 'urge', { reason: '市民来电询问进度' });
    const second = await actOk(t, tok.clerk, code, 'urge');
    for (const c of [first, second]) {
      expect(c.state).toBe('handling');
      expect(c.deadlines).toEqual(before.deadlines);
      expect(c.supervision).toBe(before.supervision);
    }
    expect(second.version).toBe(before.version + 2);
    const urges = second.timeline.filter((e: { action: string }) => e.action === 'urge');
    expect(urges.map((e: { payload: { urges: number } }) => e.payload.urges)).toEqual([1, 2]);
    expect((await inbox(tok.handler, 'case.urged')).filter((n) => n.caseCode === code).map((n) => n.title)).toEqual(expect.arrayContaining([`案件 ${code} 被催办（第 2 次）`]));
    expect((await inbox(tok.dispatcher, 'case.urged')).some((n) => n.caseCode === code)).toBe(true);
  });

  it('is for open cases and for the front desk or command centre', async () => {
    const code = await handledLight();
    expect((await act(t, tok.handler, code, 'urge')).statusCode).toBe(403);
    expect((await act(t, tok.gridworker, code, 'urge')).statusCode).toBe(403);
    await actOk(t, tok.handler, code, 'report', { answer: '已更换灯泡' });
    await actOk(t, tok.admin, code, 'check', { attachments: [(await upload(t, tok.admin, code, tinyJpeg({ gps: true }))).json().id] });
    await actOk(t, tok.dispatcher, code, 'close');
    const closed = await act(t, tok.clerk, code, 'urge');
    expect(closed.statusCode).toBe(409);
    expect(closed.json()).toMatchObject({ code: 'case.illegal_transition', state: 'closed' });
  });
});

describe('备注 (a note)', () => {
  it('needs text, may carry a photo, and reaches whoever can act on it', async () => {
    const code = await handledLight();
    expect((await act(t, tok.gridworker, code, 'note')).json().code).toBe('case.reason_required');
    const photo = (await upload(t, tok.gridworker, code, tinyJpeg({ gps: true }))).json().id as string;
    const noted = await actOk(t, tok.gridworker, code, 'note', { reason: '现场查看：灯杆底座锈蚀，需一并处理', attachments: [photo] });
    expect(noted.state).toBe('handling');
    expect(noted.timeline.at(-1)).toMatchObject({ action: 'note', from: 'handling', to: 'handling', actor: 'gridworker', reason: '现场查看：灯杆底座锈蚀，需一并处理', attachments: [photo] });
    // the unit holding the case hears from the grid worker; the command centre hears from the unit
    expect((await inbox(tok.handler, 'case.note')).some((n) => n.caseCode === code)).toBe(true);
    await actOk(t, tok.handler, code, 'note', { reason: '已联系供电部门配合' });
    expect((await inbox(tok.dispatcher, 'case.note')).some((n) => n.caseCode === code)).toBe(true);
  });

  it('after closure still reaches the command centre, and the public never sees notes', async () => {
    const code = await handledLight();
    await actOk(t, tok.handler, code, 'report', { answer: '已更换灯泡' });
    await actOk(t, tok.admin, code, 'check', { attachments: [(await upload(t, tok.admin, code, tinyJpeg({ gps: true }))).json().id] });
    await actOk(t, tok.dispatcher, code, 'close');
    // the citizen calls: the light is out again; the clerk notes it on the closed case
    const noted = await actOk(t, tok.clerk, code, 'note', { reason: '市民李四（13987654321）来电：路灯又不亮了' });
    expect(noted.state).toBe('closed');
    expect((await inbox(tok.dispatcher, 'case.note')).filter((n) => n.caseCode === code)).toHaveLength(1);
    const pub = await t.call('GET', `/api/v1/public/cases/${code}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.json().timeline.map((e: { action: string }) => e.action)).not.toContain('note');
    expect(pub.body).not.toContain('13987654321');
    expect(pub.body).not.toContain('又不亮');
  });
});
