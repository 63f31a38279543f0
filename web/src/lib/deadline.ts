/**
 * The deadline clock a handler and a dispatcher see. The server decides the supervision level (督办: yellow at
 * 80 % of the allowed time, red when overdue) on its working-time calendar; the browser only counts down to
 * the due time the server computed, using the server's clock, and stops while the case's clock is paused.
 */

export type Card = 'none' | 'yellow' | 'red';

export interface DeadlineInput {
  dueAt: string | null;
  yellowAt?: string | null;
  /** set while the clock stands still (parked, waiting for an extension decision, reported) */
  pausedSince?: string | null;
  /** the server's current level, which wins over the browser's estimate */
  supervision?: Card;
}

export interface DeadlineState {
  hasDeadline: boolean;
  paused: boolean;
  /** negative when overdue */
  remainingMs: number;
  card: Card;
}

export function deadlineState(input: DeadlineInput, nowMs: number): DeadlineState {
  if (!input.dueAt) return { hasDeadline: false, paused: false, remainingMs: 0, card: input.supervision ?? 'none' };
  const due = Date.parse(input.dueAt);
  const paused = !!input.pausedSince;
  // A paused clock shows the time that was left when it stopped, not a number still running down.
  const reference = paused ? Date.parse(input.pausedSince!) : nowMs;
  const remainingMs = due - reference;
  let card: Card = 'none';
  if (remainingMs < 0) card = 'red';
  else if (input.yellowAt && reference >= Date.parse(input.yellowAt)) card = 'yellow';
  // The server's verdict can only raise the card (it knows the calendar); never lower it.
  const rank: Record<Card, number> = { none: 0, yellow: 1, red: 2 };
  if (input.supervision && rank[input.supervision] > rank[card]) card = input.supervision;
  return { hasDeadline: true, paused, remainingMs, card };
}

export interface DurationParts {
  days: number;
  hours: number;
  minutes: number;
}

/** |ms| as days/hours/minutes, rounded down to the minute. */
export function durationParts(ms: number): DurationParts {
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  return { days: Math.floor(totalMinutes / 1440), hours: Math.floor((totalMinutes % 1440) / 60), minutes: totalMinutes % 60 };
}

/** Two most significant units: "2天3小时", "5小时12分钟", "8分钟". */
export function formatDuration(ms: number, unit: { days(n: number): string; hours(n: number): string; minutes(n: number): string }): string {
  const { days, hours, minutes } = durationParts(ms);
  if (days > 0) return hours > 0 ? `${unit.days(days)}${unit.hours(hours)}` : unit.days(days);
  if (hours > 0) return minutes > 0 ? `${unit.hours(hours)}${unit.minutes(minutes)}` : unit.hours(hours);
  return unit.minutes(minutes);
}
