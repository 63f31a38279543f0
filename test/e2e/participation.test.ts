import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsErrors, openStage, person, shot, type Stage } from './browser.ts';

/**
 * A resident on a phone (390×844): opens a consultation of their community, verifies with the code from the
 * demo outbox (as a tester does in demo mode), and votes; the page then says the vote is in and changeable.
 */
let stage: Stage;
beforeAll(async () => {
  stage = await openStage();
}, 180_000);
afterAll(async () => {
  await stage?.close();
});

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
    expect(jsErrors(page)).toEqual([]);

  }, 120_000);
});
