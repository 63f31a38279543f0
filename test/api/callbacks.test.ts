import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { createTestAppWithFiles, type TestApp } from '../support/harness.ts';
import { actOk, gridWorkerPoint, intake, loginAll, upload, type Tokens } from './cases-support.ts';

// 回访: closed cases are called back; the caller's word rates the case, and 不满意 sends it back to the unit.
let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestAppWithFiles('callbacks', { CALLBACK_SAMPLE_PERCENT: 0, CALLBACK_MAX_TRIES: 3 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

/** A street-light complaint taken through to 结案 by the real workflow. */
async function closedLight(nature: string): Promise<string> {
  const p = await gridWorkerPoint(t, tok.gridworker);
  const { code } = await intake(t, tok.clerk, { text: '和平路路灯坏了一个月没人修', category: '0501', nature, lon: p.lon, lat: p.lat, reporter: { name: '赵六', phone: '13700001234' } });
  await actOk(t, tok.dispatcher, code, 'file');
  await actOk(t, tok.dispatcher, code, 'dispatch');
  await actOk(t, tok.handler, code, 'accept');
  const photo = (await upload(t, tok.handler, code, tinyJpeg({ gps: false }))).json().id as string;
  await actOk(t, tok.handler, code, 'report', { answer: '已更换灯具', attachments: [photo] });
  const site = (await upload(t, tok.gridworker, code, tinyJpeg({ gps: false }))).json().id as string;
  await actOk(t, tok.gridworker, code, 'check', { attachments: [site] });
  await actOk(t, tok.dispatcher, code, 'close', { answer: '路灯已修复。' });
  return code;
}

type QueueItem = { id: number; caseCode: string; reason: string; script: string; tries: number };
const queue = async () => ((await t.call('GET', '/api/v1/callbacks?pageSize=200', { token: tok.clerk })).json() as { items: QueueItem[] }).items;
const sample = async () => (await t.call('POST', '/api/v1/callbacks/sample', { token: tok.admin })).json().queued as number;
const record = (id: number, outcome: string, note?: string) => t.call('POST', `/api/v1/callbacks/${id}/outcome`, { token: tok.clerk, body: { outcome, ...(note ? { note } : {}) } });

describe('the callback queue', () => {
  it('samples every complaint; a 不满意 callback rates the case and reopens it', async () => {
    const complaint = await closedLight('complaint');
    const other = await closedLight('help'); // 0 % of the rest are sampled in this test
    expect(await sample()).toBeGreaterThanOrEqual(1);
    const items = await queue();
    const entry = items.find((i) => i.caseCode === complaint)!;
    expect(entry).toMatchObject({ reason: 'complaint', tries: 0 });
    expect(entry.script).toContain(complaint);
    expect(entry.script).toContain('路灯已修复');
    expect(entry.script).not.toContain('13700001234');
    expect(items.some((i) => i.caseCode === other)).toBe(false);
    // a second run finds nothing new
    expect(await sample()).toBe(0);

    // the clerk reads the script with the rating code to the caller
    const script = (await t.call('GET', `/api/v1/callbacks/${entry.id}/script`, { token: tok.clerk })).json().script as string;
    expect(script).toMatch(/评价码[0-9]{6}/);

    expect((await t.call('POST', `/api/v1/callbacks/${entry.id}/outcome`, { token: tok.handler, body: { outcome: 'satisfied' } })).statusCode).toBe(403);
    const res = await record(entry.id, 'unsatisfied', '路灯还是不亮');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'done', outcome: 'unsatisfied', followUp: 'reopened' });
    const detail = (await t.call('GET', `/api/v1/cases/${complaint}`, { token: tok.dispatcher })).json();
    expect(detail.state).toBe('handling');
    expect(detail.timeline.map((e: { action: string }) => e.action).slice(-2)).toEqual(['rate', 'rework']);
    expect((await record(entry.id, 'satisfied')).statusCode).toBe(409);
    expect((await queue()).some((i) => i.id === entry.id)).toBe(false);
  });

  it('a satisfied caller rates the case; an unreachable one is tried N times', async () => {
    const a = await closedLight('complaint');
    const b = await closedLight('complaint');
    await sample();
    const [qa, qb] = [(await queue()).find((i) => i.caseCode === a)!, (await queue()).find((i) => i.caseCode === b)!];
    expect((await record(qa.id, 'basically_satisfied')).json()).toMatchObject({ followUp: 'rated' });
    expect((await t.call('GET', `/api/v1/cases/${a}`, { token: tok.dispatcher })).json()).toMatchObject({ state: 'rated', rating: { value: 'basically_satisfied' } });

    expect((await record(qb.id, 'unreachable')).json()).toMatchObject({ status: 'queued', tries: 1 });
    expect((await record(qb.id, 'unreachable')).json()).toMatchObject({ status: 'queued', tries: 2 });
    expect((await record(qb.id, 'unreachable')).json()).toMatchObject({ status: 'unreachable', outcome: 'unreachable', tries: 3 });
    expect((await t.call('GET', `/api/v1/cases/${b}`, { token: tok.dispatcher })).json().state).toBe('closed');
  });

  it('every 不满意 rating from the reporter is called back too', async () => {
    const code = await closedLight('help');
    await actOk(t, tok.clerk, code, 'rate', { rating: 'unsatisfied' });
    await sample();
    expect((await queue()).find((i) => i.caseCode === code)).toMatchObject({ reason: 'unsatisfied' });
  });
});
