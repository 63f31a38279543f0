import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/access/permissions.ts';
import { createServices } from '../../src/server/services.ts';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { loadTaxonomy } from '../../src/server/taxonomy/taxonomy.ts';
import { createTestAppWithFiles, type TestApp } from '../support/harness.ts';
import { act, actOk, gridWorkerPoint, intake, loginAll, pointIn, upload, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestAppWithFiles('intake');
  tok = await loginAll(t);
});
afterAll(() => t.close());

const countCases = async () => Number((await t.deps.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('intake', () => {
  it('answers with the case exactly as stored', async () => {
    const p = await pointIn(t, '990105');
    const created = await intake(t, tok.clerk, {
      text: '小区东门的井盖松动，踩上去会响',
      category: '0102',
      nature: 'complaint',
      priority: 2,
      address: '幸福路 18 号东门',
      reporter: { name: '周晓明', phone: '13912345678', email: 'zhou@example.cn' },
      ...p,
    });
    const stored = (await t.call('GET', `/api/v1/cases/${created.code}`, { token: tok.clerk })).json();
    const { ratingToken, ratingCode, duplicates, ...view } = created;
    expect(ratingToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(ratingCode).toMatch(/^[0-9]{6}$/); // 评价码 to read to the caller
    expect(duplicates).toEqual([]);
    expect(view).toEqual(stored);
    expect(stored).toMatchObject({ priority: 2, nature: 'complaint', location: { address: '幸福路 18 号东门', gridCode: p.grid }, reporter: { anonymous: false, phone: '139****5678' } });
  });

  it('the batch function writes every column a case must have (migration 0012 keeps up with the table)', async () => {
    const required = await sql<{ column_name: string }>`
      select column_name from information_schema.columns
      where table_name = 'cases' and table_schema = current_schema() and is_nullable = 'NO' and column_default is null`.execute(t.deps.db);
    const source = (await sql<{ def: string }>`select pg_get_functiondef('case_intake'::regproc) as def`.execute(t.deps.db)).rows[0]!.def;
    const inserted = /insert into cases \(([^)]*)\)/.exec(source)![1]!.split(',').map((c) => c.trim());
    expect(required.rows.length).toBeGreaterThan(5);
    for (const { column_name } of required.rows) expect(inserted, column_name).toContain(column_name);
  });

  it('gives daily sequential public codes and resolves the point to grid and H3 cell', async () => {
    const p = await pointIn(t, '990105');
    const a = await intake(t, tok.clerk, { text: '西湖区某小区门口占道经营', category: '0401', ...p });
    const b = await intake(t, tok.clerk, { text: '西湖区某路口机动车乱停放', category: '0403', ...p });
    expect(Number(b.code) - Number(a.code)).toBe(1);
    expect(a.code.slice(0, 8)).toBe('20261123');
    expect(a.location).toMatchObject({ gridCode: p.grid, lon: p.lon, lat: p.lat });
    expect((a.location as { h3: string }).h3).toMatch(/^89[0-9a-f]+$/);
    expect(a.reporter).toEqual({ anonymous: true, name: null, phone: null, email: null });
  });

  it('40 intakes at once get 40 distinct consecutive codes and leave the audit chain intact', async () => {
    const p = await pointIn(t, '990106');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.call('POST', '/api/v1/cases', { token: tok.clerk, body: { channel: 'hotline', text: `并发受理第${i}件：道路破损`, category: '0503', ...p } })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(40).fill(201));
    const codes = results.map((r) => Number(r.json().code)).sort((a, b) => a - b);
    expect(new Set(codes).size).toBe(40);
    expect(codes[39]! - codes[0]!).toBe(39);
    const verify = await t.call('GET', '/api/v1/audit/verify', { token: tok.admin });
    expect(verify.json()).toMatchObject({ ok: true });
    const intakeEntries = (await t.call('GET', '/api/v1/audit?action=case.intake&pageSize=200', { token: tok.admin })).json();
    for (const c of codes) expect(intakeEntries.items.map((a: { targetId: string }) => a.targetId)).toContain(String(c));
  });

  it('refuses a point outside the city unless an address is given, and bad input changes nothing', async () => {
    const before = await countCases();
    const outside = await t.call('POST', '/api/v1/cases', { token: tok.clerk, body: { channel: 'hotline', text: '路灯坏了', lon: 116.4, lat: 39.9 } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().code).toBe('case.outside_city');
    for (const [body, code] of [
      [{ channel: 'hotline', text: '' }, 'request.invalid'],
      [{ channel: 'hotline', text: '路灯坏了', category: '9999' }, 'case.unknown_category'],
      [{ channel: 'hotline', text: '路灯坏了', reporter: { phone: '12345' } }, 'case.bad_phone'],
      [{ channel: 'hotline', text: '路灯坏了', lon: 120.5 }, 'case.bad_location'],
      [{ channel: 'hotline', text: '路灯坏了', reporter: { anonymous: true, phone: '13812345678' } }, 'case.anonymous_with_contact'],
    ] as const) {
      const res = await t.call('POST', '/api/v1/cases', { token: tok.clerk, body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe(code);
    }
    expect(await countCases()).toBe(before);
    const withAddress = await intake(t, tok.clerk, { text: '外地来电反映本市某路段问题', lon: 116.4, lat: 39.9, address: '示范市幸福路88号' });
    expect(withAddress.location).toMatchObject({ lon: null, lat: null, gridCode: null, address: '示范市幸福路88号' });
  });

  it('each role files only through its own channels', async () => {
    expect((await t.call('POST', '/api/v1/cases', { token: tok.gridworker, body: { channel: 'hotline', text: '巡查发现问题' } })).json().code).toBe('case.channel_not_allowed');
    expect((await t.call('POST', '/api/v1/cases', { token: tok.clerk, body: { channel: 'open311', text: '外部系统' } })).statusCode).toBe(403);
    expect((await t.call('POST', '/api/v1/cases', { token: tok.handler, body: { channel: 'hotline', text: '处置员' } })).json().code).toBe('auth.forbidden');
    expect((await t.call('POST', '/api/v1/cases', { body: { channel: 'web', text: '匿名' } })).statusCode).toBe(401);
    const p = await gridWorkerPoint(t, tok.gridworker);
    const patrol = await intake(t, tok.gridworker, { channel: 'gridworker', text: '巡查发现井盖缺失', category: '0502', ...p });
    expect(patrol).toMatchObject({ channel: 'gridworker', urgent: true, priority: 1 });
  });

  it('uses the injected classifier when no category is given, and leaves unsure texts to the dispatcher', async () => {
    const taxonomy = loadTaxonomy();
    const city = systemActor('990100', 'iot');
    const sure = createServices(t.deps, taxonomy, { classify: () => ({ category: { code: '0705', confidence: 0.92 }, nature: { code: 'help' }, urgent: true }) }).cases;
    const unsure = createServices(t.deps, taxonomy, { classify: () => ({ category: { code: '0705', confidence: 0.2 }, nature: { code: 'help' }, urgent: false }) }).cases;
    const a = await sure.intake(city, { channel: 'iot', text: '水位传感器报警：道路积水0.45米' });
    expect(a.case).toMatchObject({ category: '0705', nature: 'help', urgent: true });
    const b = await unsure.intake(city, { channel: 'iot', text: '不明报警' });
    expect(b.case.category).toBeNull();
  });
});

describe('scope', () => {
  it('an address without a point is placed by the houses registered there (地址落格), never guessed', async () => {
    const house = await t.deps.db.selectFrom('houses').select(['address', 'grid_code', 'lon', 'lat']).where('grid_code', 'like', '990102%').orderBy('grid_code').orderBy('address_key').executeTakeFirstOrThrow();
    const door = /^(.*?号)/.exec(house.address)![1]!; // 东城区幸福路1号: the door, every flat behind it
    const flat = await intake(t, tok.clerk, { text: '楼道灯坏了', category: '0501', address: house.address.replace(/(\d+)室$/, '$1') });
    expect(flat.location).toMatchObject({ gridCode: house.grid_code, lon: house.lon, lat: house.lat });
    expect((flat.timeline as { payload: { placedBy: string } }[])[0]!.payload.placedBy).toBe('address');
    const building = await intake(t, tok.clerk, { text: '小区门口垃圾', category: '0101', address: door });
    expect(building.location).toMatchObject({ gridCode: house.grid_code });
    // the district's own dispatcher sees both; without the district the same road and number is in every district
    const east = (await t.call('GET', `/api/v1/cases/${building.code}`, { token: tok.east })).json();
    expect(east.code).toBe(building.code);
    const ambiguous = await intake(t, tok.clerk, { text: '路面坑洼', category: '0503', address: door.replace(/^东城区/, '') });
    expect(ambiguous.location).toMatchObject({ gridCode: null, lon: null, lat: null });
    const unknown = await intake(t, tok.clerk, { text: '路面坑洼', category: '0503', address: '东城区无名路999号' });
    expect(unknown.location).toMatchObject({ gridCode: null });
    expect((await t.call('GET', `/api/v1/cases/${unknown.code}`, { token: tok.east })).statusCode).toBe(404); // city-level: the command centre decides
  });

  it('dispatcher.east never sees a 西湖区 (990105) case, in lists, details or actions', async () => {
    const west = await intake(t, tok.clerk, { text: '西湖区路面破损', category: '0503', ...(await pointIn(t, '990105', 1)) });
    const east = await intake(t, tok.clerk, { text: '东城区路面破损', category: '0503', ...(await pointIn(t, '990102', 1)) });
    const list = (await t.call('GET', '/api/v1/cases?pageSize=200', { token: tok.east })).json();
    const codes = list.items.map((i: { code: string }) => i.code);
    expect(codes).toContain(east.code);
    expect(codes).not.toContain(west.code);
    expect((await t.call('GET', `/api/v1/cases/${west.code}`, { token: tok.east })).statusCode).toBe(404);
    expect((await act(t, tok.east, west.code, 'file')).statusCode).toBe(404);
    expect((await t.call('GET', '/api/v1/cases?grid=990105', { token: tok.east })).json().total).toBe(0);
    const city = (await t.call('GET', '/api/v1/cases?grid=990105&state=received&category=0503', { token: tok.dispatcher })).json();
    expect(city.items.map((i: { code: string }) => i.code)).toContain(west.code);
    expect(city.items.every((i: { state: string; category: { code: string } }) => i.state === 'received' && i.category.code === '0503')).toBe(true);
  });

  it('lists are paged with filters for source and urgency', async () => {
    const res = (await t.call('GET', '/api/v1/cases?page=1&pageSize=2&source=hotline', { token: tok.dispatcher })).json();
    expect(res).toMatchObject({ page: 1, pageSize: 2 });
    expect(res.items.length).toBeLessThanOrEqual(2);
    expect(res.total).toBeGreaterThan(2);
    expect(res.items.every((i: { channel: string }) => i.channel === 'hotline')).toBe(true);
    const urgent = (await t.call('GET', '/api/v1/cases?urgent=true&pageSize=200', { token: tok.dispatcher })).json();
    expect(urgent.items.every((i: { urgent: boolean }) => i.urgent)).toBe(true);
    expect((await t.call('GET', '/api/v1/cases?state=nonsense', { token: tok.dispatcher })).statusCode).toBe(400);
  });
});

describe('duplicates (并单)', () => {
  it('proposes near, recent, similar open cases, and a merge delivers the main case’s outcome to both reporters', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const first = await intake(t, tok.clerk, { text: '幸福路和建设街交叉口的垃圾堆了好几天没人清理，臭气熏天', category: '0101', ...p, reporter: { phone: '13811110000' } });
    expect(first.duplicates).toEqual([]);
    const second = await intake(t, tok.clerk, { text: '幸福路建设街路口垃圾好几天没清理了，很臭', category: '0101', lon: p.lon + 0.0004, lat: p.lat + 0.0003, reporter: { phone: '13822220000' } });
    expect(second.duplicates.map((d) => d.caseCode)).toEqual([first.code]);
    expect(second.duplicates[0]!.score).toBeGreaterThan(0.4);
    const unrelated = await intake(t, tok.clerk, { text: '楼下路灯不亮已经一周', category: '0101', ...p });
    expect(unrelated.duplicates).toEqual([]);
    const far = await intake(t, tok.clerk, { text: '幸福路和建设街交叉口的垃圾堆了好几天没人清理', category: '0101', lon: p.lon + 0.02, lat: p.lat });
    expect(far.duplicates.map((d) => d.caseCode)).not.toContain(first.code);
    const probe = (await t.call('GET', `/api/v1/cases/duplicates?text=${encodeURIComponent('建设街路口垃圾没人清理')}&lon=${p.lon}&lat=${p.lat}`, { token: tok.dispatcher })).json();
    expect(probe.map((d: { caseCode: string }) => d.caseCode)).toEqual(expect.arrayContaining([first.code, second.code]));

    const merged = await actOk(t, tok.dispatcher, second.code, 'merge', { into: first.code });
    expect(merged).toMatchObject({ state: 'merged', mergedInto: first.code });
    const intoMerged = await act(t, tok.dispatcher, first.code, 'merge', { into: second.code });
    expect(intoMerged.json()).toMatchObject({ status: 409, code: 'case.bad_merge_target', state: 'merged' });

    await actOk(t, tok.dispatcher, first.code, 'file');
    await actOk(t, tok.dispatcher, first.code, 'dispatch');
    await actOk(t, tok.admin, first.code, 'accept');
    const photo = (await upload(t, tok.gridworker, first.code, tinyJpeg({ gps: true }))).json().id;
    await actOk(t, tok.admin, first.code, 'report', { answer: '已清运垃圾4车' });
    await actOk(t, tok.gridworker, first.code, 'check', { attachments: [photo] });
    await actOk(t, tok.dispatcher, first.code, 'close', { answer: '已清运并设置垃圾临时收集点。' });

    const dup = (await t.call('GET', `/api/v1/public/cases/${second.code}`)).json();
    expect(dup).toMatchObject({ state: 'closed', answer: '已清运并设置垃圾临时收集点。', mergedInto: first.code });
    for (const code of [first.code, second.code]) {
      const outbox = await t.services.notifications.forReporter(code);
      expect(outbox.map((n) => n.kind), code).toEqual(['case.outcome']);
    }
    // the merged reporter rates their own case with their own token
    const rated = await t.call('POST', `/api/v1/public/cases/${second.code}/rating`, { body: { ratingToken: second.ratingToken, rating: 'basically_satisfied' } });
    expect(rated.json()).toMatchObject({ state: 'rated', rating: 'basically_satisfied' });
  });
});

describe('attachments', () => {
  it('checks the type by content and the size, and keeps the EXIF-free public copy apart', async () => {
    const c = await intake(t, tok.clerk, { text: '附件测试', category: '0101', ...(await pointIn(t, '990102', 2)) });
    const html = await upload(t, tok.clerk, c.code, Buffer.from('<html><script>alert(1)</script></html>'), 'evil.jpg');
    expect(html.statusCode).toBe(415);
    expect(html.json().code).toBe('attachment.unsupported_type');
    expect((await upload(t, tok.clerk, c.code, Buffer.alloc(0))).json().code).toBe('attachment.empty');
    const big = Buffer.concat([tinyJpeg({ gps: false }), Buffer.alloc(11 * 1024 * 1024)]);
    const tooBig = await upload(t, tok.clerk, c.code, big);
    expect(tooBig.statusCode).toBe(413);
    const pdf = await upload(t, tok.clerk, c.code, Buffer.from('%PDF-1.7\n%%EOF'), '材料.pdf');
    expect(pdf.json()).toMatchObject({ kind: 'document', contentType: 'application/pdf', locationStripped: false });
    expect((await upload(t, tok.leader, c.code, tinyJpeg({ gps: false }))).statusCode).toBe(403);
    // a document is never offered publicly
    expect((await t.call('GET', `/api/v1/public/cases/${c.code}/photos/${pdf.json().id}`)).statusCode).toBe(404);
    // an attachment of another case cannot be cited as evidence
    const other = await intake(t, tok.clerk, { text: '另一案件', category: '1101' });
    expect((await act(t, tok.dispatcher, other.code, 'void', { reason: '测试', attachments: [pdf.json().id] })).json().code).toBe('case.unknown_attachment');
  });
});

describe('live feed', () => {
  it('streams case changes as server-sent events, filtered by the viewer’s scope', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const controller = new AbortController();
    const res = await fetch(`${address}/api/v1/cases/stream`, { headers: { authorization: `Bearer ${tok.east}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const west = await intake(t, tok.clerk, { text: '西湖区事件', category: '0101', ...(await pointIn(t, '990105', 2)) });
    const east = await intake(t, tok.clerk, { text: '东城区事件', category: '0101', ...(await pointIn(t, '990102', 3)) });
    await actOk(t, tok.dispatcher, east.code, 'file');
    let text = '';
    const deadline = Date.now() + 5_000;
    while (!text.includes('"action":"file"') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    const events = text.split('\n\n').filter((b) => b.includes('event: case')).map((b) => JSON.parse(b.split('data: ')[1]!));
    expect(events.map((e) => [e.code, e.action])).toEqual([
      [east.code, 'intake'],
      [east.code, 'file'],
    ]);
    expect(text).not.toContain(west.code);
    expect(events[0]).not.toHaveProperty('areaPath');
  });
});
