import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { intake, loginAll, pointIn, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp({ TOKEN_TTL_HOURS: 24 * 400 });
  tok = await loginAll(t);
});
afterAll(() => t.close());

const scan = async () => {
  const r = await t.call('POST', '/api/v1/ops/jobs/risk-scan', { token: tok.admin });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { opened: number; updated: number };
};
type W = { id: number; kind: string; level: string; status: string; count: number; baseline?: number; explanation: string; caseCodes: string[]; area: { code: string; name: string }; h3?: string; category?: string };
const warnings = async (q = '', token = tok.admin) => (await t.call('GET', `/api/v1/warnings?pageSize=200${q}`, { token })).json() as { items: W[]; total: number };

/** intakes in parallel: the batched writer takes them in a few group commits */
async function many(n: number, body: (i: number) => Parameters<typeof intake>[2]) {
  const codes: string[] = [];
  for (let i = 0; i < n; i += 25) codes.push(...(await Promise.all(Array.from({ length: Math.min(25, n - i) }, (_, j) => intake(t, tok.clerk, body(i + j))))).map((c) => c.code));
  return codes;
}

describe('risk warning (风险预警)', () => {
  let wagesWarning: W;
  let company: string;

  it('eight unpaid-wage complaints naming one company within a day raise ONE warning that explains itself', async () => {
    company = (await sql<{ name: string }>`select name from organisations where kind = 'enterprise' and name like '示范市%有限公司' order by name limit 1`.execute(t.deps.db)).rows[0]!.name;
    const core = company.replace(/^示范市/, '').replace(/有限公司$/, '');
    const points = await Promise.all(Array.from({ length: 8 }, (_, i) => pointIn(t, '990102', i * 4)));
    const codes: string[] = [];
    for (const [i, p] of points.entries()) {
      codes.push((await intake(t, tok.clerk, { text: `${core}拖欠我们${i + 2}个月工资，老板联系不上`, category: '1001', nature: 'complaint', lon: p.lon, lat: p.lat })).code);
      t.clock.advance(60 * 60_000);
    }
    const first = await scan();
    expect(first.opened).toBeGreaterThanOrEqual(1);
    const mass = (await warnings('&kind=mass_org')).items.filter((w) => w.caseCodes.some((c) => codes.includes(c)));
    expect(mass).toHaveLength(1);
    wagesWarning = mass[0]!;
    expect(wagesWarning).toMatchObject({ status: 'open', count: 8, level: 'orange' });
    expect([...wagesWarning.caseCodes].sort()).toEqual([...codes].sort());
    expect(wagesWarning.explanation).toContain(company);
    expect(wagesWarning.explanation).toContain('8件');
    // nothing else points at these cases (no cluster, no caller warning): one warning, not eight
    expect((await warnings()).items.filter((w) => w.caseCodes.some((c) => codes.includes(c)))).toHaveLength(1);

    // scanning again changes nothing; a ninth complaint updates the same warning
    expect(await scan()).toEqual({ opened: 0, updated: 0 });
    const p = await pointIn(t, '990105');
    const ninth = (await intake(t, tok.clerk, { text: `${core}也欠我工资`, category: '1001', lon: p.lon, lat: p.lat })).code;
    await scan();
    const again = (await warnings('&kind=mass_org')).items.filter((w) => w.caseCodes.includes(ninth));
    expect(again.map((w) => w.id)).toEqual([wagesWarning.id]);
    expect(again[0]!.count).toBe(9);

    // it reached the area's leaders through the staff inbox
    const inbox = (await t.call('GET', '/api/v1/notifications?kind=warning', { token: tok.leader })).json();
    expect(inbox.items.some((n: { title: string }) => n.title.includes(`#${wagesWarning.id}`))).toBe(true);
  });

  it('a busy cell at its usual level raises nothing; a quiet one with the same count does', async () => {
    const busy = await pointIn(t, '990106', 3);
    const quiet = await pointIn(t, '990106', 20);
    // eight weeks of history at the busy place: three cases a day, backdated through the database
    const history = await many(168, (i) => ({ text: `小区门口路面又脏了，第${i}次反映`, category: '0102', lon: busy.lon, lat: busy.lat }));
    const now = t.clock.now().getTime();
    await sql`update cases c set created_at = ${new Date(now - DAY - 3_600_000)}::timestamptz - make_interval(days => ((h.n - 1) % 56)::int)
              from unnest(${history}::text[]) with ordinality as h(code, n) where c.code = h.code`.execute(t.deps.db);
    const today = await many(5, (i) => ({ text: `路面脏乱今天第${i}次`, category: '0102', lon: busy.lon, lat: busy.lat }));
    const spike = await many(5, (i) => ({ text: `空地上突然满地垃圾${i}`, category: '0102', lon: quiet.lon, lat: quiet.lat }));
    await scan();
    const clusters = (await warnings('&kind=cluster')).items.filter((w) => w.category === '0102');
    expect(clusters.filter((w) => w.caseCodes.some((c) => today.includes(c)))).toEqual([]);
    const raised = clusters.filter((w) => w.caseCodes.some((c) => spike.includes(c)));
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ count: 5, baseline: 0.1, h3: expect.any(String) });
    expect(raised[0]!.explanation).toMatch(/泊松/);

    // dismissed with a reason: the same cases do not raise it again
    expect((await t.call('POST', `/api/v1/warnings/${raised[0]!.id}/actions`, { token: tok.dispatcher, body: { action: 'dismiss' } })).statusCode).toBe(400);
    const dismissed = await t.call('POST', `/api/v1/warnings/${raised[0]!.id}/actions`, { token: tok.dispatcher, body: { action: 'dismiss', reason: '市集活动，已报备' } });
    expect(dismissed.json()).toMatchObject({ status: 'dismissed', reason: '市集活动，已报备' });
    await scan();
    expect((await warnings('&kind=cluster&status=open')).items.filter((w) => w.caseCodes.some((c) => spike.includes(c)))).toEqual([]);
  });

  it('warnings are acknowledged, assigned and resolved, within the data scope', async () => {
    const ack = await t.call('POST', `/api/v1/warnings/${wagesWarning.id}/actions`, { token: tok.leader, body: { action: 'acknowledge' } });
    expect(ack.json().status).toBe('acknowledged');
    expect((await t.call('POST', `/api/v1/warnings/${wagesWarning.id}/actions`, { token: tok.leader, body: { action: 'assign', assignee: 'nobody' } })).statusCode).toBe(400);
    const assigned = await t.call('POST', `/api/v1/warnings/${wagesWarning.id}/actions`, { token: tok.leader, body: { action: 'assign', assignee: 'dispatcher' } });
    expect(assigned.json()).toMatchObject({ status: 'assigned', assignee: '指挥中心派遣员' });
    const resolved = await t.call('POST', `/api/v1/warnings/${wagesWarning.id}/actions`, { token: tok.dispatcher, body: { action: 'resolve', reason: '人社局介入，已垫付工资' } });
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
    expect((await t.call('POST', `/api/v1/warnings/${wagesWarning.id}/actions`, { token: tok.dispatcher, body: { action: 'acknowledge' } })).statusCode).toBe(409);
    // the console's list opens on what still needs someone: several statuses at once, comma-separated
    const all = await warnings();
    const live = await warnings('&status=open,acknowledged,assigned');
    expect(live.items.map((w) => w.id)).toEqual(all.items.filter((w) => ['open', 'acknowledged', 'assigned'].includes(w.status)).map((w) => w.id));
    expect(live.items.some((w) => w.id === wagesWarning.id)).toBe(false);
    const closed = await warnings('&status=resolved,dismissed');
    expect(closed.items.map((w) => w.id)).toEqual(all.items.filter((w) => ['resolved', 'dismissed'].includes(w.status)).map((w) => w.id));
    expect(closed.total + live.total).toBe(all.total);
    const bad = await t.call('GET', '/api/v1/warnings?status=open,closed', { token: tok.admin });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    // a district user sees its district's warnings only; a handler none at all
    const east = await warnings('', tok.east);
    expect(east.items.every((w) => w.area.code.startsWith('990102'))).toBe(true);
    expect((await warnings('', tok.admin)).total).toBeGreaterThan(east.total);
    expect((await t.call('GET', '/api/v1/warnings', { token: tok.handler })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/ops/jobs/risk-scan', { token: tok.dispatcher })).statusCode).toBe(403);
  });

  it('a caller calling again and again, and a high-risk dispute left without a session, raise warnings', async () => {
    const p = await pointIn(t, '990102', 2);
    for (let i = 0; i < 3; i++) {
      await intake(t, tok.clerk, { text: `第${i + 1}次反映：小区停车位被占，无人处理`, category: '0102', lon: p.lon, lat: p.lat, reporter: { name: '孙七', phone: '13900001111' } });
      t.clock.advance(DAY);
    }
    const d = await t.call('POST', '/api/v1/disputes', { token: tok.dispatcher, body: { text: '拆迁补偿争议，多户情绪激动', category: '1504', type: 'land', riskLevel: 'high', mediator: { kind: 'judicial', name: '司法所' }, parties: [{ role: 'applicant', name: '周八' }], lon: p.lon, lat: p.lat } });
    expect(d.statusCode, d.body).toBe(201);
    t.clock.advance(8 * DAY);
    await scan();
    const caller = (await warnings('&kind=repeat_caller')).items;
    expect(caller).toHaveLength(1);
    expect(caller[0]!.count).toBe(3);
    expect(JSON.stringify(caller)).not.toContain('13900001111');
    const stale = (await warnings('&kind=stale_dispute')).items.filter((w) => w.caseCodes.includes(d.json().code));
    expect(stale).toHaveLength(1);
    expect(stale[0]!.explanation).toContain('天未开始调解');
  });
});
