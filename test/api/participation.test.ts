import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';

/**
 * 协商议事 through the real HTTP app: residents verified against the base registry by a phone code (read from
 * the demo outbox), one vote each, results hidden until close, proposals over their threshold answered by the
 * organiser within the deadline, and the outcome tracked in public — with no real name or phone in public JSON.
 */
let t: TestApp;
let admin: string;
let gridworker: string;
let community: { code: string; path: string };
let spaceId: string;
const P = '/api/v1/public/participation';
/** every public response body, scanned at the end for real names and phones */
const publicBodies: string[] = [];

interface Person {
  id: string;
  name: string | null;
  idNumber: string;
  phone: string;
  /** where they are registered (area path) */
  path: string;
}

/** `fresh`: only people the demo has not already verified (a seeded resident keeps its 居民N号 or masked name) */
async function peopleOf(areaPath: string, offset: number, n: number, { fresh = false } = {}): Promise<Person[]> {
  const rows = await t.deps.db
    .selectFrom('people')
    .select(['id', 'name', 'id_number_sealed', 'phone_sealed', sql<string>`area_path::text`.as('path')])
    .where(sql<boolean>`area_path <@ ${areaPath}::ltree`)
    .where('phone_sealed', 'is not', null)
    // which people the demo verified depends on the template's random ids
    .$if(fresh, (q) => q.where('id', 'not in', t.deps.db.selectFrom('participation_residents').select('person_id')))
    .orderBy('id')
    .offset(offset)
    .limit(n)
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, idNumber: t.deps.pii.decrypt(r.id_number_sealed), phone: t.deps.pii.decrypt(r.phone_sealed!), path: r.path }));
}

const pub = async (method: string, url: string, opts: { resident?: string; body?: unknown } = {}) => {
  const res = await t.call(method, url, { body: opts.body, headers: opts.resident ? { 'x-resident-token': opts.resident } : {} });
  publicBodies.push(res.body);
  return res;
};

/** The resident's way in: ask for a code, read it from the demo outbox (as a tester would), verify. */
async function verifyByPhone(p: Person, nickname?: string): Promise<string> {
  expect((await pub('POST', `${P}/residents/code`, { body: { idNumber: p.idNumber, phone: p.phone } })).statusCode).toBe(202);
  const outbox = (await t.call('GET', '/api/v1/participation/dev-outbox', { token: admin })).json().items as { phone: string; text: string }[];
  const code = /(\d{6})/.exec(outbox[0]!.text)![1]!;
  expect(outbox[0]!.phone).not.toBe(p.phone);
  const res = await pub('POST', `${P}/residents/verify`, { body: { idNumber: p.idNumber, phone: p.phone, code, ...(nickname ? { nickname } : {}) } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

const inPerson = async (p: Person) => {
  const res = await t.call('POST', '/api/v1/participation/residents', { token: admin, body: { personId: p.id } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
};

beforeAll(async () => {
  t = await createTestApp();
  [admin, gridworker] = await Promise.all([t.login('admin'), t.login('gridworker')]);
  const spaces = (await pub('GET', `${P}/spaces`)).json().items as { id: string; area: { code: string }; supportThreshold: number }[];
  const s = spaces.find((x) => x.supportThreshold === 3)!;
  spaceId = s.id;
  const a = await t.deps.db.selectFrom('areas').select(['code', sql<string>`path::text`.as('path')]).where('code', '=', s.area.code).executeTakeFirstOrThrow();
  community = a;
});
afterAll(() => t.close());

const hours = (h: number) => new Date(t.clock.now().getTime() + h * 3_600_000).toISOString();

describe('residents and votes', () => {
  it('a verified resident votes once; a change counts once; results stay hidden until the close', async () => {
    // bob's masked name (王**) is checked: take people with a name (a few demo people have none)
    const [alice, bob] = (await peopleOf(community.path, 20, 10, { fresh: true })).filter((p) => p.name);
    // someone of the city registered outside this community (ids are random per template: pick by place, not by rank)
    const other = (await peopleOf('990100', 0, 400)).find((p) => !p.path.startsWith(community.path))!;
    expect(other).toBeDefined();

    // A wrong phone gets the same answer and no code.
    const before = (await t.call('GET', '/api/v1/participation/dev-outbox', { token: admin })).json().items.length;
    expect((await pub('POST', `${P}/residents/code`, { body: { idNumber: alice!.idNumber, phone: '13900000000' } })).statusCode).toBe(202);
    expect((await t.call('GET', '/api/v1/participation/dev-outbox', { token: admin })).json().items.length).toBe(before);
    // The outbox is for admins only.
    expect((await t.call('GET', '/api/v1/participation/dev-outbox', { token: gridworker })).statusCode).toBe(403);

    const a = await verifyByPhone(alice!, '花园老李');
    const b = await verifyByPhone(bob!);
    const o = await verifyByPhone(other);
    expect((await pub('GET', `${P}/residents/me`, { resident: b })).json().displayName).toMatch(/\*/);

    const created = await t.call('POST', `/api/v1/participation/spaces/${spaceId}/consultations`, {
      token: admin,
      body: { title: '停车位分配办法', kind: 'single', options: ['摇号', '先到先得'], deliberationAt: hours(0), opensAt: hours(1), closesAt: hours(72), place: '居委会' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    const [lottery, fcfs] = c.options.map((x: { id: string }) => x.id);
    // Not yet open.
    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: a, body: { choices: [lottery] } })).statusCode).toBe(409);
    t.clock.advance(2 * 3_600_000);

    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { body: { choices: [lottery] } })).statusCode).toBe(401);
    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: o, body: { choices: [lottery] } })).statusCode).toBe(403);
    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: a, body: { choices: [lottery] } })).statusCode).toBe(201);
    const second = await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: a, body: { choices: [fcfs] } });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('participation.already_voted');
    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: a, body: { choices: [lottery, fcfs] } })).statusCode).toBe(400);
    // Changing one's mind before the close: the vote is replaced, still one ballot.
    expect((await pub('PUT', `${P}/consultations/${c.id}/votes/mine`, { resident: a, body: { choices: [fcfs] } })).statusCode).toBe(200);
    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: b, body: { choices: [fcfs] } })).statusCode).toBe(201);

    const during = (await pub('GET', `${P}/consultations/${c.id}`)).json();
    expect(during.state).toBe('voting');
    expect(during.results).toBeNull();
    expect(during.options.every((x: { count: number | null }) => x.count === null)).toBe(true);
    expect((await t.call('GET', `/api/v1/participation/consultations/${c.id}`, { token: admin })).json().results).toBeNull();

    t.clock.advance(72 * 3_600_000);
    admin = await t.login('admin'); // staff sessions are short; resident sessions last 30 days
    gridworker = await t.login('gridworker');
    expect((await pub('PUT', `${P}/consultations/${c.id}/votes/mine`, { resident: a, body: { choices: [lottery] } })).statusCode).toBe(409);
    const staff = (await t.call('GET', `/api/v1/participation/consultations/${c.id}`, { token: admin })).json();
    expect(staff.state).toBe('closed');
    expect(staff.results.ballots).toBe(2);
    expect(staff.options.map((x: { count: number }) => x.count)).toEqual([0, 2]);
    expect(staff.results.eligible).toBeGreaterThan(2);
    // Still hidden from the public until published.
    expect((await pub('GET', `${P}/consultations/${c.id}`)).json().results).toBeNull();
    const published = await t.call('POST', `/api/v1/participation/consultations/${c.id}/publish`, { token: admin, body: { outcome: '采用先到先得。' } });
    expect(published.statusCode, published.body).toBe(200);
    const after = (await pub('GET', `${P}/consultations/${c.id}`)).json();
    expect(after.state).toBe('published');
    expect(after.outcome).toBe('采用先到先得。');
    expect(after.results.turnout).toBeCloseTo(2 / after.results.eligible, 3);

    const list = (await pub('GET', `${P}/consultations?area=${community.code}&state=published`)).json();
    expect(list.items.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(list.items[0]).toMatchObject({ area: { code: community.code }, kind: 'single', state: 'published' });
  });

  it('a wrong code is refused and one person has one account', async () => {
    const [p] = await peopleOf(community.path, 30, 1);
    await pub('POST', `${P}/residents/code`, { body: { idNumber: p!.idNumber, phone: p!.phone } });
    expect((await pub('POST', `${P}/residents/verify`, { body: { idNumber: p!.idNumber, phone: p!.phone, code: '000000' } })).json().code).toBe('participation.bad_code');
    const first = await verifyByPhone(p!);
    const again = await inPerson(p!);
    const n = await t.deps.db.selectFrom('participation_residents').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', p!.id).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    expect((await pub('GET', `${P}/residents/me`, { resident: first })).json().displayName).toBe((await pub('GET', `${P}/residents/me`, { resident: again })).json().displayName);
  });

  it('a tenant or owner of a house in the community takes part though registered elsewhere; family of it does not', async () => {
    const outsiders = await peopleOf('990100.990105', 0, 2);
    const [owner, family] = outsiders;
    const house = await t.deps.db.selectFrom('houses').select('id').where(sql<boolean>`area_path <@ ${community.path}::ltree`).orderBy('id').limit(1).executeTakeFirstOrThrow();
    // an owner registered in another district (the register keeps the person's entry where it is), and a family member
    await t.deps.db.updateTable('people').set({ house_id: house.id, house_relation: 'owner' }).where('id', '=', owner!.id).execute();
    await t.deps.db.updateTable('people').set({ house_id: house.id, house_relation: 'family' }).where('id', '=', family!.id).execute();
    const o = await verifyByPhone(owner!);
    const f = await verifyByPhone(family!);
    const me = (await pub('GET', `${P}/residents/me`, { resident: o })).json();
    expect(me.areas.map((a: { code: string }) => a.code)).toContain(community.code);
    const c = (await t.call('POST', `/api/v1/participation/spaces/${spaceId}/consultations`, {
      token: admin,
      body: { title: '楼道照明改造', kind: 'single', options: ['声控灯', '常亮节能灯'], deliberationAt: hours(0), opensAt: hours(0), closesAt: hours(48) },
    })).json();
    t.clock.advance(60_000);
    expect((await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: o, body: { choices: [c.options[0].id] } })).statusCode).toBe(201);
    const refused = await pub('POST', `${P}/consultations/${c.id}/votes`, { resident: f, body: { choices: [c.options[0].id] } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('participation.outside_area');
    // a proposal and a support go by the same rule
    expect((await pub('POST', `${P}/proposals`, { resident: o, body: { spaceId, title: '单元门禁维修', body: '3单元门禁坏了一个月，外来人员随意进出。' } })).statusCode).toBe(201);
    expect((await pub('POST', `${P}/proposals`, { resident: f, body: { spaceId, title: '单元门禁维修', body: '3单元门禁坏了一个月，外来人员随意进出。' } })).statusCode).toBe(403);
  });
});

describe('proposals, answers and accountability', () => {
  it('crossing the threshold puts it in the inbox with its deadline; the answer and the outcome are public', async () => {
    const [author, s1, s2, s3] = await peopleOf(community.path, 40, 4);
    const tokens = await Promise.all([author, s1, s2, s3].map((p) => inPerson(p!)));
    const created = await pub('POST', `${P}/proposals`, { resident: tokens[0], body: { spaceId, title: '垃圾分类点加装洗手池', body: '分类投放后没有地方洗手，建议在投放点旁加装洗手池。' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect((await pub('POST', `${P}/proposals/${id}/supports`)).statusCode).toBe(401);
    expect((await pub('POST', `${P}/proposals/${id}/supports`, { resident: tokens[0] })).statusCode).toBe(409);
    await pub('POST', `${P}/proposals/${id}/supports`, { resident: tokens[1] });
    expect((await pub('POST', `${P}/proposals/${id}/supports`, { resident: tokens[1] })).statusCode).toBe(409);
    await pub('POST', `${P}/proposals/${id}/supports`, { resident: tokens[2] });
    const inboxBefore = (await t.call('GET', '/api/v1/participation/inbox', { token: admin })).json().items;
    expect(inboxBefore.map((x: { id: string }) => x.id)).not.toContain(id);

    const crossed = (await pub('POST', `${P}/proposals/${id}/supports`, { resident: tokens[3] })).json();
    expect(crossed.supports).toBe(3);
    expect(new Date(crossed.answerDueAt).getTime()).toBe(t.clock.now().getTime() + 15 * 86_400_000);
    const inbox = (await t.call('GET', '/api/v1/participation/inbox', { token: admin })).json().items;
    const item = inbox.find((x: { id: string }) => x.id === id);
    expect(item).toMatchObject({ answerDueAt: crossed.answerDueAt, overdue: false, daysLeft: 15 });

    const unit = (await t.deps.db.selectFrom('departments').select('code').where('kind', '=', 'functional').orderBy('code').limit(1).executeTakeFirstOrThrow()).code;
    expect((await t.call('POST', `/api/v1/participation/proposals/${id}/answer`, { token: admin, body: { decision: 'work', answer: '  ' } })).statusCode).toBe(400);
    // Without a unit named, the space's responsible unit carries the outcome.
    const answered = await t.call('POST', `/api/v1/participation/proposals/${id}/answer`, { token: admin, body: { decision: 'work', answer: '采纳，由责任单位加装。' } });
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await t.call('POST', `/api/v1/participation/proposals/${id}/answer`, { token: admin, body: { decision: 'reject', answer: '重复' } })).statusCode).toBe(409);
    expect((await t.call('GET', '/api/v1/participation/inbox', { token: admin })).json().items.map((x: { id: string }) => x.id)).not.toContain(id);

    const shown = (await pub('GET', `${P}/proposals/${id}`)).json();
    expect(shown).toMatchObject({ decision: 'work', answer: expect.stringContaining('采纳') });
    expect(shown.resultId).toBeTruthy();
    const progressed = await t.call('POST', `/api/v1/participation/results/${shown.resultId}/progress`, { token: admin, body: { progress: 100, note: '洗手池已安装。' } });
    expect(progressed.statusCode, progressed.body).toBe(200);
    const tracked = (await pub('GET', `${P}/results/${shown.resultId}`)).json();
    expect(tracked).toMatchObject({ status: 'done', progress: 100, responsibleUnit: { code: unit } });
    expect(tracked.updates.at(-1).note).toBe('洗手池已安装。');

    const report = (await t.call('GET', '/api/v1/participation/proposals/by-unit', { token: admin })).json().items;
    expect(report.find((r: { unit: string }) => r.unit === unit).answeredOnTime).toBeGreaterThanOrEqual(1);
  });

  it('an accepted proposal can become a case through the front door, and a rejection carries its reason', async () => {
    const [author] = await peopleOf(community.path, 50, 1);
    const tok = await inPerson(author!);
    const mk = async (title: string) => (await pub('POST', `${P}/proposals`, { resident: tok, body: { spaceId, title, body: `${title}，请社区尽快处理，谢谢。` } })).json().id;
    const a = await mk('东门路面坑洼修补');
    const b = await mk('小区里养一群孔雀');
    const unit = (await t.deps.db.selectFrom('departments').select('code').where('kind', '=', 'functional').orderBy('code').limit(1).executeTakeFirstOrThrow()).code;
    const asCase = await t.call('POST', `/api/v1/participation/proposals/${a}/answer`, { token: admin, body: { decision: 'case', answer: '转为案件办理。', responsibleUnit: unit } });
    expect(asCase.statusCode, asCase.body).toBe(200);
    const code = asCase.json().caseCode;
    expect((await t.call('GET', `/api/v1/public/cases/${code}`)).statusCode).toBe(200);
    const rejected = await t.call('POST', `/api/v1/participation/proposals/${b}/answer`, { token: admin, body: { decision: 'reject', answer: '不符合小区管理规约。' } });
    expect(rejected.json()).toMatchObject({ decision: 'reject', answer: '不符合小区管理规约。', resultId: null });
    // The grid worker's scope is a grid: the community's proposals are not theirs to answer.
    expect((await t.call('GET', '/api/v1/participation/inbox', { token: gridworker })).json().items.every((x: { area: { code: string } }) => x.area.code !== community.code)).toBe(true);
  });

  it('a convention version is adopted by its vote and published as the text in force', async () => {
    const voters = await Promise.all((await peopleOf(community.path, 10, 3)).map((p) => inPerson(p)));
    expect(voters).toHaveLength(3);
    const before = (await pub('GET', `${P}/conventions?area=${community.code}`)).json().items[0];
    expect(before.inForce.version).toBe(1);
    const proposed = await t.call('POST', '/api/v1/participation/conventions', { token: admin, body: { conventionId: before.id, spaceId, body: '一、垃圾分类投放。二、文明养犬。三、电动车不进楼道，不飞线充电。', opensAt: hours(0), closesAt: hours(2) } });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const v2 = proposed.json();
    expect(v2).toMatchObject({ version: 2, status: 'voting' });
    const ballot = (await pub('GET', `${P}/consultations/${v2.consultationId}`)).json();
    const [agree, disagree] = ballot.options.map((o: { id: string }) => o.id);
    for (const [i, tok] of voters.entries()) expect((await pub('POST', `${P}/consultations/${v2.consultationId}/votes`, { resident: tok, body: { choices: [i < 2 ? agree : disagree] } })).statusCode).toBe(201);
    expect((await t.call('POST', `/api/v1/participation/convention-versions/${v2.id}/decide`, { token: admin })).statusCode).toBe(409);
    t.clock.advance(3 * 3_600_000);
    const decided = await t.call('POST', `/api/v1/participation/convention-versions/${v2.id}/decide`, { token: admin });
    expect(decided.json()).toMatchObject({ status: 'adopted', agree: 2, disagree: 1 });
    const after = (await pub('GET', `${P}/conventions?area=${community.code}`)).json().items[0];
    expect(after.inForce).toMatchObject({ version: 2, body: expect.stringContaining('飞线充电') });
  });

  it('comments are rate-limited per resident, reported, and hidden with a logged reason', async () => {
    const [p] = await peopleOf(community.path, 13, 1);
    const tok = await inPerson(p!);
    const open = (await pub('GET', `${P}/consultations?area=${community.code}&state=voting`)).json().items[0];
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await pub('POST', `${P}/consultations/${open.id}/comments`, { resident: tok, body: { body: `意见${i}：建议在东门附近建设` } });
      expect(r.statusCode, r.body).toBe(201);
      ids.push(r.json().id);
    }
    expect((await pub('POST', `${P}/consultations/${open.id}/comments`, { resident: tok, body: { body: '再说一句' } })).statusCode).toBe(429);
    expect((await pub('POST', `${P}/comments/${ids[0]}/reports`, { resident: tok })).statusCode).toBe(204);
    expect((await t.call('POST', `/api/v1/participation/comments/${ids[0]}/hide`, { token: admin, body: { reason: '与议题无关' } })).statusCode).toBe(204);
    const thread = (await pub('GET', `${P}/consultations/${open.id}/comments`)).json().items;
    expect(thread.find((c: { id: string }) => c.id === ids[0])).toMatchObject({ hidden: true, body: null, hiddenReason: '与议题无关', reports: 1 });
    const logged = await t.deps.db.selectFrom('audit_log').select('action').where('action', '=', 'participation.comment_hidden').execute();
    expect(logged.length).toBe(1);
  });

  it('no public response carries a registered name or phone', async () => {
    const spaces = await pub('GET', `${P}/spaces`);
    for (const s of spaces.json().items) await pub('GET', `${P}/proposals?space=${s.id}&pageSize=100`);
    await pub('GET', `${P}/results?pageSize=100`);
    await pub('GET', `${P}/meetings?area=${community.code}`);
    const people = await peopleOf(community.path, 0, 60);
    const text = publicBodies.join('\n');
    for (const p of people) {
      if (p.name && p.name.length >= 2) expect(text.includes(p.name), `name of ${p.id}`).toBe(false);
      expect(text.includes(p.phone)).toBe(false);
      expect(text.includes(p.idNumber)).toBe(false);
    }
  });
});
