import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/harness.ts';
import { actOk, intake } from './cases-support.ts';

// 知识库: the clerk's answer to "how do I…", searched in Chinese; the portal's 办事指南 searches the same items.
let t: TestApp;
let admin: string;
let clerk: string;
beforeAll(async () => {
  t = await createTestApp();
  [admin, clerk] = await Promise.all([t.login('admin'), t.login('clerk')]);
});
afterAll(() => t.close());

type Hit = { id: string; title: string; department: { code: string; name: string } | null; materials: string[]; score: number };
const search = async (q: string, token?: string) => {
  const res = await t.call('GET', `/api/v1/${token ? '' : 'public/'}knowledge/search?q=${encodeURIComponent(q)}`, token ? { token } : {});
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Hit[] }).items;
};

describe('search', () => {
  it('"居住证怎么办理" finds 居住证办理 first, for staff and on the portal', async () => {
    const staff = await search('居住证怎么办理', clerk);
    expect(staff[0]).toMatchObject({ title: '居住证办理', department: { code: 'GA', name: '公安局' } });
    expect(staff[0]!.materials).toContain('居民身份证');
    const portal = await search('居住证怎么办理');
    expect(portal[0]!.title).toBe('居住证办理');
  });

  it('understands what people say (暂住证 → 居住证) and forgives a near miss', async () => {
    expect((await search('暂住证去哪里办', clerk))[0]!.title).toMatch(/居住证/);
    expect((await search('我想问一下结婚登记要带什么', clerk))[0]!.title).toBe('婚姻登记（结婚登记）');
    expect((await search('医保异地备案', clerk))[0]!.title).toBe('医保异地就医备案');
  });

  it('needs a signed-in staff member for the staff search, and a query', async () => {
    expect((await t.call('GET', '/api/v1/knowledge/search?q=居住证')).statusCode).toBe(401);
    expect((await t.call('GET', '/api/v1/knowledge/search?q=', { token: clerk })).statusCode).toBe(400);
  });
});

describe('catalogue management', () => {
  it('admins add, change and remove items; a clerk may not; unpublished items stay off the portal', async () => {
    const body = { title: '夜市摊位临时占道许可', department: 'CGZF', conditions: '街道统一规划的夜市点位', materials: ['身份证', '摊位申请表'], steps: ['街道受理', '城管审批'], fees: '免费', timeLimit: '5个工作日', published: false };
    expect((await t.call('POST', '/api/v1/knowledge/items', { token: clerk, body })).statusCode).toBe(403);
    const created = await t.call('POST', '/api/v1/knowledge/items', { token: admin, body });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await search('夜市摊位', clerk))[0]!.id).toBe(id);
    expect((await search('夜市摊位')).some((h) => h.id === id)).toBe(false);
    const changed = await t.call('PUT', `/api/v1/knowledge/items/${id}`, { token: admin, body: { ...body, title: '夜市摊位占道经营许可', published: true } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect((await search('夜市摊位'))[0]!.title).toBe('夜市摊位占道经营许可');
    expect((await t.call('POST', '/api/v1/knowledge/items', { token: admin, body: { ...body, department: 'NOPE' } })).statusCode).toBe(400);
    expect((await t.call('DELETE', `/api/v1/knowledge/items/${id}`, { token: admin })).statusCode).toBe(204);
    expect((await t.call('GET', `/api/v1/knowledge/items/${id}`, { token: clerk })).statusCode).toBe(404);
  });

  it('imports an XLSX sheet all or nothing', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('事项');
    sheet.addRow(['标题', '部门', '办理条件', '申请材料', '办理时限', '复核日期']);
    sheet.addRow(['游泳场所卫生许可', 'WJ', '经营游泳场所', '营业执照；水质检测报告', '20个工作日', '2027-03-01']);
    sheet.addRow(['', 'WJ', '没有标题的一行', '', '', '']);
    const bad = Buffer.from(await book.xlsx.writeBuffer());
    const headers = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
    const refused = await t.call('POST', '/api/v1/knowledge/import', { token: admin, payload: bad, headers });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json()).toMatchObject({ imported: 0, errors: [{ row: 3 }] });
    expect((await search('游泳场所卫生许可', clerk)).some((h) => h.title === '游泳场所卫生许可')).toBe(false);

    sheet.spliceRows(3, 1);
    const good = Buffer.from(await book.xlsx.writeBuffer());
    const ok = await t.call('POST', '/api/v1/knowledge/import', { token: admin, payload: good, headers });
    expect(ok.json()).toEqual({ imported: 1, errors: [] });
    const hit = (await search('游泳场所卫生许可', clerk))[0]!;
    expect(hit).toMatchObject({ title: '游泳场所卫生许可', materials: ['营业执照', '水质检测报告'] });
    expect((await t.call('POST', '/api/v1/knowledge/import', { token: admin, payload: Buffer.from('not a workbook'), headers })).statusCode).toBe(400);
  });
});

describe('直接办结 from an item', () => {
  it('records which item answered the enquiry', async () => {
    const [item] = await search('居住证怎么办理', clerk);
    const { code } = await intake(t, clerk, { text: '居住证怎么办理', nature: 'consult', reporter: { phone: '13900001111' } });
    // not answered yet: nothing to record
    expect((await t.call('POST', `/api/v1/knowledge/items/${item!.id}/answers`, { token: clerk, body: { caseCode: code } })).statusCode).toBe(409);
    await actOk(t, clerk, code, 'answer', { answer: '带身份证和租房合同到居住地派出所办理居住证。' });
    const res = await t.call('POST', `/api/v1/knowledge/items/${item!.id}/answers`, { token: clerk, body: { caseCode: code } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await t.call('GET', `/api/v1/knowledge/items/${item!.id}`, { token: clerk })).json().uses).toBe(1);
  });
});
