/**
 * The city's fixed UTC offset (TZ_OFFSET), as text and as minutes. Parsed once, in config.ts; the calendar,
 * case codes, Open311 dates and the City Brain's rule schedules all use the same minutes.
 */

export class OffsetError extends Error {
  override name = 'OffsetError';
}

/** `+08:00` → 480, `-05:30` → -330, `Z` → 0; anything else throws (a wrong offset must not pass silently). */
export function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) throw new OffsetError(`bad UTC offset ${JSON.stringify(text)}: use +HH:MM`);
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 14 * 60) throw new OffsetError(`UTC offset ${text} is out of range`);
  return m[1] === '-' ? -minutes : minutes;
}

/** Formats minutes east of UTC as `+08:00`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
