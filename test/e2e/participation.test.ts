import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { jsErrors, person, shot, useStage } from './browser.ts';

/**
 * A resident on a phone (390×844): opens a consultation of their community, verifies with the code from the
 * demo outbox (as a tester does in demo mode), and votes; the page then says the vote is in and changeable.
 */
const stage = useStage(undefined, 180_000);

describe('participation on a phone', () => {
  it('open a consultation → verify as a resident → vote', async () => {
    const { t } = stage;
    const list = (await t.call('GET', '/api/v1/public/participation/consultations?state=voting')).json();
    const c = list.items.find((x: { title: string }) => x.title === '小区电动车充电棚选址');
    expect(c).toBeTruthy();
    const area = await t.deps.db.selectFrom('areas').select(sql<string>`path::text`.as('path')).where('code', '=', c.area.code).executeTakeFirstOrThrow();
    const row = await t.deps.db
      .selectFrom('people')
      .select(['id_number_sealed', 'phone_sealed', 'name'])
      .where(sql<boolean>`area_path <@ ${area.path}::ltree`)
      .where('phone_sealed', 'is not', null)
      // someone not yet verified, so the flow is the first-time one
      .where('id', 'not in', t.deps.db.selectFrom('participation_residents').select('person_id'))
      .orderBy('id')
      .offset(5)
      .limit(1)
      .executeTakeFirstOrThrow();
    const idNumber = t.deps.pii.decrypt(row.id_number_sealed);
    const phone = t.deps.pii.decrypt(row.phone_sealed!);
    const admin = await t.login('admin');

    const { page } = await person(stage, { phone: true });
    await page.goto(`/portal/participation/consultations/${c.id}`);
    await page.getByTestId('consultation-state').waitFor();
    expect(await page.getByTestId('consultation-state').textContent()).toBe('投票中');
    await page.getByLabel('身份证号').fill(idNumber);
    await page.getByLabel('手机号码').fill(phone);
    await page.getByTestId('send-code').click();
    await page.getByLabel('验证码').waitFor();
    const outbox = (await t.call('GET', '/api/v1/participation/dev-outbox', { token: admin })).json().items;
    const code = /(\d{6})/.exec(outbox[0].text)![1]!;
    await page.getByLabel('验证码').fill(code);
    await page.getByRole('button', { name: '确认认证' }).click();
    await page.getByTestId('cast-vote').waitFor();
    await page.getByText('东门停车场一角').click();
    await page.getByTestId('cast-vote').click();
    await page.getByTestId('voted').waitFor();
    // the demo's two votes and this one: the seed once verified a single resident (see demo-seed.ts)
    const votes = await t.deps.db.selectFrom('participation_votes').select('resident_id').where('consultation_id', '=', c.id).execute();
    expect(votes).toHaveLength(3);
    expect(await page.getByTestId('cast-vote').textContent()).toContain('修改投票');
    // The resident's real name is nowhere on the page.
    if (row.name) expect(await page.content()).not.toContain(row.name);
    await shot(page, 'participation-phone');

    // On the same phone: propose, and support a neighbour's proposal from the list.
    await page.goto('/portal/participation');
    await page.getByRole('tab', { name: '居民提议' }).click();
    await page.getByLabel('提议标题').fill('单元楼道加装扶手');
    await page.getByLabel('提议内容').fill('3单元楼梯较陡，老人上下楼不便，建议加装扶手。');
    const proposed = page.waitForResponse((r) => r.url().endsWith('/api/v1/public/participation/proposals') && r.request().method() === 'POST');
    await page.getByRole('button', { name: /提\s*交/ }).click();
    expect((await proposed).status()).toBe(201);
    await page.getByText('单元楼道加装扶手').first().waitFor();
    const supported = page.waitForResponse((r) => /\/proposals\/[^/]+\/supports$/.test(r.url()));
    await page.locator('.ant-card').filter({ hasText: '增加夜间路灯' }).getByRole('button', { name: /附\s*议/ }).click();
    expect((await supported).status()).toBe(201);

    // No public participation page carries a real name or a phone number of anyone in the community: every tab of
    // the home page and every public consultation, read as a visitor would (the page text, on the phone).
    const community = await t.deps.db
      .selectFrom('people')
      .select(['name', 'phone_sealed'])
      .where(sql<boolean>`area_path <@ ${area.path}::ltree`)
      .execute();
    const names = community.map((p) => p.name).filter((n): n is string => !!n && n.length >= 2);
    const phones = community.map((p) => (p.phone_sealed ? t.deps.pii.decrypt(p.phone_sealed) : null)).filter((x): x is string => !!x);
    expect(names.length).toBeGreaterThan(10);
    const clean = async (where: string) => {
      const text = await page.locator('body').innerText();
      expect(text.length, where).toBeGreaterThan(20);
      for (const n of names) expect(text, `${where}: ${n}`).not.toContain(n);
      for (const p of phones) expect(text, where).not.toContain(p);
      // a phone layout: nothing wider than the screen
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), where).toBeLessThanOrEqual(390);
    };
    await page.goto('/portal/participation');
    for (const tab of ['议事', '居民提议', '办理结果', '居民公约', '议事会议']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      await page.getByRole('tabpanel').first().waitFor();
      await clean(`tab ${tab}`);
    }
    const all = (await t.call('GET', '/api/v1/public/participation/consultations?pageSize=100')).json().items as { id: string; title: string }[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const x of all) {
      await page.goto(`/portal/participation/consultations/${x.id}`);
      await page.getByTestId('consultation-state').waitFor();
      await clean(`consultation ${x.title}`);
    }
    expect(jsErrors(page)).toEqual([]);

  }, 120_000);
});
