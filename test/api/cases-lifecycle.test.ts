import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyJpeg } from '../../src/server/storage/sample-images.ts';
import { createTestAppWithFiles, type TestApp } from '../support/harness.ts';
import { act, actOk, gridWorkerPoint, intake, loginAll, upload, type Tokens } from './cases-support.ts';

let t: TestApp;
let tok: Tokens;
beforeAll(async () => {
  t = await createTestAppWithFiles('cases', { TOKEN_TTL_HOURS: 24 * 400 }); // tokens outlive the clock moves
  tok = await loginAll(t);
});
afterAll(() => t.close());

const iso = (s: string) => new Date(s).toISOString();

describe('a case from the hotline to the citizen’s rating', () => {
  it('goes through intake, dispatch, objection, re-dispatch, handling, check, closure and rating over HTTP', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const created = await intake(t, tok.clerk, {
      text: '幸福路东段三盏路灯坏了，晚上一片漆黑，我叫张三，电话13812345678',
      category: '0501',
      nature: 'complaint',
      lon: p.lon,
      lat: p.lat,
      reporter: { name: '张三', phone: '138 1234 5678' },
    });
    expect(created.code).toMatch(/^2026112300\d{3}$/);
    expect(created.state).toBe('received');
    expect(created.reporter).toEqual({ anonymous: false, name: '张*', phone: '138****5678', email: null });
    expect(created.location).toMatchObject({ gridCode: p.grid });
    expect(created.ratingToken.length).toBeGreaterThan(20);
    const code = created.code;

    await actOk(t, tok.dispatcher, code, 'file');
    const dispatched = await actOk(t, tok.dispatcher, code, 'dispatch');
    // the catalogue (seeded from the taxonomy) sends 路灯故障 to 市政设施管理处; 72 clock hours from dispatch
    expect(dispatched.department).toEqual({ main: 'SZ', co: [] });
    expect(dispatched.deadlines).toMatchObject({ dueAt: iso('2026-11-26T09:00:00+08:00'), yellowAt: iso('2026-11-25T18:36:00+08:00'), allowedHours: 72, workingTime: false });

    // 退单: a reason is required; the case goes back to the dispatcher and the objection is on record
    expect((await act(t, tok.handler, code, 'object')).json().code).toBe('case.reason_required');
    t.clock.advanceHours(1);
    const returned = await actOk(t, tok.handler, code, 'object', { reason: '该路段路灯属园林绿化局公园照明，非我处管养' });
    expect(returned.state).toBe('returned');
    const inbox = (await t.call('GET', '/api/v1/notifications', { token: tok.dispatcher })).json();
    expect(inbox.items.some((n: { kind: string; caseCode: string }) => n.kind === 'case.objected' && n.caseCode === code)).toBe(true);

    // 改派: the dispatcher checks the catalogue and sends it back with the park office as co-handler
    const redispatched = await actOk(t, tok.dispatcher, code, 'redispatch', { department: 'SZ', coDepartments: ['YL'] });
    expect(redispatched.department).toEqual({ main: 'SZ', co: ['YL'] });
    expect(redispatched.objections).toEqual([expect.objectContaining({ department: 'SZ', by: 'handler.sz', redispatchedTo: 'SZ' })]);
    // re-dispatch does not restart the citizen's clock
    expect(redispatched.deadlines.dueAt).toBe(iso('2026-11-26T09:00:00+08:00'));

    await actOk(t, tok.handler, code, 'accept');
    t.clock.advanceHours(20);
    const photo = await upload(t, tok.handler, code, tinyJpeg({ gps: true }));
    expect(photo.statusCode, photo.body).toBe(201);
    expect(photo.json()).toMatchObject({ kind: 'photo', contentType: 'image/jpeg', locationStripped: true });
    const reported = await actOk(t, tok.handler, code, 'report', { answer: '已更换三盏路灯灯具，恢复照明', attachments: [photo.json().id] });
    expect(reported.state).toBe('reported');
    expect(reported.deadlines.pausedSince).toBe(t.clock.now().toISOString());

    // 核查 of an on-site category needs the grid worker's own photo
    const noPhoto = await act(t, tok.gridworker, code, 'check');
    expect(noPhoto.statusCode).toBe(400);
    expect(noPhoto.json().code).toBe('case.photo_required');
    const sitePhoto = (await upload(t, tok.gridworker, code, tinyJpeg({ gps: true }), 'site.jpg')).json().id as string;
    expect((await actOk(t, tok.gridworker, code, 'check', { attachments: [sitePhoto] })).state).toBe('checked');

    const closed = await actOk(t, tok.dispatcher, code, 'close', { answer: '已修复。如仍有问题请致电处置员李四13900001111或身份证11010519491231002X登记。' });
    expect(closed.state).toBe('closed');
    expect(closed.allowedActions).toEqual(['rate', 'note']); // and a note if the light goes out again

    // the citizen rates with the secret token from intake; a wrong token changes nothing
    const wrong = await t.call('POST', `/api/v1/public/cases/${code}/rating`, { body: { ratingToken: 'x'.repeat(24), rating: 'satisfied' } });
    expect(wrong.statusCode).toBe(403);
    const rated = await t.call('POST', `/api/v1/public/cases/${code}/rating`, { body: { ratingToken: created.ratingToken, rating: 'satisfied', comment: '修得很快' } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ state: 'rated', rating: 'satisfied' });
    const again = await t.call('POST', `/api/v1/public/cases/${code}/rating`, { body: { ratingToken: created.ratingToken, rating: 'unsatisfied' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'case.illegal_transition', state: 'rated' });

    const detail = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['intake', 'file', 'dispatch', 'object', 'redispatch', 'accept', 'report', 'check', 'close', 'rate']);
    expect(detail.timeline.find((e: { action: string }) => e.action === 'object')).toMatchObject({ actor: 'handler.sz', from: 'dispatched', to: 'returned', reason: expect.stringContaining('园林') });
    expect(detail.attachments).toHaveLength(2);

    // every transition is in the tamper-evident audit chain
    const audit = (await t.call('GET', `/api/v1/audit?targetType=case&targetId=${code}&pageSize=50`, { token: tok.admin })).json();
    expect(audit.items.map((a: { action: string }) => a.action).filter((a: string) => !a.startsWith('case.attachment')).reverse()).toEqual(
      ['intake', 'file', 'dispatch', 'object', 'redispatch', 'accept', 'report', 'check', 'close', 'rate'].map((a) => `case.${a}`),
    );
  });

  it('shows the public nothing that identifies a person', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const created = await intake(t, tok.clerk, {
      text: '我是李四，身份证11010519491231002X，电话13698765432，邮箱lisi@example.com，楼下路灯不亮',
      category: '0501',
      lon: p.lon + 0.000123,
      lat: p.lat + 0.000456,
      reporter: { name: '李四', phone: '13698765432', email: 'lisi@example.com' },
    });
    const code = created.code;
    await actOk(t, tok.dispatcher, code, 'file');
    await actOk(t, tok.dispatcher, code, 'dispatch');
    await actOk(t, tok.handler, code, 'accept');
    const photo = (await upload(t, tok.handler, code, tinyJpeg({ gps: true }))).json().id;
    await actOk(t, tok.handler, code, 'report', { answer: '已修复，联系李四13698765432确认', attachments: [photo] });
    await actOk(t, tok.gridworker, code, 'check', { attachments: [photo] });
    await actOk(t, tok.dispatcher, code, 'close');

    const res = await t.call('GET', `/api/v1/public/cases/${code}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const text = res.body;
    for (const leaked of ['李四', '13698765432', '11010519491231002X', 'lisi@example.com', 'handler.sz', 'gridworker', 'dispatcher', 'clerk', '身份证']) expect(text).not.toContain(leaked);
    expect(body).not.toHaveProperty('reporter');
    expect(body).not.toHaveProperty('text');
    expect(body.answer).toContain('[电话已隐去]');
    expect(body.department).toEqual({ code: 'SZ', name: '市政设施管理处', nameEn: 'Municipal Facilities Office' });
    expect(body.location.lon).toBe(Math.round((p.lon + 0.000123) * 1000) / 1000);
    expect(body.location.lat).toBe(Math.round((p.lat + 0.000456) * 1000) / 1000);
    expect(body.timeline.map((e: { action: string }) => e.action)).toEqual(['intake', 'file', 'dispatch', 'accept', 'report', 'check', 'close']);

    // the public photo copy has no EXIF/GPS; the original (staff only) still does
    expect(body.photos).toEqual([photo]);
    const pub = await t.call('GET', `/api/v1/public/cases/${code}/photos/${photo}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.rawPayload.includes(Buffer.from('GPS'))).toBe(false);
    const original = await t.call('GET', `/api/v1/cases/${code}/attachments/${photo}`, { token: tok.dispatcher });
    expect(original.rawPayload.includes(Buffer.from('GPS'))).toBe(true);
    expect((await t.call('GET', `/api/v1/cases/${code}/attachments/${photo}`)).statusCode).toBe(401);

    // staff see masked contacts; clear ones only through an audited reveal with a purpose
    const staff = (await t.call('GET', `/api/v1/cases/${code}`, { token: tok.dispatcher })).json();
    expect(staff.reporter).toEqual({ anonymous: false, name: '李*', phone: '136****5432', email: 'l***@example.com' });
    expect((await t.call('POST', `/api/v1/cases/${code}/reporter/reveal`, { token: tok.handler, body: { purpose: '回访核实' } })).statusCode).toBe(403);
    const clear = await t.call('POST', `/api/v1/cases/${code}/reporter/reveal`, { token: tok.dispatcher, body: { purpose: '回访核实处置结果' } });
    expect(clear.json()).toEqual({ name: '李四', phone: '13698765432', email: 'lisi@example.com' });
    const audit = (await t.call('GET', `/api/v1/audit?action=case.reporter.reveal&targetId=${code}`, { token: tok.admin })).json();
    expect(audit.items[0]).toMatchObject({ actor: 'dispatcher', detail: { purpose: '回访核实处置结果' } });
    // nothing readable is stored: name and phone are ciphertext in the row
    const row = await t.deps.db.selectFrom('cases').select(['reporter_name', 'reporter_phone']).where('code', '=', code).executeTakeFirstOrThrow();
    expect(row.reporter_name).not.toContain('李四');
    expect(row.reporter_phone).not.toContain('13698765432');
    expect((await t.call('GET', '/api/v1/public/cases/2099010100001')).statusCode).toBe(404);
  });

  it('直接办结: a clerk answers a how-to question at once, and only those', async () => {
    const howTo = await intake(t, tok.clerk, { text: '请问居住证在哪里办理，需要什么材料？', nature: 'consult', category: '1901' });
    const answered = await actOk(t, tok.clerk, howTo.code, 'answer', { answer: '携带身份证和租房合同到社区服务中心办理。' });
    expect(answered).toMatchObject({ state: 'closed', answer: '携带身份证和租房合同到社区服务中心办理。' });
    const complaint = await intake(t, tok.clerk, { text: '小区门口垃圾堆了三天没人清运', nature: 'complaint', category: '0101' });
    const refused = await act(t, tok.clerk, complaint.code, 'answer', { answer: '好的' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('case.not_consultation');
    // the clerk does not dispatch
    expect((await act(t, tok.clerk, complaint.code, 'file')).json()).toMatchObject({ status: 403, code: 'auth.forbidden' });
  });

  it('a 不满意 rating reopens the case once after the supervisor’s review, never twice', async () => {
    const p = await gridWorkerPoint(t, tok.gridworker);
    const c = await intake(t, tok.clerk, { text: '人行道地砖松动翘起，老人差点绊倒', category: '0503', lon: p.lon, lat: p.lat, reporter: { phone: '13700001111' } });
    const drive = async () => {
      await actOk(t, tok.handler, c.code, 'accept').catch(() => undefined);
      const ph = (await upload(t, tok.handler, c.code, tinyJpeg({ gps: false }))).json().id;
      await actOk(t, tok.handler, c.code, 'report', { answer: '已重新铺设', attachments: [ph] });
      await actOk(t, tok.gridworker, c.code, 'check', { attachments: [ph] });
      await actOk(t, tok.dispatcher, c.code, 'close');
    };
    await actOk(t, tok.dispatcher, c.code, 'file');
    await actOk(t, tok.dispatcher, c.code, 'dispatch');
    await actOk(t, tok.handler, c.code, 'accept');
    await drive();
    expect((await t.call('POST', `/api/v1/public/cases/${c.code}/rating`, { body: { ratingToken: c.ratingToken, rating: 'unsatisfied', comment: '还是不平' } })).statusCode).toBe(200);
    expect((await act(t, tok.handler, c.code, 'rework', { reason: '重做' })).statusCode).toBe(403);
    const reopened = await actOk(t, tok.dispatcher, c.code, 'rework', { reason: '回访核实仍有翘起，返工' });
    expect(reopened).toMatchObject({ state: 'handling', reworkCount: 1, rating: null });
    await drive();
    expect((await t.call('POST', `/api/v1/public/cases/${c.code}/rating`, { body: { ratingToken: c.ratingToken, rating: 'unsatisfied' } })).statusCode).toBe(200);
    const second = await act(t, tok.dispatcher, c.code, 'rework', { reason: '再次返工' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('case.rework_not_allowed');
  });
});
