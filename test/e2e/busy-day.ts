import type { TestApp } from '../support/harness.ts';

/** Appeals a busy morning brings, with the categories triage will find in them. */
const appeals = [
  '小区门口垃圾堆了好几天没人清理，气味很大',
  '路灯不亮了，晚上一片漆黑',
  '井盖坏了缺了一角，晚上很危险',
  '人行道上有车乱停，挡住了盲道',
  '楼下餐馆油烟很大，家里窗户都不敢开',
  '路面有个大坑，电动车差点摔倒',
  '晚上工地施工噪音太吵，影响休息',
  '河道里漂着很多垃圾，还有异味',
];

/**
 * A city that has been working for a while, so the overview, the map and the supervision views show something:
 * cases spread over real houses of the base data, half of them dispatched, then the clock moved on and the
 * supervision sweep run, which raises yellow and red cards on the late ones.
 */
export async function busyDay(t: TestApp, count = 40): Promise<void> {
  const [clerk, dispatcher, admin] = [await t.login('clerk'), await t.login('dispatcher'), await t.login('admin')];
  const houses = (await t.call('GET', '/api/v1/houses?pageSize=200', { token: admin })).json().items as { lon: number; lat: number; address: string }[];
  for (let i = 0; i < count; i++) {
    const h = houses[(i * 37) % houses.length]!;
    const text = `${h.address}：${appeals[i % appeals.length]}`;
    // As the clerk's screen does: ask triage, take its category.
    const triage = await t.call('POST', '/api/v1/triage', { token: clerk, body: { text, lon: h.lon, lat: h.lat } });
    const category = triage.statusCode === 200 ? (triage.json().category.code as string) : undefined;
    const res = await t.call('POST', '/api/v1/cases', { token: clerk, body: { channel: 'hotline', text, lon: h.lon, lat: h.lat, address: h.address, category } });
    if (res.statusCode !== 201) throw new Error(`intake failed: ${res.statusCode} ${res.body}`);
    const c = res.json() as { code: string; version: number; category: { code: string } | null };
    if (i % 2 === 0 || !c.category) continue;
    const filed = await t.call('POST', `/api/v1/cases/${c.code}/actions`, { token: dispatcher, body: { action: 'file', version: c.version } });
    if (filed.statusCode !== 200) continue;
    await t.call('POST', `/api/v1/cases/${c.code}/actions`, { token: dispatcher, body: { action: 'dispatch', version: filed.json().version } });
  }
  t.clock.advanceHours(30);
  // A fresh sign-in: the morning's sessions have expired on the moved clock.
  const sweep = await t.call('POST', '/api/v1/admin/sweep', { token: await t.login('admin') });
  if (sweep.statusCode !== 200) throw new Error(`sweep failed: ${sweep.statusCode} ${sweep.body}`);
}
