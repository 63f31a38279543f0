import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { choose, jsErrors, mapReady, person, shot, signIn, useStage } from './browser.ts';

/**
 * The organiser (the demo grid worker, who holds participation.organise for their grid) runs participation from
 * the console alone: opens a space for the grid picked on the area tree, creates a consultation with documents,
 * a point on the map, a multiple-choice poll and a timetable (an out-of-order one is refused with the server's
 * message first), adds a meeting and then its minutes; the public API and the portal show it with its meeting.
 * Progress reported on an accepted outcome shows on the public results. On a phone, the portal's map of the
 * resident's community draws the consultations as points, and tapping one opens it. A convention drafted in the
 * console is adopted by its vote, and a reported comment is hidden from the moderation queue with a reason.
 */
const DAY = 86_400_000;
let created: { id: string; lon: number; lat: number } | null = null;
let grid: { code: string; name: string; path: string };
let resultId: string;
let residentToken: string;

const stage = useStage(async ({ t }) => {
  grid = await t.deps.db.selectFrom('areas').select(['code', 'name', sql<string>`path::text`.as('path')]).where('level', '=', 'grid').orderBy('code').limit(1).executeTakeFirstOrThrow();
  // Arrange an outcome in the grid to report on: a resident's proposal accepted as a work item (the inbox flow
  // itself is test/api/participation.test.ts's); the resident is verified in person by the grid worker.
  const gw = await t.login('gridworker');
  const person = await t.deps.db.selectFrom('people').select('id').where(sql<boolean>`area_path <@ ${grid.path}::ltree`).orderBy('id').limit(1).executeTakeFirstOrThrow();
  const verified = await t.call('POST', '/api/v1/participation/residents', { token: gw, body: { personId: person.id } });
  expect(verified.statusCode, verified.body).toBe(201);
  residentToken = verified.json().token;
  const space = (await t.call('GET', '/api/v1/public/participation/spaces')).json().items.find((s: { area: { code: string } }) => s.area.code === grid.code);
  const proposed = await t.call('POST', '/api/v1/public/participation/proposals', { headers: { 'x-resident-token': residentToken }, body: { spaceId: space.id, title: '楼道照明改造', body: '楼道声控灯坏了好几盏，晚上上下楼很不方便。' } });
  expect(proposed.statusCode, proposed.body).toBe(201);
  const unit = (await t.deps.db.selectFrom('departments').select('code').where('kind', '=', 'functional').orderBy('code').limit(1).executeTakeFirstOrThrow()).code;
  const answered = await t.call('POST', `/api/v1/participation/proposals/${proposed.json().id}/answer`, { token: gw, body: { decision: 'work', answer: '采纳：更换楼道灯具。', responsibleUnit: unit } });
  expect(answered.statusCode, answered.body).toBe(200);
  resultId = answered.json().resultId;
}, 180_000);

/** A moment as the datetime-local inputs take it: the city's wall-clock time (UTC+8), as the console reads them. */
const local = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 16);

describe('participation from the organiser’s console', () => {
  it('space → consultation with options, place and timetable → meeting and minutes → public; progress on an outcome', async () => {
    const { t } = stage;
    const now = t.clock.now().getTime();
    const { page } = await person(stage);
    await signIn(page, 'gridworker');
    await page.goto('/participation');

    // A space for the grid, picked on the area tree (the grid worker's scope is that one grid).
    await page.getByRole('tab', { name: '议事空间' }).click();
    await page.getByTestId('new-space').click();
    const dialog = page.getByRole('dialog');
    await choose(page, dialog.getByLabel('所属区域'), grid.code, new RegExp(grid.code));
    await dialog.getByLabel('空间名称').fill('楼栋议事会');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByRole('cell', { name: '楼栋议事会' }).waitFor();

    // The consultation in it.
    await page.getByRole('tab', { name: '议事', exact: true }).click();
    await page.getByTestId('new-consultation').click();
    await choose(page, dialog.getByLabel('议事空间', { exact: true }), '楼栋议事会', /^楼栋议事会/);
    await dialog.getByLabel('议事标题').fill('楼顶晾晒区改造方案');
    await dialog.getByLabel('议题', { exact: true }).fill('楼顶晾晒区怎么用');
    await dialog.getByLabel('议题背景').fill('楼顶晾晒区年久失修，居民希望改造。');
    await dialog.getByRole('button', { name: '添加材料' }).click();
    await dialog.getByLabel('材料名称').fill('现场照片');
    await dialog.getByLabel('材料地址').fill('/docs/screenshots/portal-home.png');
    await dialog.getByLabel('地点', { exact: true }).fill('5号楼楼顶');
    await mapReady(page);
    const map = dialog.getByTestId('map');
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    // off the centre, where the demo's own grid consultation sits
    await page.mouse.click(box.x + box.width / 2 + 40, box.y + box.height / 2 + 25);
    await dialog.getByText(/已选地点：/).waitFor();
    await dialog.getByText('多选', { exact: true }).click();
    await dialog.getByLabel('最多可选').fill('2');
    await dialog.getByLabel('选项 1').fill('改为共享晾晒区');
    await dialog.getByLabel('选项 2').fill('加装防雨棚');
    await dialog.getByRole('button', { name: '添加选项' }).click();
    await dialog.getByLabel('选项 3').fill('维持现状');
    await dialog.getByLabel('提议开始').fill(local(now - DAY));
    await dialog.getByLabel('协商开始').fill(local(now + 2 * DAY));
    // the vote may not open before the deliberation: the form says so with the server's message, and sends nothing
    await dialog.getByLabel('投票开始').fill(local(now + DAY));
    await dialog.getByLabel('投票截止').fill(local(now + 9 * DAY));
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.getByText('议事流程时间须依次为：提议 ≤ 协商 ≤ 投票开始 < 投票截止 ≤ 结果公布').waitFor();
    await dialog.getByLabel('投票开始').fill(local(now + 3 * DAY));
    await shot(page, 'participation-console-new');
    const saved = page.waitForResponse((r) => /\/spaces\/[^/]+\/consultations$/.test(r.url()) && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    const res = await saved;
    expect(res.status()).toBe(201);
    const body = (await res.json()) as { id: string; lon: number; lat: number; kind: string; maxChoices: number };
    expect(body).toMatchObject({ kind: 'multiple', maxChoices: 2 });
    created = { id: body.id, lon: body.lon, lat: body.lat };
    const at = (await t.call('GET', `/api/v1/geo/locate?lon=${body.lon}&lat=${body.lat}`)).json();
    expect(at.grid.code).toBe(grid.code);

    // The drawer opens on it: options without a tally before the close; a meeting, then its minutes.
    const drawer = page.getByTestId('consultation-drawer');
    await drawer.waitFor();
    expect(await drawer.getByTestId('consultation-tally').getByText('投票结束后显示').count()).toBe(3);
    const meetingAt = local(now + 2 * DAY + 3_600_000);
    await drawer.getByLabel('会议时间').fill(meetingAt);
    await drawer.getByLabel('会议地点').fill('5号楼架空层');
    await drawer.getByRole('button', { name: '添加会议' }).click();
    const meetings = drawer.getByTestId('consultation-meetings');
    // listed at the time typed: inputs and lists are both in the city's time
    await meetings.getByText(`${meetingAt.replace('T', ' ')} · 5号楼架空层`).waitFor();
    await meetings.getByRole('button', { name: '上传纪要' }).click();
    await meetings.getByLabel('会议纪要').fill('到会12户，倾向共享晾晒区并加装防雨棚。');
    await meetings.getByRole('button', { name: '保存纪要' }).click();
    await meetings.getByText('会议纪要：到会12户，倾向共享晾晒区并加装防雨棚。').waitFor();
    await shot(page, 'participation-console-drawer');

    const pub = (await t.call('GET', `/api/v1/public/participation/consultations/${body.id}`)).json();
    expect(pub).toMatchObject({ title: '楼顶晾晒区改造方案', state: 'proposal', place: '5号楼楼顶', references: [{ title: '现场照片', url: '/docs/screenshots/portal-home.png' }] });
    expect(pub.options.map((o: { label: string }) => o.label)).toEqual(['改为共享晾晒区', '加装防雨棚', '维持现状']);
    expect(pub.meetings).toEqual([expect.objectContaining({ place: '5号楼架空层', startsAt: new Date(now + 2 * DAY + 3_600_000 - ((now + 2 * DAY + 3_600_000) % 60_000)).toISOString(), minutes: '到会12户，倾向共享晾晒区并加装防雨棚。' })]);
    await page.goto(`/portal/participation/consultations/${body.id}`);
    await page.getByText('会议纪要：到会12户，倾向共享晾晒区并加装防雨棚。').waitFor();

    // Progress on the accepted outcome, reported from the console, is what the public results say.
    await page.goto('/participation');
    await page.getByRole('tab', { name: '办理结果' }).click();
    await page.getByRole('row', { name: /楼道照明改造/ }).getByRole('button', { name: '报告进展' }).click();
    await page.getByRole('dialog').getByLabel('完成进度').fill('60');
    await page.getByRole('dialog').getByLabel('进展说明（公开）').fill('已更换5盏声控灯，其余灯具下周到货。');
    await page.getByRole('dialog').getByRole('button', { name: /提\s*交/ }).click();
    await page.getByRole('row', { name: /楼道照明改造/ }).getByText('60%').waitFor();
    const result = (await t.call('GET', `/api/v1/public/participation/results/${resultId}`)).json();
    expect(result).toMatchObject({ progress: 60, status: 'in_progress' });
    expect(result.updates.at(-1)).toMatchObject({ progress: 60, note: '已更换5盏声控灯，其余灯具下周到货。' });
    expect(jsErrors(page)).toEqual([]);
  }, 60_000);

  it('on a phone, the map of my community shows its consultations as points; tapping one opens it', async () => {
    const { t } = stage;
    expect(created).not.toBeNull();
    // The resident verified in the setup, signed in on this phone as the portal keeps it (localStorage).
    const me = (await t.call('GET', '/api/v1/public/participation/residents/me', { headers: { 'x-resident-token': residentToken } })).json();
    const session = { token: residentToken, expiresAt: new Date(Date.now() + DAY).toISOString(), resident: me };
    const { page } = await person(stage, { phone: true });
    await page.addInitScript((s) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('civicgrid.resident', s), JSON.stringify(session));
    await page.goto('/portal/participation');
    await page.getByRole('tab', { name: '议事地图' }).click();
    await mapReady(page);
    const map = page.getByTestId('consultation-map').getByTestId('map');
    const community = me.areas.find((a: { level: string }) => a.level === 'community');
    const placed = ((await t.call('GET', `/api/v1/public/participation/consultations?area=${community.code}&pageSize=100`)).json().items as { id: string; lon: number | null }[]).filter((c) => c.lon !== null).map((c) => c.id);
    expect(placed).toContain(created!.id);
    const drawn = () =>
      map.evaluate((el) => {
        const m = (el as unknown as { maplibre: import('maplibre-gl').Map }).maplibre;
        return [...new Set(m.queryRenderedFeatures({ layers: ['points'] }).map((f) => String(f.properties?.id)))].sort();
      });
    await expect.poll(drawn, { timeout: 15_000 }).toEqual([...placed].sort());
    expect(await page.getByTestId('map-consultation').count()).toBe(placed.length);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot(page, 'participation-map-phone');

    // Tap the new consultation's dot: the one point under the finger is it.
    const px = await map.evaluate((el, c) => {
      const m = (el as unknown as { maplibre: import('maplibre-gl').Map }).maplibre;
      const p = m.project([c.lon, c.lat]);
      return { x: p.x, y: p.y, ids: m.queryRenderedFeatures([p.x, p.y], { layers: ['points'] }).map((f) => String(f.properties?.id)) };
    }, created!);
    expect(px.ids[0]).toBe(created!.id);
    const box = (await map.boundingBox())!;
    await page.touchscreen.tap(box.x + px.x, box.y + px.y);
    await page.waitForURL(`**/portal/participation/consultations/${created!.id}`);
    await page.getByText('楼顶晾晒区改造方案').first().waitFor();
    expect(jsErrors(page)).toEqual([]);
  }, 40_000);
  it('a proposal over its threshold is answered from the inbox by opening a consultation on it (转为议事)', async () => {
    const { t } = stage;
    const now = t.clock.now().getTime();
    const gw = await t.login('gridworker');
    const space = (await t.call('GET', '/api/v1/public/participation/spaces')).json().items.find((s: { area: { code: string }; title: string }) => s.area.code === grid.code && s.title === '网格微议事');
    const proposed = await t.call('POST', '/api/v1/public/participation/proposals', { headers: { 'x-resident-token': residentToken }, body: { spaceId: space.id, title: '小区增设充电桩', body: '电动车充电难，飞线充电很危险，希望增设集中充电桩。' } });
    expect(proposed.statusCode, proposed.body).toBe(201);
    // neighbours verified in person by the grid worker support it until it reaches the space's threshold
    const neighbours = await t.deps.db.selectFrom('people').select('id').where(sql<boolean>`area_path <@ ${grid.path}::ltree`).orderBy('id').offset(1).limit(space.supportThreshold ?? 5).execute();
    for (const n of neighbours) {
      const v = await t.call('POST', '/api/v1/participation/residents', { token: gw, body: { personId: n.id } });
      const s = await t.call('POST', `/api/v1/public/participation/proposals/${proposed.json().id}/supports`, { headers: { 'x-resident-token': v.json().token } });
      if (s.statusCode === 201 && s.json().thresholdReachedAt) break;
    }
    const { page } = await person(stage);
    await signIn(page, 'gridworker');
    await page.goto('/participation');
    await page.getByRole('row', { name: /小区增设充电桩/ }).getByRole('button', { name: /答\s*复/ }).click();
    const answer = page.getByRole('dialog');
    await choose(page, answer.getByLabel('答复', { exact: true }), '转为议事', '采纳：转为议事');
    await answer.getByLabel('答复内容（不予采纳时写明理由）').fill('采纳，组织居民协商充电桩选址。');
    // an accepted proposal needs a responsible unit (this space names none)
    await choose(page, answer.getByLabel('责任单位'), '住房和城乡', /住房和城乡建设局/);
    await answer.getByRole('button', { name: /提\s*交/ }).click();
    // the consultation form, prefilled from the proposal; the answer is sent with it
    const form = page.getByRole('dialog').filter({ hasText: '新建议事' });
    await expect.poll(() => form.getByLabel('议事标题').inputValue()).toBe('小区增设充电桩');
    await form.getByLabel('选项 1').fill('设在3号楼北侧');
    await form.getByLabel('选项 2').fill('设在地面停车场东侧');
    await form.getByLabel('协商开始').fill(local(now + DAY));
    await form.getByLabel('投票开始').fill(local(now + 2 * DAY));
    await form.getByLabel('投票截止').fill(local(now + 5 * DAY));
    const sent = page.waitForResponse((r) => r.url().endsWith(`/proposals/${proposed.json().id}/answer`) && r.request().method() === 'POST');
    await form.getByRole('button', { name: /保\s*存/ }).click();
    const sentRes = await sent;
    expect(sentRes.status(), await sentRes.text()).toBe(200);
    const after = (await t.call('GET', `/api/v1/public/participation/proposals/${proposed.json().id}`)).json();
    expect(after).toMatchObject({ decision: 'consultation', answer: '采纳，组织居民协商充电桩选址。' });
    expect((await t.call('GET', `/api/v1/public/participation/results/${after.resultId}`)).json()).toMatchObject({ responsibleUnit: { code: 'ZJ' }, consultationId: after.consultationId });
    const opened = (await t.call('GET', `/api/v1/public/participation/consultations/${after.consultationId}`)).json();
    expect(opened).toMatchObject({ title: '小区增设充电桩', background: '电动车充电难，飞线充电很危险，希望增设集中充电桩。' });
    expect(opened.options.map((o: { label: string }) => o.label)).toEqual(['设在3号楼北侧', '设在地面停车场东侧']);
    await page.getByTestId('consultation-drawer').waitFor();
    expect(jsErrors(page)).toEqual([]);
  }, 60_000);
  // Last: it moves the clock past a vote's close.
  it('a convention is put to the vote and decided by it; a reported comment is hidden with a reason', async () => {
    const { t } = stage;
    const now = t.clock.now().getTime();
    const resident = { 'x-resident-token': residentToken };
    const { page } = await person(stage);
    await signIn(page, 'gridworker');
    await page.goto('/participation');

    await page.getByRole('tab', { name: '居民公约' }).click();
    await page.getByRole('button', { name: '起草居民公约' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('公约名称').fill('楼栋文明公约');
    await dialog.getByLabel('公约文本').fill('一、楼道不堆放杂物。二、电动车不进楼入户。三、晚十点后不装修。');
    // the vote opens a minute on (the typed time has no seconds) and closes two days later
    await dialog.getByLabel('投票开始').fill(local(now + 60_000));
    await dialog.getByLabel('投票截止').fill(local(now + 2 * DAY));
    await dialog.getByRole('button', { name: '提交表决' }).click();
    await page.getByText('第1版 · 表决中').waitFor();
    const convention = (await t.call('GET', '/api/v1/public/participation/conventions')).json().items.find((c: { title: string }) => c.title === '楼栋文明公约');
    const vote = (await t.call('GET', `/api/v1/public/participation/consultations/${convention.versions[0].consultationId}`)).json();
    t.clock.advance(2 * 60_000);
    const agree = vote.options.find((o: { label: string }) => o.label === '同意').id;
    expect((await t.call('POST', `/api/v1/public/participation/consultations/${vote.id}/votes`, { headers: resident, body: { choices: [agree] } })).statusCode).toBe(201);
    t.clock.advance(3 * DAY);
    // three days on, the console session has expired with the server's clock: sign in again
    await signIn(page, 'gridworker');
    await page.goto('/participation');
    await page.getByRole('tab', { name: '居民公约' }).click();
    await page.getByRole('button', { name: '按表决结果决定' }).click();
    await page.getByText('同意 1 票，不同意 0 票').waitFor();
    await page.getByText('第1版 · 已通过').waitFor();
    const adopted = (await t.call('GET', '/api/v1/public/participation/conventions')).json().items.find((c: { title: string }) => c.title === '楼栋文明公约');
    expect(adopted.inForce).toMatchObject({ version: 1, status: 'adopted' });

    // A resident's comment on the new consultation, reported: it waits in moderation until hidden with a reason.
    const posted = await t.call('POST', `/api/v1/public/participation/consultations/${created!.id}/comments`, { headers: resident, body: { body: '楼顶的事跟我没关系，别来烦我' } });
    expect(posted.statusCode, posted.body).toBe(201);
    expect((await t.call('POST', `/api/v1/public/participation/comments/${posted.json().id}/reports`, { headers: resident })).statusCode).toBe(204);
    await page.getByRole('tab', { name: '评论审核' }).click();
    const row = page.getByRole('row', { name: /楼顶的事跟我没关系/ });
    await row.getByRole('button', { name: /隐\s*藏/ }).click();
    await row.getByLabel('隐藏理由（将记录在案）').fill('言辞不文明');
    await row.getByRole('button', { name: /隐\s*藏/ }).click();
    await page.getByText('没有待处理的举报').waitFor();
    const thread = (await t.call('GET', `/api/v1/public/participation/consultations/${created!.id}/comments`)).json().items;
    expect(thread).toEqual([expect.objectContaining({ hidden: true, body: null, hiddenReason: '言辞不文明' })]);
    expect(jsErrors(page)).toEqual([]);
  }, 60_000);
});
