import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { createConsultationStore } from './consultation-store.ts';
import { createCommentStore } from './comment-store.ts';
import { createConventionStore } from './convention-store.ts';
import { createProposalStore } from './proposal-store.ts';
import { createResidentStore } from './resident-store.ts';
import { DAY_MS } from './rules.ts';

/** How many residents the demo verifies (staff-verified, in the grid worker's community). */
export const DEMO_RESIDENTS = 6;

/**
 * A small, deterministic participation demo around the grid worker's grid: a community space (run by admin)
 * and a grid space (run by the grid worker), an open and a published consultation, an upcoming one with a
 * meeting, proposals at and under the threshold, and an accepted outcome with progress. Only rows of this
 * capability are written (no audit entries), so other capabilities' counts stay as they were.
 */
export async function seedParticipationDemo(tx: Db, _deps: Deps, now: Date): Promise<void> {
  const areas = createResidentStore();
  const cons = createConsultationStore();
  const props = createProposalStore();
  const day = (n: number) => new Date(now.getTime() + n * DAY_MS);

  const grid = await areas.firstGrid(tx);
  const community = (await areas.area(tx, grid.parent_code!))!;
  const unit = await areas.firstFunctionalUnit(tx);

  // The first registered people of the community with a phone (ordered by ID-number digest: stable under the demo key).
  // Taken from the community, not the grid: a grid of the small test city has a single such person, and the seed
  // then made one resident where it promised six — one vote on the open consultation instead of two, and
  // proposals with no supporters. Too few people is an error, never a smaller demo.
  const people = await areas.registeredWithPhone(tx, community.path, DEMO_RESIDENTS);
  if (people.length < DEMO_RESIDENTS) throw new Error(`participation demo: ${community.code} has ${people.length} registered people with a phone, ${DEMO_RESIDENTS} needed`);
  const residents: string[] = [];
  for (const [i, p] of people.entries()) {
    const r = await areas.insertResident(tx, { person_id: p.id, id_number_bidx: p.id_number_bidx, display_name: i % 2 ? p.name_mask : `居民${i + 1}号`, verified_by: 'staff', verifier_user_id: null, verified_at: day(-30) });
    residents.push(r.id);
  }

  const { id: communitySpace } = await cons.insertSpace(tx, {
    area_code: community.code,
    area_path: community.path,
    title: `${community.name}议事厅`,
    description: '社区公共事务协商：大家的事大家商量着办。',
    responsible_unit: unit.code,
    support_threshold: 3,
    answer_days: 15,
    created_by: null,
  });
  const { id: gridSpace } = await cons.insertSpace(tx, { area_code: grid.code, area_path: grid.path, title: '网格微议事', description: '楼栋、网格里的小事', responsible_unit: null, support_threshold: 5, answer_days: 10, created_by: null });

  // Each consultation has its place on the map, so the portal's map of consultations is not empty on first boot:
  // community ones spread around the community's centre (inside its extent), the grid's one at the grid's centre.
  const placeIn = async (code: string) => {
    const g = await areas.areaShape(tx, code);
    if (!g) throw new Error(`participation demo: ${code} has no drawn boundary`);
    return (fx: number, fy: number) => ({ lon: round(g.center_lon + fx * (g.bbox_e - g.bbox_w)), lat: round(g.center_lat + fy * (g.bbox_n - g.bbox_s)) });
  };
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  const inCommunity = await placeIn(community.code);
  const inGrid = await placeIn(grid.code);

  const consultation = async (space: string, area: { code: string; path: string }, title: string, t: number[], options: string[], extra: { outcome?: string; published?: boolean; at: { lon: number; lat: number } }) => {
    const { id } = await cons.insertConsultation(tx, {
      space_id: space,
      area_code: area.code,
      area_path: area.path,
      title,
      topic: title,
      background: '议题背景：居民反映较多，社区组织协商。',
      refs: [{ title: '现场照片', url: '/docs/screenshots/portal-home.png' }],
      lon: extra.at.lon,
      lat: extra.at.lat,
      place: `${community.name}居委会`,
      kind: 'single',
      max_choices: 1,
      results_live: false,
      proposal_at: day(t[0]!),
      deliberation_at: day(t[1]!),
      opens_at: day(t[2]!),
      closes_at: day(t[3]!),
      result_at: day(t[3]! + 2),
      outcome: extra.outcome ?? null,
      published_at: extra.published ? day(t[3]! + 1) : null,
      created_by: null,
    });
    await cons.insertOptions(tx, id, options);
    return { id, options: (await cons.options(tx, id)).map((o) => o.id) };
  };

  const open = await consultation(communitySpace, community, '小区电动车充电棚选址', [-10, -7, -2, 5], ['3号楼北侧空地', '东门停车场一角', '暂不建设'], { at: inCommunity(0.1, 0.1) });
  const done = await consultation(communitySpace, community, '广场舞活动时间', [-40, -35, -30, -20], ['19:00–20:30', '19:30–21:00'], { outcome: '经表决，广场舞时间定为19:00–20:30，音量不超过60分贝。', published: true, at: inCommunity(-0.15, 0.05) });
  const upcoming = await consultation(gridSpace, { code: grid.code, path: grid.path }, '楼道堆物清理方案', [-1, 2, 6, 12], ['统一清理日', '各楼栋自行清理'], { at: inGrid(0, 0) });
  for (const [i, r] of residents.entries()) {
    await cons.insertVote(tx, { consultation_id: done.id, resident_id: r, choices: [done.options[i % 3 === 2 ? 1 : 0]!], created_at: day(-25), updated_at: day(-25) });
    if (i < 2) await cons.insertVote(tx, { consultation_id: open.id, resident_id: r, choices: [open.options[i]!], created_at: day(-1), updated_at: day(-1) });
  }
  await cons.insertMeeting(tx, { consultation_id: upcoming.id, starts_at: day(3), place: '3号楼楼下', minutes: null, created_at: now });
  await cons.insertMeeting(tx, { consultation_id: done.id, starts_at: day(-33), place: `${community.name}居委会会议室`, minutes: '到会居民21人，形成两个备选时段，提交表决。', created_at: day(-33) });

  // 居民公约: version 1 adopted by its vote (5 of 6 agreed), published as the text in force.
  const conventions = createConventionStore();
  const pact = await consultation(communitySpace, community, '居民公约（第1版）表决', [-60, -60, -55, -50], ['同意', '不同意'], { outcome: '第1版居民公约经表决通过。', published: true, at: inCommunity(0, -0.15) });
  for (const [i, r] of residents.entries()) await cons.insertVote(tx, { consultation_id: pact.id, resident_id: r, choices: [pact.options[i === 5 ? 1 : 0]!], created_at: day(-52), updated_at: day(-52) });
  const { id: conventionId } = await conventions.insert(tx, { area_code: community.code, area_path: community.path, title: `${community.name}居民公约`, created_at: day(-60) });
  const v1 = await conventions.insertVersion(tx, {
    convention_id: conventionId,
    version: 1,
    body: '一、爱护公共环境，垃圾分类投放。二、文明养犬，出门牵绳。三、不占用消防通道，不高空抛物。四、邻里互助，遇事协商。',
    consultation_id: pact.id,
    created_at: day(-60),
  });
  await conventions.decide(tx, v1.id, 'adopted', day(-49));

  const proposal = async (title: string, body: string, supporters: string[], answered?: { decision: 'work'; answer: string }) => {
    const { id } = await props.insert(tx, { space_id: communitySpace, area_code: community.code, area_path: community.path, resident_id: residents[0]!, title, body, threshold: 3, created_at: day(-12) });
    for (const s of supporters) {
      await props.addSupport(tx, id, s, day(-10));
      await props.bumpSupports(tx, id, day(-10), day(5));
    }
    if (answered) {
      await props.answer(tx, id, { decision: answered.decision, answer: answered.answer, answered_at: day(-4), answered_by: null });
      const { id: result } = await props.insertResult(tx, { area_code: community.code, area_path: community.path, title, proposal_id: id, responsible_unit: unit.code, created_at: day(-4), updated_at: day(-2) });
      await props.insertUpdate(tx, { result_id: result, progress: 40, note: '已完成选址勘察，采购中。', created_by: null, created_at: day(-2) });
      await props.progress(tx, result, 40, day(-2));
    }
  };
  await proposal('在小区门口增设无障碍坡道', '小区正门有三级台阶，轮椅和婴儿车进出困难，建议增设无障碍坡道。', residents.slice(1, 4));
  await proposal('增加夜间路灯', '5号楼到东门一段夜里很黑，建议增加两盏路灯。', residents.slice(1, 2));
  await proposal('健身器材更新', '小区健身器材老化生锈，建议更换。', residents.slice(2, 5), { decision: 'work', answer: '采纳：由责任单位更换健身器材，预计一个月内完成。' });
}

/**
 * A discussion on the open consultation for `npm start` only (not in the test template, whose moderation tests
 * start from nothing reported): residents' comments, one of them an advert that two residents reported, so the
 * organiser's 举报处理 tab has work on first boot.
 */
export async function seedParticipationDiscussion(db: Db, now: Date): Promise<void> {
  const day = (d: number) => new Date(now.getTime() + d * DAY_MS);
  const open = await createConsultationStore().idByTitle(db, '小区电动车充电棚选址');
  const residents = await createResidentStore().firstVerified(db, 3);
  if (!open || residents.length < 3) return;
  const comments = createCommentStore();
  const say = (i: number, body: string, d: number) => comments.insert(db, { consultation_id: open, resident_id: residents[i]!, body, created_at: day(d) });
  await say(0, '3号楼北侧那块空地离楼太近，充电棚着火的话不安全，建议离楼远一点。', -6);
  await say(1, '东门停车场一角进出方便，晚上也有保安巡逻，我投这个。', -5);
  const advert = await say(2, '低价代办房产证、居住证，当天出证，加微信 fz8899 详谈。', -3);
  await comments.report(db, advert.id);
  await comments.report(db, advert.id);
}
