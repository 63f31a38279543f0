import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { createTestAppWithFiles, type TestApp } from '../support/harness.ts';
import { gridWorkerPoint, loginAll, pointIn, upload, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestAppWithFiles('disputes', { TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

/** 11010519491231002X: a valid GB 11643 number (the standard's own example) */
const ID = '11010519491231002X';

async function newDispute(token: string, over: Record<string, unknown> = {}) {
  const p = await pointIn(t, '990102', 1);
  const org = (await sql<{ id: string }>`select id from organisations order by name limit 1`.execute(t.deps.db)).rows[0]!;
  const res = await t.call('POST', '/api/v1/disputes', {
    token,
    body: {
      text: '楼上住户装修噪音扰民，多次协商未果，双方发生争吵',
      category: '1501',
      type: 'neighbour',
      riskLevel: 'medium',
      mediator: { kind: 'people_mediator', name: '调解员老周' },
      parties: [
        { role: 'applicant', name: '王建国', phone: '13812345678', idNumber: ID },
        { role: 'respondent', organisationId: org.id },
      ],
      lon: p.lon,
      lat: p.lat,
      ...over,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('disputes (矛盾纠纷)', () => {
  it('goes from intake through two sessions to an agreement and a 30-day follow-up', async () => {
    const d = await newDispute(tok.dispatcher);
    expect(d).toMatchObject({ state: 'registered', type: 'neighbour', riskLevel: 'medium', category: '1501', caseState: expect.any(String) });
    // the dispute is a case: same front door, its deadline rides on the case
    const kase = (await t.call('GET', `/api/v1/cases/${d.code}`, { token: tok.dispatcher })).json();
    expect(kase.category.code).toBe('1501');
    expect(d.dueAt === null || typeof d.dueAt === 'string').toBe(true);

    const minutesPhoto = (await upload(t, tok.dispatcher, d.code, tinyJpeg({ gps: true }), 'minutes.jpg')).json().id as string;
    const s1 = await t.call('POST', `/api/v1/disputes/${d.code}/sessions`, {
      token: tok.dispatcher,
      body: { heldAt: t.clock.now().toISOString(), place: '社区调解室', attendees: ['王建国', '物业代表', '调解员老周'], minutes: '双方陈述，约定装修时段', attachments: [minutesPhoto] },
    });
    expect(s1.statusCode, s1.body).toBe(200);
    expect(s1.json().state).toBe('mediating');
    // an agreement without its signed scan is refused, nothing changes
    const noScan = await t.call('POST', `/api/v1/disputes/${d.code}/outcome`, { token: tok.dispatcher, body: { kind: 'agreement', agreementText: '…' } });
    expect(noScan.statusCode).toBe(400);

    t.clock.advance(2 * DAY);
    const s2 = await t.call('POST', `/api/v1/disputes/${d.code}/sessions`, { token: tok.dispatcher, body: { heldAt: t.clock.now().toISOString(), place: '社区调解室', attendees: ['王建国', '物业代表'], minutes: '达成一致' } });
    expect(s2.json().sessions).toHaveLength(2);

    const scan = (await upload(t, tok.dispatcher, d.code, tinyJpeg({ gps: false }), 'agreement.jpg')).json().id as string;
    const agreed = await t.call('POST', `/api/v1/disputes/${d.code}/outcome`, { token: tok.dispatcher, body: { kind: 'agreement', agreementText: '装修仅限工作日9-18时，赔偿500元', signedScan: scan } });
    expect(agreed.statusCode, agreed.body).toBe(200);
    const a = agreed.json();
    expect(a).toMatchObject({ state: 'agreed', outcome: { kind: 'agreement', agreementAttachment: scan } });
    expect(a.followups.map((f: { dueAt: string }) => (Date.parse(f.dueAt) - t.clock.now().getTime()) / DAY)).toEqual([7, 30]);

    // the 回访 due list shows the 7-day visit once it is near, overdue after
    t.clock.advance(8 * DAY);
    const due = (await t.call('GET', '/api/v1/disputes/followups/due?days=0', { token: tok.dispatcher })).json();
    expect(due.find((x: { code: string }) => x.code === d.code)).toMatchObject({ overdue: true });
    await t.call('POST', `/api/v1/disputes/${d.code}/followups`, { token: tok.dispatcher, body: { result: 'stable', note: '7天回访：已按约定施工' } });
    t.clock.advance(22 * DAY);
    const f30 = await t.call('POST', `/api/v1/disputes/${d.code}/followups`, { token: tok.dispatcher, body: { result: 'stable', note: '30天回访：无反复' } });
    expect(f30.statusCode, f30.body).toBe(200);
    expect(f30.json().followups.map((f: { result: string | null }) => f.result)).toEqual(['stable', 'stable']);
    expect((await t.call('POST', `/api/v1/disputes/${d.code}/followups`, { token: tok.dispatcher, body: { result: 'stable' } })).statusCode).toBe(409);

    // every step is on the case timeline
    const timeline = (await t.call('GET', `/api/v1/cases/${d.code}`, { token: tok.dispatcher })).json().timeline.map((e: { action: string }) => e.action);
    expect(timeline.filter((x: string) => x.startsWith('dispute_'))).toEqual(['dispute_register', 'dispute_session', 'dispute_session', 'dispute_outcome', 'dispute_followup', 'dispute_followup']);

    // it flares up again: re-opened, mediated again
    const re = await t.call('POST', `/api/v1/disputes/${d.code}/reopen`, { token: tok.dispatcher, body: { reason: '再次施工扰民' } });
    expect(re.json()).toMatchObject({ state: 'mediating', reopenCount: 1, outcome: null });
  });

  it('a failed mediation is handed to the court with the receiving body recorded', async () => {
    const d = await newDispute(tok.dispatcher, { category: '1503', type: 'land', riskLevel: 'high', text: '宅基地界址争议，双方各执一词' });
    await t.call('POST', `/api/v1/disputes/${d.code}/sessions`, { token: tok.dispatcher, body: { heldAt: t.clock.now().toISOString(), place: '司法所', attendees: ['双方'], minutes: '调解未果' } });
    const res = await t.call('POST', `/api/v1/disputes/${d.code}/outcome`, { token: tok.dispatcher, body: { kind: 'handover', handoverTo: 'court', receivingBody: '示范市东城区人民法院诉调对接中心', reason: '双方不同意调解方案' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'handed_over', outcome: { kind: 'handover', handoverTo: 'court', receivingBody: '示范市东城区人民法院诉调对接中心' }, followups: [] });
    const again = await t.call('POST', `/api/v1/disputes/${d.code}/sessions`, { token: tok.dispatcher, body: { heldAt: t.clock.now().toISOString(), place: 'x', attendees: ['x'], minutes: 'x' } });
    expect(again.statusCode).toBe(409);
    const reg = (await t.call('GET', '/api/v1/disputes?state=handed_over', { token: tok.dispatcher })).json();
    expect(reg.items.map((x: { code: string }) => x.code)).toContain(d.code);
  });

  it('the register filters and follows the data scope; export holds the filtered rows', async () => {
    const east = await newDispute(tok.east, { type: 'labour', category: '1505', riskLevel: 'low', text: '工地拖欠工资引发劳资纠纷' });
    const west = await newDispute(tok.dispatcher, { type: 'family', category: '1502', riskLevel: 'high', text: '兄弟分家产纠纷', lon: (await pointIn(t, '990105')).lon, lat: (await pointIn(t, '990105')).lat });
    const list = (q: string, token = tok.dispatcher) => t.call('GET', `/api/v1/disputes?${q}`, { token }).then((r) => r.json());
    const labour = await list('type=labour&risk=low');
    expect(labour.items.every((x: { type: string; riskLevel: string }) => x.type === 'labour' && x.riskLevel === 'low')).toBe(true);
    expect(labour.items.map((x: { code: string }) => x.code)).toContain(east.code);
    expect(labour).toMatchObject({ page: 1, pageSize: 20, total: labour.items.length });
    const inWest = await list('area=990105');
    expect(inWest.items.map((x: { code: string }) => x.code)).toEqual([west.code]);
    // the east district's dispatcher never sees the west's dispute
    const eastView = await list('pageSize=200', tok.east);
    expect(eastView.items.map((x: { code: string }) => x.code)).not.toContain(west.code);
    expect((await t.call('GET', `/api/v1/disputes/${west.code}`, { token: tok.east })).statusCode).toBe(404);
    const window = await list(`from=${encodeURIComponent(new Date(t.clock.now().getTime() + DAY).toISOString())}`);
    expect(window.total).toBe(0);

    const x = await t.call('GET', '/api/v1/disputes/export.xlsx?area=990105', { token: tok.dispatcher });
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(2).getCell(1).value).toBe(west.code);
    expect(ws.getRow(2).getCell(4).value).toBe('婚姻家庭纠纷');
  });

  it('masks party PII by role and keeps it sealed in the database', async () => {
    const d = await newDispute(tok.dispatcher);
    const asMediator = (await t.call('GET', `/api/v1/disputes/${d.code}`, { token: tok.dispatcher })).json();
    const applicant = asMediator.parties.find((p: { role: string }) => p.role === 'applicant');
    expect(applicant).toMatchObject({ kind: 'person', name: '王建国', phone: '138****5678', idNumber: '110***********002X' });
    const asLeader = (await t.call('GET', `/api/v1/disputes/${d.code}`, { token: tok.leader })).json();
    expect(asLeader.parties.find((p: { role: string }) => p.role === 'applicant')).toMatchObject({ name: '王**', phone: '138****5678' });
    expect(JSON.stringify(asLeader)).not.toContain('13812345678');
    const raw = JSON.stringify((await sql`select * from dispute_parties`.execute(t.deps.db)).rows);
    expect(raw).not.toContain('13812345678');
    expect(raw).not.toContain(ID);
    expect(raw).not.toContain('王建国');
    // the handler has no access to the register
    expect((await t.call('GET', '/api/v1/disputes', { token: tok.handler })).statusCode).toBe(403);
  });

  it('bad input is a clear 4xx and changes nothing', async () => {
    const before = (await t.call('GET', '/api/v1/disputes?pageSize=1', { token: tok.dispatcher })).json().total;
    const bad = await t.call('POST', '/api/v1/disputes', { token: tok.dispatcher, body: { text: '路灯坏了', category: '0301', type: 'neighbour', riskLevel: 'low', mediator: { kind: 'police', name: '民警' }, parties: [{ role: 'applicant', name: '李四' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('dispute.bad_category');
    const badId = await t.call('POST', '/api/v1/disputes', { token: tok.dispatcher, body: { text: '邻里纠纷', category: '1501', type: 'neighbour', riskLevel: 'low', mediator: { kind: 'police', name: '民警' }, parties: [{ role: 'applicant', name: '李四', idNumber: '110105194912310021' }] } });
    expect(badId.json().code).toBe('dispute.bad_id_number');
    expect((await t.call('GET', '/api/v1/disputes?pageSize=1', { token: tok.dispatcher })).json().total).toBe(before);
    // a grid worker registers a dispute in their own grid through the gridworker channel
    const p = await gridWorkerPoint(t, tok.gridworker);
    const g = await t.call('POST', '/api/v1/disputes', { token: tok.gridworker, body: { text: '邻居占用楼道堆放杂物', category: '1501', type: 'neighbour', riskLevel: 'low', mediator: { kind: 'gridworker', name: '网格员' }, parties: [{ role: 'applicant', name: '赵六' }], lon: p.lon, lat: p.lat } });
    expect(g.statusCode, g.body).toBe(201);
  });
});
