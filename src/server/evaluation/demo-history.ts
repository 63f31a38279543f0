import type { Deps } from '../context.ts';
import { dupText } from '../cases/duplicates.ts';
import { h3Cell } from '../geo/geometry.ts';
import { seededRandom } from '../random.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { createHistoryStore, type HistoryEvent } from './history-store.ts';

/**
 * A year of case history for the demo city (`npm start` only, never the test template): seasonal categories,
 * units of different quality, late reports and supervision cards, reworks, ratings, objections, and the last
 * days' work still open. Rows go in as JSON arrays (a few statements per 1,000 cases, not one call per case);
 * the evaluation triggers stand aside while they do, and one set-based `evaluation_rebuild()` follows.
 */

const H = 3_600_000;

/** How well each unit works (share of reports on time, satisfied reporters); the rest sit at 0.85. */
const quality: Record<string, number> = { SZ: 0.95, HW: 0.93, GS: 0.92, SW: 0.88, YL: 0.9, JJ: 0.84, GA: 0.86, STHJ: 0.8, CGZF: 0.68, ZJ: 0.62, SCJG: 0.82, MZ: 0.9, RS: 0.75 };

/** Categories by season (month 1–12 → weight): rain and noise in summer, heating in winter, trees in spring. */
const seasonal: { code: string; weight: (month: number) => number }[] = [
  { code: '0101', weight: () => 6 },
  { code: '0106', weight: (m) => (m >= 6 && m <= 9 ? 7 : 3) },
  { code: '0401', weight: (m) => (m >= 4 && m <= 10 ? 5 : 2) },
  { code: '0403', weight: () => 5 },
  { code: '0501', weight: (m) => (m >= 10 || m <= 2 ? 6 : 3) },
  { code: '0503', weight: (m) => (m <= 3 ? 6 : 3) },
  { code: '0504', weight: (m) => (m >= 6 && m <= 8 ? 6 : 2) },
  { code: '0705', weight: (m) => (m >= 6 && m <= 8 ? 5 : 0.3) },
  { code: '0506', weight: (m) => (m >= 3 && m <= 5 ? 5 : m >= 7 && m <= 9 ? 3 : 1) },
  { code: '0604', weight: (m) => (m >= 11 || m <= 2 ? 8 : 0.2) },
  { code: '0602', weight: (m) => (m >= 7 && m <= 8 ? 4 : m === 1 || m === 12 ? 3 : 1) },
  { code: '0801', weight: (m) => (m >= 5 && m <= 9 ? 7 : 3) },
  { code: '0802', weight: () => 3 },
  { code: '0103', weight: () => 3 },
  { code: '0201', weight: () => 3 },
  { code: '1101', weight: () => 5 },
  { code: '0902', weight: () => 3 },
  { code: '1001', weight: (m) => (m === 1 || m === 12 ? 6 : 1.5) },
  { code: '1901', weight: () => 4 },
];

const texts: Record<string, string[]> = {
  '0101': ['小区门口垃圾堆了好几天没人清理', '路边有人乱倒建筑垃圾'],
  '0106': ['垃圾桶满了溢出来，气味很大', '菜市场旁垃圾桶满溢'],
  '0401': ['人行道上有流动摊贩占道经营', '夜市摊位占用盲道'],
  '0403': ['小区出入口车辆乱停堵住消防通道', '人行道上停满了汽车'],
  '0501': ['路灯坏了晚上一片漆黑', '整条街路灯不亮'],
  '0503': ['路面坑洼很深，电动车容易摔', '人行道砖松动翘起'],
  '0504': ['下水道堵塞污水外溢', '雨水井堵了一下雨就积水'],
  '0705': ['暴雨后路口积水很深车辆熄火', '地下通道积水无法通行'],
  '0506': ['大树倾斜快倒了很危险', '行道树枝挡住了红绿灯'],
  '0604': ['暖气不热室温只有十几度', '小区供暖一直没来'],
  '0602': ['小区突然停电没有通知', '一个月停了好几次电'],
  '0801': ['楼下广场舞音响太吵', '夜里酒吧噪音很大影响休息'],
  '0802': ['饭店油烟直排进居民楼', '烧烤店油烟太大'],
  '0103': ['楼顶有人在搭建违章房', '一楼住户私自扩建院子'],
  '0201': ['电线杆上贴满小广告', '小区楼道里全是办证小广告'],
  '1101': ['物业不管电梯坏了一周', '物业费上涨却不打扫卫生'],
  '0902': ['网购商品质量问题商家拒绝退货', '健身房关门不退会员费'],
  '1001': ['工地老板拖欠三个月工资', '公司倒闭工资没发'],
  '1901': ['咨询居住证怎么办理', '请问社保转移需要什么材料'],
};

type Ev = HistoryEvent;

export interface HistoryOptions {
  days?: number;
  perDay?: number;
  seed?: number;
}

export async function seedEvaluationHistory(deps: Deps, taxonomy: Taxonomy, opts: HistoryOptions = {}): Promise<{ cases: number; events: number }> {
  const { db, clock } = deps;
  const days = opts.days ?? 365;
  const perDay = opts.perDay ?? 16;
  const rnd = seededRandom(opts.seed ?? 20261123);
  const now = clock.now().getTime();
  const offset = 8 * H;
  const store = createHistoryStore();
  const users = await store.usernames(db);
  const grids = await store.grids(db);
  if (!grids.length) return { cases: 0, events: 0 };
  // a few problem spots: the same corner keeps coming back (recurrences after closure)
  const hotGrids = grids.filter((_, i) => i % 37 === 5);
  const uuid = () => {
    const h = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16)).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const iso = (ms: number) => new Date(ms).toISOString();

  const cases: Record<string, unknown>[] = [];
  const events: Ev[] = [];
  const objections: Record<string, unknown>[] = [];
  const codeDays = new Map<string, number>();

  for (let d = days; d >= 0; d--) {
    const dayStart = Math.floor((now + offset) / (24 * H)) * 24 * H - offset - d * 24 * H;
    const month = new Date(dayStart + offset).getUTCMonth() + 1;
    const weekday = new Date(dayStart + offset).getUTCDay();
    const n = Math.round(perDay * (weekday === 0 || weekday === 6 ? 0.7 : 1.1) * (0.8 + rnd() * 0.4));
    const weights = seasonal.map((s) => s.weight(month));
    const total = weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) {
      const createdMs = dayStart + (7.5 + rnd() * 13) * H;
      if (createdMs > now - 0.5 * H) continue;
      let r = rnd() * total;
      let k = 0;
      while ((r -= weights[k]!) > 0 && k < weights.length - 1) k++;
      const catCode = seasonal[k]!.code;
      const cat = taxonomy.category(catCode)!;
      const dept = cat.department;
      const q = quality[dept] ?? 0.85;
      const grid = rnd() < 0.12 && hotGrids.length ? pick(hotGrids) : pick(grids);
      const lon = grid.lon + (rnd() - 0.5) * 0.002;
      const lat = grid.lat + (rnd() - 0.5) * 0.002;
      const dayKey = new Date(createdMs + offset).toISOString().slice(0, 10).replace(/-/g, '');
      const no = (codeDays.get(dayKey) ?? 0) + 1;
      codeDays.set(dayKey, no);
      const id = uuid();
      const gridworker = rnd() < 0.2;
      const channel = gridworker ? 'gridworker' : rnd() < 0.85 ? 'hotline' : pick(['app', 'web']);
      const creator = gridworker ? users.get('gridworker') : channel === 'hotline' ? users.get('clerk') : null;
      const east = grid.path.includes('990102');
      const dispatcher = east && rnd() < 0.5 ? 'dispatcher.east' : 'dispatcher';
      const text = pick(texts[catCode] ?? ['群众反映问题']);
      const row: Record<string, unknown> = {
        id, code: `${dayKey}${String(no).padStart(5, '0')}`, channel, state: 'received', version: 1, text, dup_text: dupText(text),
        nature: catCode === '1901' ? 'consult' : 'complaint', category: catCode, priority: 3, urgent: cat.urgent, lon, lat, address: null,
        grid_code: grid.code, area_path: grid.path, h3: h3Cell(lon, lat), reporter_anonymous: true, main_department: null, co_departments: [],
        paused_ms: 0, supervision: 'none', rework_count: 0, rating_rework_used: false, created_by: creator ?? null, created_at: iso(createdMs),
        updated_at: iso(createdMs), closed_at: null, rating: null, rated_at: null, answer: null, dispatched_at: null, due_at: null, yellow_at: null,
        deadline_hours: null, working_time: null, paused_since: null, step_due_at: null,
      };
      let state = 'received';
      let last = createdMs;
      let stopped = false;
      let card = 'none';
      const ev = (atMs: number, action: string, to: string, who: string, payload: Record<string, unknown> = {}, reason: string | null = null) => {
        if (stopped || atMs > now) {
          stopped = true;
          return false;
        }
        events.push({ case_id: id, at: iso(atMs), actor_id: users.get(who) ?? null, actor: who, action, from_state: action === 'intake' ? null : state, to_state: to, reason, payload });
        if (!['urge', 'supervise'].includes(action)) state = to;
        if (action === 'supervise') card = String(payload.level);
        last = Math.max(last, atMs);
        return true;
      };
      ev(createdMs, 'intake', 'received', gridworker ? 'gridworker' : channel === 'hotline' ? 'clerk' : 'public', { channel, duplicates: [] });
      if (catCode === '1901') {
        ev(createdMs + 0.2 * H, 'answer', 'closed', 'clerk');
        if (!stopped) Object.assign(row, { answer: '已告知办理流程', closed_at: iso(createdMs + 0.2 * H) });
      } else if (rnd() < 0.03) {
        ev(createdMs + 0.5 * H, 'reject', 'rejected', 'dispatcher', {}, '不属于受理范围');
        if (!stopped) row.closed_at = iso(createdMs + 0.5 * H);
      } else {
        const late = rnd() > 0.9;
        const fileAt = createdMs + (late ? 3 + rnd() * 5 : 0.1 + rnd() * 1.2) * H;
        ev(fileAt, 'file', 'filed', dispatcher);
        const dispatchAt = fileAt + (0.05 + rnd() * 0.5) * H;
        const hours = cat.workingTime ? cat.deadlineHours * 3 : cat.deadlineHours;
        const dueMs = dispatchAt + hours * H;
        if (ev(dispatchAt, 'dispatch', 'dispatched', dispatcher, { department: dept, coDepartments: [], source: 'catalogue' })) {
          Object.assign(row, { main_department: dept, dispatched_at: iso(dispatchAt), deadline_hours: cat.deadlineHours, working_time: cat.workingTime, due_at: iso(dueMs), yellow_at: iso(dispatchAt + hours * 0.8 * H) });
        }
        let t = dispatchAt;
        if (rnd() < (1 - q) * 0.25) {
          // 退单: upheld 40 % (sent to the district office), rejected 60 % (back to the same unit)
          t += (0.5 + rnd()) * H;
          if (ev(t, 'object', 'returned', 'handler', { department: dept }, '不属于本单位职责')) {
            const upheld = rnd() < 0.4;
            const to = upheld ? 'JD' : dept;
            t += (0.3 + rnd()) * H;
            const ok = ev(t, 'redispatch', 'dispatched', dispatcher, { department: to, coDepartments: [], source: 'dispatcher' });
            objections.push({ case_id: id, department_code: dept, reason: '不属于本单位职责', objected_by_name: 'handler', objected_at: events[events.length - (ok ? 2 : 1)]!.at, redispatched_to: ok ? to : null, redispatched_at: ok ? iso(t) : null });
            if (ok) row.main_department = to;
          }
        }
        t += (0.3 + rnd() * 2) * H;
        ev(t, 'accept', 'handling', 'handler');
        const onTime = rnd() < q;
        if (rnd() < (1 - q) * 0.4) {
          ev(t + 2 * H, 'request_extension', 'extension_requested', 'handler', { hours: 24 }, '需协调多部门');
          ev(t + 4 * H, 'approve_extension', 'handling', dispatcher, { hours: 24 });
        }
        const reportAt = dispatchAt + hours * (onTime ? 0.2 + rnd() * 0.65 : 1.05 + rnd() * 0.8) * H;
        if (reportAt > dispatchAt + hours * 0.8 * H) ev(dispatchAt + hours * 0.8 * H, 'supervise', state, 'supervision-sweeper', { level: 'yellow', previous: 'none' });
        if (reportAt > dueMs) ev(dueMs + 60_000, 'supervise', state, 'supervision-sweeper', { level: 'red', previous: 'yellow' });
        if (rnd() < 0.08) ev(t + hours * 0.5 * H, 'urge', state, 'clerk', { urges: 1 });
        const finish = (atMs: number, round: number): void => {
          if (!ev(atMs, 'report', 'reported', 'handler')) return;
          row.answer = '已处理完毕';
          row.paused_since = iso(atMs);
          const checkAt = atMs + (rnd() < 0.85 ? 1 + rnd() * 20 : 26 + rnd() * 30) * H;
          if (round === 0 && rnd() < (1 - q) * 0.35) {
            if (ev(checkAt, 'rework', 'handling', 'gridworker', {}, '现场核查未处理到位')) {
              row.rework_count = Number(row.rework_count) + 1;
              row.paused_since = null;
              return finish(checkAt + hours * 0.3 * H, 1);
            }
            return;
          }
          if (!ev(checkAt, 'check', 'checked', 'gridworker')) return;
          const closeAt = checkAt + (0.2 + rnd() * 3) * H;
          if (!ev(closeAt, 'close', 'closed', dispatcher)) return;
          row.closed_at = iso(closeAt);
          if (rnd() < 0.72) {
            const u = rnd();
            const rating = u < q * 0.85 ? 'satisfied' : u < q ? 'basically_satisfied' : 'unsatisfied';
            const rateAt = closeAt + (2 + rnd() * 40) * H;
            if (!ev(rateAt, 'rate', 'rated', 'reporter', { rating })) return;
            Object.assign(row, { rating, rated_at: iso(rateAt) });
            if (rating === 'unsatisfied' && round === 0 && rnd() < 0.6) {
              if (ev(rateAt + 3 * H, 'rework', 'handling', dispatcher, { previousRating: 'unsatisfied' }, '回访不满意')) {
                Object.assign(row, { rating: null, rated_at: null, closed_at: null, rating_rework_used: true, rework_count: Number(row.rework_count) + 1, paused_since: null });
                finish(rateAt + hours * 0.4 * H, 1);
              }
            }
          }
        };
        finish(reportAt, 0);
      }
      row.state = state;
      row.supervision = card;
      row.updated_at = iso(last);
      if (['handling', 'dispatched', 'returned'].includes(state)) row.paused_since = null;
      cases.push(row);
    }
  }

  const t0 = Date.now();
  const lap = (what: string) => process.env.CIVICGRID_HISTORY_TIMING && console.log(what, Date.now() - t0);
  lap('generated');
  await db.transaction().execute(async (tx) => {
    await store.bulkMode(tx);
    await store.insertCases(tx, cases);
    lap('cases');
    await store.insertEvents(tx, events);
    lap('events');
    await store.insertObjections(tx, objections);
    await store.bumpCodeDays(tx, [...codeDays].map(([day, last_no]) => ({ day, last_no })));
    lap('objections');
    await store.rebuild(tx);
    lap('rebuild');
  });
  return { cases: cases.length, events: events.length };
}
