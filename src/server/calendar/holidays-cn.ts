import type { DayKind } from './working-time.ts';

/**
 * China's 2026 public holidays and make-up workdays (调休) after the State Council's arrangement
 * (国务院办公厅关于2026年部分节假日安排的通知), as best known when this was written. It is only the demo's and a
 * fresh install's starting point: every year's notice differs and cities add local days, so admins edit the
 * calendar through `PUT /api/v1/calendar/days` rather than trusting this list.
 */
export const chinaHolidays2026: readonly { date: string; kind: DayKind; name: string }[] = [
  ...range('2026-01-01', '2026-01-03', '元旦'),
  { date: '2026-01-04', kind: 'workday', name: '元旦调休上班' },
  { date: '2026-02-14', kind: 'workday', name: '春节调休上班' },
  ...range('2026-02-15', '2026-02-23', '春节'),
  { date: '2026-02-28', kind: 'workday', name: '春节调休上班' },
  ...range('2026-04-04', '2026-04-06', '清明节'),
  ...range('2026-05-01', '2026-05-05', '劳动节'),
  { date: '2026-05-09', kind: 'workday', name: '劳动节调休上班' },
  ...range('2026-06-19', '2026-06-21', '端午节'),
  { date: '2026-09-20', kind: 'workday', name: '国庆节调休上班' },
  ...range('2026-09-25', '2026-09-27', '中秋节'),
  ...range('2026-10-01', '2026-10-07', '国庆节'),
  { date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' },
];

function range(from: string, to: string, name: string): { date: string; kind: DayKind; name: string }[] {
  const out: { date: string; kind: DayKind; name: string }[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'holiday', name });
  }
  return out;
}
