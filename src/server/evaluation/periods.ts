import { invalid } from '../errors.ts';
import type { Period } from './store.ts';

/** Periods of the evaluation: a month (2026-11), a quarter (2026-Q4), a year (2026) or any range of days. */

const day = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d));

export interface ResolvedPeriod extends Period {
  /** the period just before, of the same kind (the previous month, quarter, year, or as many days) */
  previous: Period;
}

export function resolvePeriod(q: { period?: string; from?: string; to?: string }, today: string): ResolvedPeriod {
  if (q.period) {
    const m = /^(\d{4})(?:-(\d{2})|-Q([1-4]))?$/.exec(q.period);
    if (!m) throw invalid('evaluation.bad_period', 'period is YYYY-MM, YYYY-Qn or YYYY');
    const y = Number(m[1]);
    let start: number;
    let months: number;
    if (m[2]) {
      start = Number(m[2]) - 1;
      months = 1;
      if (start < 0 || start > 11) throw invalid('evaluation.bad_period', 'month must be 01–12');
    } else if (m[3]) {
      start = (Number(m[3]) - 1) * 3;
      months = 3;
    } else {
      start = 0;
      months = 12;
    }
    const span = (offset: number): Period => ({ from: day(utc(y, start + offset, 1)), to: day(utc(y, start + offset + months, 0)) });
    return { ...span(0), previous: span(-months) };
  }
  const from = q.from ?? `${today.slice(0, 8)}01`;
  const to = q.to ?? today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
    throw invalid('evaluation.bad_period', 'from and to are days, YYYY-MM-DD');
  }
  if (from > to) throw invalid('evaluation.bad_period', 'from must not be after to');
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (days > 3 * 366) throw invalid('evaluation.bad_period', 'a period covers at most three years');
  const prevTo = new Date(Date.parse(from) - 86_400_000);
  return { from, to, previous: { from: day(new Date(prevTo.getTime() - (days - 1) * 86_400_000)), to: day(prevTo) } };
}

/** The months a range touches, YYYY-MM, in order (the trend's x axis). */
export function monthsOf(p: Period): string[] {
  const out: string[] = [];
  let y = Number(p.from.slice(0, 4));
  let m = Number(p.from.slice(5, 7));
  const end = p.to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end || out.length > 60) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}
