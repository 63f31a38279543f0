import type { Locale } from '../i18n/i18n.ts';

/** 2026-11-23 09:05 in the city's time zone (Asia/Shanghai), whatever the PC is set to. */
export function formatDateTime(iso: string | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const parts = new Intl.DateTimeFormat(locale === 'en-US' ? 'en-CA' : 'zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** 0.8734 → "87%" */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${Math.round(fraction * 100)}%`;
}

/**
 * A caller's number as the clerk's screen shows it once typed: 138****5678. Shoulder-surfing at a busy front
 * desk is a real leak; the full number still goes to the server, which stores it encrypted.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length < 7) return digits.replace(/./g, '*');
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** Mainland mobile (11 digits starting 1[3-9]) or a landline with area code; spaces and dashes allowed. */
export function isPlausiblePhone(phone: string): boolean {
  const p = phone.replace(/[\s-]/g, '');
  return /^1[3-9][0-9]{9}$/.test(p) || /^0[0-9]{2,3}[0-9]{7,8}$/.test(p) || /^[0-9]{7,8}$/.test(p);
}

/** 12345 KB-style size for attachments. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Triage confidence worth acting on without a second look (bulk dispatch offers only these). */
export const CONFIDENT = 0.8;
