import { assertCan, type Actor } from '../access/permissions.ts';
import { parseOffset } from '../calendar/working-time.ts';
import type { Deps } from '../context.ts';
import { invalid, notFound } from '../errors.ts';
import { defaultSchemes, indicatorByCode, indicators, normalisationText, pointsOf, round4, schemeBody, schemeProblem, scoreOf, type AreaLevel, type SchemeInput, type SubjectType } from '../../../shared/evaluation.ts';
import { monthsOf, resolvePeriod, type ResolvedPeriod } from './periods.ts';
import { createEvaluationStore, type Period, type SchemeRow, type SubjectTotals, type Totals } from './store.ts';

export interface ScoreQuery {
  subject: SubjectType;
  period?: string;
  from?: string;
  to?: string;
  level?: AreaLevel;
  scheme?: string;
}

interface Subject {
  type: SubjectType;
  code: string;
  name: string;
  /** rollup key: department code, area path, user id */
  key: string;
  km2?: number | null;
  roles?: string[];
}

/** 综合评价: published indicators, weight schemes, scores and rankings from the rollups, trends and drill-down. */
export function createEvaluationService(deps: Deps) {
  // scores, trends, drills and the pulse read the rollups through the replica when one is set (seconds of lag
  // are fine for a ranking); schemes and rebuilds write, on the primary
  const { db, readDb, clock, audit } = deps;
  const store = createEvaluationStore();
  const offsetMin = parseOffset(deps.config.TZ_OFFSET);
  let defaultsChecked = false;

  const today = () => new Date(clock.now().getTime() + offsetMin * 60_000).toISOString().slice(0, 10);

  async function schemes(): Promise<SchemeRow[]> {
    if (!defaultsChecked) {
      const have = new Set((await store.schemes(db)).map((s) => s.code));
      for (const s of defaultSchemes) {
        if (!have.has(s.code)) await store.upsertScheme(db, toRow(s.code, s, 'system'), clock.now());
      }
      defaultsChecked = true;
    }
    return store.schemes(db);
  }

  const toRow = (code: string, s: SchemeInput, by: string): Omit<SchemeRow, 'updated_at'> => ({
    code,
    subject_type: s.subjectType,
    name: s.name,
    weights: s.weights,
    min_cases: s.minCases,
    max_share: s.maxShare,
    is_default: s.isDefault ?? false,
    updated_by: by,
  });

  async function schemeFor(type: SubjectType, code?: string): Promise<SchemeRow> {
    const all = await schemes();
    const s = code ? all.find((x) => x.code === code) : all.find((x) => x.subject_type === type && x.is_default);
    if (!s) throw notFound('evaluation_scheme', code ?? type);
    if (s.subject_type !== type) throw invalid('evaluation.scheme_subject_mismatch', `scheme ${s.code} is for ${s.subject_type}, not ${type}`);
    return s;
  }

  // areas with their surfaces change with a grid import, not per request: kept a minute per scope and level
  const areaCache = new Map<string, { at: number; rows: Subject[] }>();
  async function subjects(actor: Actor, type: SubjectType, level: AreaLevel): Promise<Subject[]> {
    if (type === 'department') return (await store.departments(readDb)).map((d) => ({ type, code: d.code, name: d.name, key: d.code }));
    if (type === 'area') {
      const key = `${actor.scopePath}|${level}`;
      const hit = areaCache.get(key);
      if (hit && Date.now() - hit.at < 60_000) return hit.rows;
      const rows = (await store.areas(readDb, actor.scopePath, level)).map((a) => ({ type, code: a.code, name: a.name, key: a.path, km2: a.km2 }));
      areaCache.set(key, { at: Date.now(), rows });
      return rows;
    }
    return (await store.posts(readDb, actor.scopePath)).map((u) => ({ type, code: u.username, name: u.display_name, key: u.id, roles: u.roles }));
  }

  function totalsFor(actor: Actor, type: SubjectType, p: Period, level: AreaLevel): Promise<SubjectTotals[]> {
    if (type === 'department') return store.departmentTotals(readDb, actor.scopePath, p);
    if (type === 'area') return store.areaTotals(readDb, actor.scopePath, p, level);
    return store.actorTotals(readDb, p);
  }

  /** How many cases a subject's score rests on: dispatched to a unit, received in an area, handled by a person. */
  const caseCountOf = (type: SubjectType, t: Totals) =>
    type === 'department' ? (t.dispatched ?? 0) : type === 'area' ? (t.received ?? 0) : (t.intakes ?? 0) + (t.reports ?? 0) + (t.dispatched ?? 0) + (t.checks ?? 0);

  function indicatorValues(type: SubjectType, s: Subject, t: Totals) {
    return indicators
      .filter((d) => d.subjects.includes(type))
      .map((d) => {
        const numerator = t[d.numerator] ?? 0;
        const denominator = d.denominator === null ? null : d.denominator === 'area_km2' ? (s.km2 ? Math.round(s.km2 * 1000) / 1000 : 0) : (t[d.denominator] ?? 0);
        const value = denominator === null ? numerator : denominator > 0 ? round4((numerator * d.scale) / denominator) : null;
        return { code: d.code, value, numerator, denominator };
      });
  }

  /** Scores of every subject of a type over a period, ranked; the numbers are enough to recompute each score. */
  async function compute(actor: Actor, type: SubjectType, p: Period, level: AreaLevel, scheme: SchemeRow, list: Subject[]) {
    const totals = await totalsFor(actor, type, p, level);
    const byKey = new Map(totals.map((x) => [x.key, x.totals]));
    const rows = list.map((s) => {
      const t = byKey.get(s.key) ?? {};
      return { s, t, caseCount: caseCountOf(type, t), values: indicatorValues(type, s, t) };
    });
    // relative indicators are measured against the best listed subject
    const max = new Map<string, number>();
    for (const r of rows) for (const v of r.values) if (v.value !== null) max.set(v.code, Math.max(max.get(v.code) ?? 0, v.value));
    const items = rows.map((r) => {
      const inds = r.values.map((v) => ({ ...v, points: pointsOf(indicatorByCode.get(v.code)!, v.value, max.get(v.code) ?? 0) }));
      return {
        subject: { type, code: r.s.code, name: r.s.name },
        score: r.caseCount > 0 ? scoreOf(scheme.weights, inds) : null,
        rank: null as number | null,
        ranked: r.caseCount >= Math.max(1, scheme.min_cases),
        caseCount: r.caseCount,
        indicators: inds,
      };
    });
    const ranked = items.filter((i) => i.ranked && i.score !== null).sort((a, b) => b.score! - a.score! || a.subject.code.localeCompare(b.subject.code));
    ranked.forEach((it, i) => (it.rank = i > 0 && ranked[i - 1]!.score === it.score ? ranked[i - 1]!.rank : i + 1));
    return items.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || b.caseCount - a.caseCount || a.subject.code.localeCompare(b.subject.code));
  }

  const presentScheme = (s: SchemeRow) => ({
    code: s.code,
    name: s.name,
    subjectType: s.subject_type,
    weights: s.weights,
    minCases: s.min_cases,
    maxShare: s.max_share,
    isDefault: s.is_default,
    normalisation: normalisationText,
    updatedAt: s.updated_at.toISOString(),
    updatedBy: s.updated_by,
  });

  async function scores(actor: Actor, q: ScoreQuery) {
    assertCan(actor, 'evaluation.read');
    const period: ResolvedPeriod = resolvePeriod(q, today());
    const level = q.level ?? 'district';
    const scheme = await schemeFor(q.subject, q.scheme);
    // the subjects once for both periods (600 grids with their surfaces are the costliest read)
    const list = await subjects(actor, q.subject, level);
    const [items, previous] = await Promise.all([compute(actor, q.subject, period, level, scheme, list), compute(actor, q.subject, period.previous, level, scheme, list)]);
    const before = new Map(previous.map((p) => [p.subject.code, p.rank]));
    return {
      from: period.from,
      to: period.to,
      previous: { from: period.previous.from, to: period.previous.to },
      level: q.subject === 'area' ? level : undefined,
      scheme: { code: scheme.code, name: scheme.name, weights: scheme.weights, minCases: scheme.min_cases, normalisation: normalisationText },
      items: items.map((it) => {
        const prev = before.get(it.subject.code) ?? null;
        return {
          ...it,
          previousRank: prev,
          // positive: moved up since the previous period
          rankDelta: it.rank !== null && prev !== null ? prev - it.rank : null,
          indicators: it.indicators.map((i) => ({ ...i, drill: drillOf(q.subject, it.subject.code, i.code, period, level) })),
        };
      }),
    };
  }

  function drillOf(type: SubjectType, code: string, indicator: string, p: Period, level: AreaLevel) {
    const d = indicatorByCode.get(indicator)!;
    const base = { subject: type, code, from: p.from, to: p.to, ...(type === 'area' ? { level } : {}) };
    return {
      numerator: { ...base, column: d.numerator },
      denominator: d.denominator && d.denominator !== 'area_km2' ? { ...base, column: d.denominator } : null,
    };
  }

  return {
    indicators(actor: Actor) {
      assertCan(actor, 'evaluation.read');
      return {
        normalisation: normalisationText,
        items: indicators.map((d) => ({
          code: d.code,
          name: d.name,
          nameEn: d.nameEn,
          formula: d.formula,
          direction: d.direction,
          unit: d.unit,
          numerator: d.numerator,
          denominator: d.denominator,
          normalisation: d.normalisation,
          subjects: [...d.subjects],
        })),
      };
    },

    async listSchemes(actor: Actor) {
      assertCan(actor, 'evaluation.read');
      return { items: (await schemes()).map(presentScheme) };
    },

    async putScheme(actor: Actor, code: string, body: unknown) {
      assertCan(actor, 'evaluation.manage');
      const parsed = schemeBody.safeParse(body);
      if (!parsed.success) throw invalid('evaluation.bad_scheme', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const problem = schemeProblem(parsed.data);
      if (problem) throw invalid(problem.code, problem.detail);
      const existing = (await schemes()).find((s) => s.code === code);
      if (existing?.is_default && parsed.data.isDefault === false) throw invalid('evaluation.default_required', `${code} is the default ${existing.subject_type} scheme; make another one the default first`);
      const row = toRow(code, { ...parsed.data, isDefault: parsed.data.isDefault ?? existing?.is_default ?? false }, actor.username);
      await db.transaction().execute(async (tx) => {
        await store.upsertScheme(tx, row, clock.now());
        await audit.record(tx, clock.now(), actor, 'evaluation.scheme.put', { type: 'evaluation_scheme', id: code }, { weights: row.weights, minCases: row.min_cases, maxShare: row.max_share, isDefault: row.is_default });
      });
      return presentScheme((await schemes()).find((s) => s.code === code)!);
    },

    scores,

    /** Monthly points of one subject: each indicator's value and the score per month. */
    async trend(actor: Actor, q: { subject: SubjectType; code: string; from?: string; to?: string; scheme?: string }) {
      assertCan(actor, 'evaluation.read');
      const to = q.to ?? today();
      const from = q.from ?? `${String(Number(to.slice(0, 4)) - 1)}-${to.slice(5, 7)}-01`;
      const period = resolvePeriod({ from, to }, today());
      const scheme = await schemeFor(q.subject, q.scheme);
      let subject: Subject | undefined;
      if (q.subject === 'area') {
        const a = await store.areaByCode(readDb, q.code);
        if (a && a.level !== 'city') subject = (await subjects(actor, 'area', a.level as AreaLevel)).find((s) => s.code === q.code);
      } else subject = (await subjects(actor, q.subject, 'district')).find((s) => s.code === q.code);
      if (!subject) throw notFound(q.subject, q.code);
      const rows = new Map((await store.monthly(readDb, actor.scopePath, period, { type: q.subject, key: subject.key })).map((r) => [r.month, r.totals]));
      const points = monthsOf(period).map((month) => {
        const t = rows.get(month) ?? {};
        const values = indicatorValues(q.subject, subject, t).map((v) => ({ ...v, points: indicatorByCode.get(v.code)!.normalisation === 'relative' ? null : pointsOf(indicatorByCode.get(v.code)!, v.value, 0) }));
        const caseCount = caseCountOf(q.subject, t);
        return { month, caseCount, score: caseCount > 0 ? scoreOf(scheme.weights, values) : null, indicators: values };
      });
      return { subject: { type: q.subject, code: subject.code, name: subject.name }, from: period.from, to: period.to, scheme: { code: scheme.code }, points };
    },

    /** The cases behind a numerator or denominator (a `drill` object of the scores answer). */
    async drill(actor: Actor, q: { subject: SubjectType; code: string; column: string; from: string; to: string; level?: AreaLevel; page: number; pageSize: number }) {
      assertCan(actor, 'evaluation.read');
      assertCan(actor, 'case.read');
      const period = resolvePeriod({ from: q.from, to: q.to }, today());
      const subject = q.subject === 'area' ? await store.areaByCode(readDb, q.code).then((a) => (a ? { key: a.path } : undefined)) : (await subjects(actor, q.subject, 'district')).find((s) => s.code === q.code);
      if (!subject) throw notFound(q.subject, q.code);
      const r = await store.drill(readDb, { scopePath: actor.scopePath, column: q.column, subject: { type: q.subject, key: subject.key }, period, page: q.page, pageSize: q.pageSize });
      return { ...r, page: q.page, pageSize: q.pageSize };
    },

    /** The big screen's pulse: today's intake and dispatches beside the average of the 7 days before. */
    async pulse(actor: Actor) {
      assertCan(actor, 'evaluation.read');
      const end = today();
      const start = new Date(Date.parse(end) - 7 * 86_400_000).toISOString().slice(0, 10);
      const rows = new Map((await store.daily(readDb, actor.scopePath, { from: start, to: end })).map((r) => [r.day, r]));
      const days = Array.from({ length: 8 }, (_, i) => new Date(Date.parse(start) + i * 86_400_000).toISOString().slice(0, 10));
      const series = days.map((day) => ({ day, received: rows.get(day)?.received ?? 0, dispatched: rows.get(day)?.dispatched ?? 0 }));
      const prior = series.slice(0, 7);
      const avg = (k: 'received' | 'dispatched') => Math.round((prior.reduce((s, d) => s + d[k], 0) / 7) * 10) / 10;
      return { today: series[7]!, avg7: { received: avg('received'), dispatched: avg('dispatched') }, series };
    },

    /** Recomputes facts and rollups from the case events (after a bulk load or a settings change). */
    async rebuild(actor: Actor) {
      assertCan(actor, 'evaluation.manage');
      const n = await store.rebuild(db);
      await db.transaction().execute((tx) => audit.record(tx, clock.now(), actor, 'evaluation.rebuild', { type: 'evaluation', id: 'rollups' }, { cases: n }));
      return { cases: n };
    },
  };
}

export type EvaluationService = ReturnType<typeof createEvaluationService>;
