import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTriageService } from '../../src/server/triage/service.ts';
import { createTestApp, type TestApp } from '../support/harness.ts';

let t: TestApp;
let clerk: string;
let dispatcher: string;
let centre: [number, number];

beforeAll(async () => {
  t = await createTestApp();
  clerk = await t.login('clerk');
  dispatcher = await t.login('dispatcher');
  centre = (await t.call('GET', '/api/v1/geo/city')).json().center;
  // the template holds the model trained on the very same inputs: mark it so the test can tell a load from a retrain
  await t.deps.db.updateTable('triage_models').set({ built_at: new Date(0) }).execute();
  // the first triage loads the persisted model (a retrain would take seconds); later calls reuse it
  expect((await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '预热' } })).statusCode).toBe(200);
}, 240_000);
afterAll(() => t.close());

describe('persisted model (fast restart)', () => {
  it('the first triage loaded the stored model instead of retraining and saving a new one', async () => {
    const rows = await t.deps.db.selectFrom('triage_models').select(['key', 'built_at']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.built_at.getTime()).toBe(0);
  });
});

describe('POST /api/v1/triage', () => {
  it('answers the PRODUCT.md contract for an appeal it has never seen', async () => {
    const res = await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '我家楼下马路边的窨井盖不知道被谁偷走了，晚上骑车的人很容易掉进去' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.category).toMatchObject({ code: '0502', name: '井盖破损缺失' });
    expect(body.category.confidence).toBeGreaterThan(0.5);
    expect(body.department).toEqual({ code: 'SZ', name: '市政设施管理处' });
    expect(body.urgent).toBe(true);
    expect(typeof body.nature.code).toBe('string');
    expect(body.alternatives.length).toBeGreaterThan(0);
    expect(body.alternatives.every((a: { code: string }) => a.code !== '0502')).toBe(true);
    expect(body.duplicates).toEqual([]);
  });

  it('reads traditional characters and full-width text like simplified', async () => {
    const simplified = (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '小区门口的路灯坏了好几天，晚上一片漆黑' } })).json();
    const traditional = (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '小區門口的路燈壞了好幾天，晚上一片漆黑' } })).json();
    expect(simplified.category.code).toBe('0501');
    expect(traditional.category.code).toBe('0501');
  });

  it('flags life-safety cues as urgent and says why', async () => {
    const gas = (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '楼道里一股很浓的煤气味，好像是哪家燃气管漏了' } })).json();
    expect(gas.urgent).toBe(true);
    expect(gas.category.code).toBe('0702');
  });

  it('proposes open cases nearby with similar text as duplicates', async () => {
    const text = '幸福路与建设街交叉口的井盖丢失了，非常危险，请尽快处理';
    const created = await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text, category: '0502', lon: centre[0], lat: centre[1] } });
    expect(created.statusCode).toBe(201);
    const res = (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '幸福路建设街路口井盖丢了，很危险请快处理', lon: centre[0] + 0.0005, lat: centre[1] } })).json();
    expect(res.duplicates.map((d: { caseCode: string }) => d.caseCode)).toContain(created.json().code);
    // far away, the same words are another matter
    const far = (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '幸福路建设街路口井盖丢了，很危险请快处理', lon: centre[0] + 0.05, lat: centre[1] } })).json();
    expect(far.duplicates).toEqual([]);
  });

  it('refuses roles without triage and bad input', async () => {
    expect((await t.call('POST', '/api/v1/triage', { token: await t.login('handler.sz'), body: { text: '路灯坏了' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/triage', { body: { text: '路灯坏了' } })).statusCode).toBe(401);
    expect((await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '' } })).json().code).toBe('request.invalid');
    expect((await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: '路灯', lon: 120 } })).json().code).toBe('triage.bad_location');
  });
});

describe('learning from dispatcher corrections', () => {
  const odd = '天桥下面那个卖烤红薯的三轮车天天占着盲道';

  it('a correction changes the answer at once, is stored, audited, and learned by a fresh node', async () => {
    const before = (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: odd } })).json().category.code;
    const target = before === '0402' ? '0401' : '0402';
    const res = await t.call('POST', '/api/v1/triage/corrections', { token: dispatcher, body: { text: odd, category: target, nature: 'complaint' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ predicted: before, category: target });
    // repeated corrections teach a stubborn case
    for (let i = 0; i < 5 && (await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: odd } })).json().category.code !== target; i++) {
      await t.call('POST', '/api/v1/triage/corrections', { token: dispatcher, body: { text: odd, category: target } });
    }
    expect((await t.call('POST', '/api/v1/triage', { token: clerk, body: { text: odd } })).json().category.code).toBe(target);

    const audit = (await t.call('GET', '/api/v1/audit?action=triage.correct', { token: await t.login('admin') })).json();
    expect(audit.total).toBeGreaterThan(0);

    // another node (or this one after a restart) replays the stored corrections
    const other = createTriageService(t.deps, { taxonomy: loadTaxonomy() });
    const actor = { id: null, username: 'test', roles: ['clerk'], scopePath: '990100', departmentCode: null, permissions: new Set(['triage.use'] as const) };
    const stored = await t.deps.db.selectFrom('triage_models').select('key').executeTakeFirstOrThrow();
    expect((await other.triage(actor, { text: odd })).category.code).toBe(target);
    // corrections are training input: the other node found no model for them, trained, and replaced the stored one
    const after = await t.deps.db.selectFrom('triage_models').select(['key', 'built_at']).execute();
    expect(after).toHaveLength(1);
    expect(after[0]!.key).not.toBe(stored.key);
    expect(after[0]!.built_at.getTime()).toBe(t.deps.clock.now().getTime());
    // and a third node now loads that one (marked: a retrain would overwrite built_at), with the same answer
    await t.deps.db.updateTable('triage_models').set({ built_at: new Date(0) }).execute();
    const third = createTriageService(t.deps, { taxonomy: loadTaxonomy() });
    expect((await third.triage(actor, { text: odd })).category.code).toBe(target);
    expect((await t.deps.db.selectFrom('triage_models').select('built_at').executeTakeFirstOrThrow()).built_at.getTime()).toBe(0);
  }, 240_000);

  it('only dispatchers correct, and only to categories that exist; nothing is stored otherwise', async () => {
    const count = async () => (await t.deps.db.selectFrom('triage_corrections').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    const n = await count();
    expect((await t.call('POST', '/api/v1/triage/corrections', { token: clerk, body: { text: odd, category: '0401' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/triage/corrections', { token: dispatcher, body: { text: odd, category: '9999' } })).json().code).toBe('triage.unknown_category');
    expect((await t.call('POST', '/api/v1/triage/corrections', { token: dispatcher, body: { text: odd, category: '0401', nature: 'gossip' } })).json().code).toBe('triage.unknown_nature');
    expect(await count()).toBe(n);
  });

  it('stores corrections with personal data masked', async () => {
    await t.call('POST', '/api/v1/triage/corrections', { token: dispatcher, body: { text: '我电话13812345678，身份证110105194912310025，楼下噪音扰民', category: '0801' } });
    const rows = await t.deps.db.selectFrom('triage_corrections').select('text').execute();
    expect(rows.some((r) => r.text.includes('13812345678') || r.text.includes('110105194912310025'))).toBe(false);
  });
});
