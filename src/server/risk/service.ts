import { gridDisk, gridDistance } from 'h3-js';
import type { Logger } from 'pino';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { addressKey } from '../geo/address.ts';
import type { Page } from '../../../shared/paging.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import { CLUSTER, clusterLevel, commonPath, countLevel, formatP, higherLevel, MASS, MASS_CATEGORIES, poissonTail, REPEAT_CALLER } from './methods.ts';
import { createRiskStore, liveStatuses, type WarningFilter, type WarningListRow, type WarningRow } from './store.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** one scan at a time across API nodes (a transaction-level advisory lock) */
const SCAN_LOCK = 16_016_001;

interface Candidate {
  kind: WarningRow['kind'];
  key: string;
  level: WarningRow['level'];
  areaPath: string;
  h3?: string | null;
  category?: string | null;
  count: number;
  baseline?: number | null;
  explanation: string;
  caseIds: string[];
}

export type WarningAction = { action: 'acknowledge' } | { action: 'assign'; assignee: string } | { action: 'resolve'; reason?: string } | { action: 'dismiss'; reason: string };

export function createRiskService(deps: Deps, { taxonomy }: { taxonomy: Pick<TaxonomyService, 'current'> }) {
  const store = createRiskStore();
  const { db, clock, audit, config } = deps;
  // category names from the current taxonomy version, read once per scan (a category an admin added is named too)
  let names: Pick<Taxonomy, 'category'> | null = null;
  const catName = (code: string | null | undefined) => (code ? (names?.category(code)?.zh ?? code) : '');

  /** Opens a warning, or updates the live one of the same (kind, key): a new matching case never makes a second. */
  async function raise(tx: Db, c: Candidate, now: Date): Promise<'opened' | 'updated' | 'unchanged' | 'suppressed'> {
    const live = await store.live(tx, c.kind, c.key);
    if (live) {
      const ids = [...new Set([...live.case_ids, ...c.caseIds])];
      const level = higherLevel(live.level, c.level);
      const count = Math.max(live.count, c.count);
      if (ids.length === live.case_ids.length && level === live.level && count === live.count) return 'unchanged';
      await store.update(tx, live.id, { case_ids: ids, level, count, explanation: c.explanation, baseline: c.baseline ?? live.baseline, updated_at: now });
      if (level !== live.level) await notify(tx, { ...c, level }, live.id, now, true);
      return 'updated';
    }
    // a warning someone dismissed or resolved comes back only when a case arrived that it did not cover
    const closed = await store.lastClosed(tx, c.kind, c.key);
    if (closed && c.caseIds.every((id) => closed.case_ids.includes(id))) return 'suppressed';
    const w = await store.insert(tx, {
      kind: c.kind,
      key: c.key,
      level: c.level,
      status: 'open',
      area_path: c.areaPath,
      h3: c.h3 ?? null,
      category: c.category ?? null,
      count: c.count,
      baseline: c.baseline ?? null,
      explanation: c.explanation,
      case_ids: c.caseIds,
      assignee_id: null,
      assignee_name: null,
      reason: null,
      opened_at: now,
      updated_at: now,
      closed_at: null,
    });
    await notify(tx, c, w.id, now, false);
    await audit.record(tx, now, { id: null, username: 'risk-scan' }, 'warning.open', { type: 'warning', id: String(w.id) }, { kind: c.kind, level: c.level, count: c.count });
    return 'opened';
  }

  /** 预警 reaches the leaders of the area through the staff inbox (role notices follow the data scope). */
  const notify = (tx: Db, c: Candidate, id: number, at: Date, escalated: boolean) =>
    store.notifyLeaders(tx, { area_path: c.areaPath, at, title: `${escalated ? '预警升级' : '风险预警'} #${id}（${c.level}）`, body: c.explanation });

  // ---- (a) spatio-temporal clusters
  async function clusters(tx: Db, now: Date): Promise<Candidate[]> {
    const windowFrom = new Date(now.getTime() - CLUSTER.windowHours * HOUR_MS);
    const baselineFrom = new Date(windowFrom.getTime() - CLUSTER.baselineDays * DAY_MS);
    const rows = await store.cellCounts(tx, baselineFrom, windowFrom, now);
    const byCategory = new Map<string, Map<string, { current: number; past: number }>>();
    for (const r of rows) {
      const m = byCategory.get(r.category) ?? new Map();
      m.set(r.h3, { current: Number(r.current), past: Number(r.past) });
      byCategory.set(r.category, m);
    }
    const out: Candidate[] = [];
    for (const [category, cells] of byCategory) {
      const scored: { cell: string; k: number; lambda: number; p: number; disk: string[] }[] = [];
      for (const [cell, v] of cells) {
        if (!v.current) continue;
        const disk = gridDisk(cell, 1);
        let k = 0;
        let past = 0;
        for (const d of disk) {
          const n = cells.get(d);
          if (n) {
            k += n.current;
            past += n.past;
          }
        }
        if (k < CLUSTER.minCount) continue;
        const lambda = Math.max(CLUSTER.minLambda, past / CLUSTER.baselineDays);
        const p = poissonTail(k, lambda);
        if (p < CLUSTER.pThreshold) scored.push({ cell, k, lambda, p, disk });
      }
      // the most significant cell speaks for its neighbourhood: overlapping rings make one warning, not seven
      scored.sort((a, b) => a.p - b.p || b.k - a.k);
      const taken: string[] = [];
      const live = await store.liveOfKind(tx, 'cluster', category);
      for (const s of scored) {
        if (taken.some((t) => gridDistance(t, s.cell) <= 2)) continue;
        taken.push(s.cell);
        const near = live.find((w) => w.h3 && gridDistance(w.h3, s.cell) <= 2);
        const cases = await store.casesIn(tx, category, s.disk, windowFrom, now);
        out.push({
          kind: 'cluster',
          key: near?.key ?? `${category}:${s.cell}`,
          level: clusterLevel(s.p),
          areaPath: commonPath(cases.map((c) => c.area_path)),
          h3: near?.h3 ?? s.cell,
          category,
          count: s.k,
          baseline: Math.round(s.lambda * 100) / 100,
          explanation: `${catName(category)}：近${CLUSTER.windowHours}小时该处（H3 单元及相邻一圈）${s.k}件，过去${CLUSTER.baselineDays / 7}周日均${s.lambda.toFixed(2)}件；泊松检验 P(X≥${s.k})≈${formatP(s.p)}，低于阈值 ${CLUSTER.pThreshold}（且不少于${CLUSTER.minCount}件）`,
          caseIds: cases.map((c) => c.id),
        });
      }
    }
    return out;
  }

  // ---- (b) 涉众: one organisation or address in several labour / financial-risk complaints
  async function massRisks(tx: Db, now: Date): Promise<Candidate[]> {
    const from = new Date(now.getTime() - MASS.windowDays * DAY_MS);
    const out: Candidate[] = [];
    const covered = new Set<string>();
    for (const o of await store.namedOrganisations(tx, MASS_CATEGORIES, from, now)) {
      const ids = [...new Set(o.case_ids)];
      if (ids.length < MASS.minCount) continue;
      ids.forEach((id) => covered.add(id));
      out.push({
        kind: 'mass_org',
        key: `org:${o.core}`,
        level: countLevel(ids.length, 5, 10),
        areaPath: commonPath([...o.paths, o.org_path]),
        count: ids.length,
        explanation: `涉众风险：近${MASS.windowDays}天${ids.length}件劳资/金融类诉求指向同一单位「${o.name}」（诉求文本中出现“${o.core}”），可能为欠薪、预付卡跑路或非法集资，请核查`,
        caseIds: ids,
      });
    }
    const byAddress = new Map<string, { ids: string[]; paths: string[]; address: string }>();
    for (const c of await store.addressedCases(tx, MASS_CATEGORIES, from, now)) {
      const key = addressKey(c.address!);
      if (!key) continue;
      const g = byAddress.get(key) ?? { ids: [], paths: [], address: c.address! };
      g.ids.push(c.id);
      g.paths.push(c.area_path);
      byAddress.set(key, g);
    }
    for (const [key, g] of byAddress) {
      if (g.ids.length < MASS.minCount || g.ids.every((id) => covered.has(id))) continue;
      out.push({
        kind: 'mass_org',
        key: `addr:${key}`,
        level: countLevel(g.ids.length, 5, 10),
        areaPath: commonPath(g.paths),
        count: g.ids.length,
        explanation: `涉众风险：近${MASS.windowDays}天${g.ids.length}件劳资/金融类诉求指向同一地址「${g.address}」，请核查该处经营主体`,
        caseIds: g.ids,
      });
    }
    return out;
  }

  // ---- (c) the same caller again and again (blind-indexed phone; the number itself never enters a warning)
  async function repeatCallers(tx: Db, now: Date): Promise<Candidate[]> {
    const from = new Date(now.getTime() - REPEAT_CALLER.windowDays * DAY_MS);
    const rows = await store.repeatCallers(tx, from, now, REPEAT_CALLER.minCount);
    return rows.map((r) => {
      const categories = [...new Set(r.categories.filter((c): c is string => !!c).map(catName))];
      return {
        kind: 'repeat_caller' as const,
        key: r.phone_idx,
        level: countLevel(r.case_ids.length, 5, 8),
        areaPath: commonPath(r.paths),
        count: r.case_ids.length,
        explanation: `重复来电：同一来电人近${REPEAT_CALLER.windowDays}天反映${r.case_ids.length}次${categories.length ? `（${categories.join('、')}）` : ''}，诉求可能未解决并在升级，建议专人回访化解`,
        caseIds: r.case_ids,
      };
    });
  }

  // ---- (d) high-risk disputes left without a mediation session
  async function staleDisputes(tx: Db, now: Date): Promise<Candidate[]> {
    const days = config.RISK_STALE_DISPUTE_DAYS;
    const rows = await store.staleDisputes(tx, new Date(now.getTime() - days * DAY_MS));
    return rows.map((d) => {
      const since = d.last_session_at ?? d.created_at;
      const idle = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
      return {
        kind: 'stale_dispute' as const,
        key: d.id,
        level: idle >= days * 2 ? ('red' as const) : ('orange' as const),
        areaPath: d.area_path,
        category: d.category,
        count: 1,
        explanation: `高风险矛盾纠纷 ${d.code} 已${idle}天${d.last_session_at ? '没有新的调解' : '未开始调解'}（阈值${days}天），防止矛盾激化`,
        caseIds: [d.case_id],
      };
    });
  }

  async function scan(): Promise<{ opened: number; updated: number }> {
    const now = clock.now();
    // read before the transaction: on PGlite the one connection is the transaction's until it ends
    names = await taxonomy.current();
    return db.transaction().execute(async (tx) => {
      await store.scanLock(tx, SCAN_LOCK);
      const candidates = [...(await clusters(tx, now)), ...(await massRisks(tx, now)), ...(await repeatCallers(tx, now)), ...(await staleDisputes(tx, now))];
      let opened = 0;
      let updated = 0;
      for (const c of candidates) {
        const r = await raise(tx, c, now);
        if (r === 'opened') opened++;
        if (r === 'updated') updated++;
      }
      return { opened, updated };
    });
  }

  async function one(actor: Actor, id: number): Promise<WarningListRow> {
    const w = await store.one(db, id, actor.scopePath);
    if (!w) throw notFound('warning', String(id));
    return w;
  }

  return {
    scan,
    /** POST /api/v1/ops/jobs/risk-scan */
    async scanNow(actor: Actor) {
      assertCan(actor, 'ops.run');
      return scan();
    },

    async list(actor: Actor, filter: WarningFilter, page: number, pageSize: number): Promise<Page<WarningListRow>> {
      assertCan(actor, 'warning.read');
      const [items, total] = await store.list(db, actor.scopePath, filter, page, pageSize);
      return { items, total, page, pageSize };
    },

    get: (actor: Actor, id: number) => {
      assertCan(actor, 'warning.read');
      return one(actor, id);
    },

    async act(actor: Actor, id: number, a: WarningAction): Promise<WarningListRow> {
      assertCan(actor, 'warning.manage');
      await one(actor, id);
      const now = clock.now();
      await db.transaction().execute(async (tx) => {
        const w = (await store.lock(tx, id))!;
        if (!(liveStatuses as readonly string[]).includes(w.status)) throw conflict('warning.closed', `warning ${id} is already ${w.status}`);
        if (a.action === 'acknowledge') {
          if (w.status !== 'open') throw conflict('warning.already_acknowledged', `warning ${id} is ${w.status}`);
          await store.update(tx, id, { status: 'acknowledged', updated_at: now });
        } else if (a.action === 'assign') {
          const user = await store.assignable(tx, a.assignee, w.area_path);
          if (!user) throw invalid('warning.unknown_assignee', `${a.assignee} is not an active account that can see this warning's area`);
          await store.update(tx, id, { status: 'assigned', assignee_id: user.id, assignee_name: user.display_name, updated_at: now });
        } else {
          await store.update(tx, id, { status: a.action === 'resolve' ? 'resolved' : 'dismissed', reason: a.reason?.trim() || null, closed_at: now, updated_at: now });
        }
        await audit.record(tx, now, actor, `warning.${a.action}`, { type: 'warning', id: String(id) }, { ...a });
      });
      return one(actor, id);
    },
  };
}

export type RiskService = ReturnType<typeof createRiskService>;

/** The minute-by-minute scan (every node may run it: the advisory lock lets one at a time through). */
export function startRiskJobs(scan: () => Promise<unknown>, intervalMs: number, logger: Logger): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    scan()
      .catch((err: unknown) => logger.error({ err }, 'risk scan failed'))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
