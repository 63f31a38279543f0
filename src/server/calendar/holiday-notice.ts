import type { DayKind } from './working-time.ts';

/** One day the notice names: a holiday (放假) or a make-up workday (调休上班). */
export interface NoticeDay {
  date: string;
  kind: DayKind;
  name: string;
}

/** A line of the notice this parser could not read, so the admin's preview shows it instead of dropping it. */
export interface NoticeProblem {
  line: string;
  reason: 'no_dates' | 'day_count_mismatch' | 'bad_date';
}

export interface ParsedNotice {
  year: number;
  days: NoticeDay[];
  problems: NoticeProblem[];
}

// "一、元旦：" — the numbered festival lines; everything else in the notice (title, preamble, signature) is prose
const festivalLine = /^\s*[一二三四五六七八九十]+、\s*([^：:]+)[：:]\s*(.+)$/;
// "2022年12月31日（周六）" / "1月1日（周四）" / "3日（周六）": year and month are optional after the first date
const datePart = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(][^）)]*[）)])?/g;

/**
 * Reads the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知) pasted as text.
 * Why a parser and not a form: the notice is the authority cities copy from every November, and re-typing
 * 30-odd dates by hand is where mistakes come from. The result is a preview; nothing is saved here.
 * `year` defaults to the one in the title ("关于2026年").
 */
export function parseHolidayNotice(text: string, year?: number): ParsedNotice {
  const normalised = text.replace(/\r/g, '').replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  const titleYear = /关于\s*(\d{4})\s*年/.exec(normalised)?.[1];
  const theYear = year ?? (titleYear ? Number(titleYear) : new Date().getUTCFullYear());
  const days: NoticeDay[] = [];
  const problems: NoticeProblem[] = [];
  for (const raw of normalised.split('\n')) {
    const m = festivalLine.exec(raw);
    if (!m) continue;
    const name = m[1]!.trim();
    const body = m[2]!;
    const line = raw.trim();
    // sentences: "……放假调休，共8天。1月26日（周日）、2月8日（周六）上班。"
    const sentences = body.split('。').map((s) => s.trim()).filter(Boolean);
    let found = false;
    for (const sentence of sentences) {
      if (sentence.includes('放假')) {
        const dates = readDates(sentence.slice(0, sentence.indexOf('放假')), theYear);
        if (!dates) {
          problems.push({ line, reason: 'bad_date' });
          continue;
        }
        if (dates.length === 0) continue;
        const from = dates[0]!;
        const to = dates.length > 1 ? dates[dates.length - 1]! : from;
        const span = spanDays(from, to);
        // "共8天" / "放假1天": the notice states the length; a mismatch means we misread it
        const stated = /共\s*(\d+)\s*天/.exec(sentence)?.[1] ?? /放假\s*(\d+)\s*天/.exec(sentence)?.[1];
        if (span.length === 0 || (stated !== undefined && Number(stated) !== span.length)) {
          problems.push({ line, reason: 'day_count_mismatch' });
          continue;
        }
        for (const date of span) days.push({ date, kind: 'holiday', name });
        found = true;
      } else if (/上班\s*$/.test(sentence)) {
        const dates = readDates(sentence, theYear);
        if (!dates) {
          problems.push({ line, reason: 'bad_date' });
          continue;
        }
        for (const date of dates) days.push({ date, kind: 'workday', name: `${name}调休上班` });
        found = found || dates.length > 0;
      }
    }
    if (!found && !problems.some((p) => p.line === line)) problems.push({ line, reason: 'no_dates' });
  }
  days.sort((a, b) => a.date.localeCompare(b.date));
  return { year: theYear, days, problems };
}

/** Dates in one sentence, each inheriting the year and month of the one before ("1月1日至3日"); null if one is impossible. */
function readDates(sentence: string, year: number): string[] | null {
  const out: string[] = [];
  let y = year;
  let mo: number | null = null;
  for (const m of sentence.matchAll(datePart)) {
    if (m[1]) y = Number(m[1]);
    if (m[2]) mo = Number(m[2]);
    if (mo === null) return null;
    const d = Number(m[3]);
    const iso = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const t = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso) return null;
    out.push(iso);
  }
  return out;
}

function spanDays(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 62; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
