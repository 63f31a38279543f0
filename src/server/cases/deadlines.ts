import { deadlineFor, hoursUsed, type WorkingCalendar } from '../calendar/working-time.ts';
import type { CaseState } from '../../../shared/cases/state-machine.ts';

/**
 * 处置时限 and 督办 as pure functions of the case's clock fields, the calendar and "now", so the service and the
 * sweeper agree and tests check numbers instead of waiting.
 */

/** A yellow card when this share of the allowed time is used up. */
export const YELLOW_SHARE = 0.8;

export interface CaseClock {
  deadlineHours: number | null;
  workingTime: boolean | null;
  dueAt: Date | null;
  yellowAt: Date | null;
  pausedSince: Date | null;
  pausedMs: number;
}

export type SupervisionLevel = 'none' | 'yellow' | 'red';

export interface ClockPatch {
  /** the taxonomy version the limit was taken from (set when the clock starts) */
  taxonomyVersion?: number;
  deadlineHours?: number;
  workingTime?: boolean;
  dueAt?: Date | null;
  yellowAt?: Date | null;
  pausedSince?: Date | null;
  pausedMs?: number;
}

/** Starts the handling clock at the first dispatch. */
export function startClock(now: Date, rule: { hours: number; workingTime: boolean }, cal: WorkingCalendar): ClockPatch {
  return {
    deadlineHours: rule.hours,
    workingTime: rule.workingTime,
    dueAt: deadlineFor(now, rule, cal),
    yellowAt: deadlineFor(now, { hours: rule.hours * YELLOW_SHARE, workingTime: rule.workingTime }, cal),
    pausedSince: null,
  };
}

export const pauseClock = (now: Date): ClockPatch => ({ pausedSince: now });

/**
 * Restarts a paused clock: whatever was left when it stopped (plus any approved extension) counts again from
 * now, in the same kind of hours. A deadline already passed when the clock stopped stays passed, unless an
 * extension gives new time.
 */
export function resumeClock(c: CaseClock, now: Date, cal: WorkingCalendar, extraHours = 0): ClockPatch {
  if (!c.dueAt || c.deadlineHours === null) return { pausedSince: null };
  const rule = { workingTime: c.workingTime ?? false };
  const from = c.pausedSince ?? now;
  const remaining = Math.max(0, hoursUsed(from, c.dueAt, rule, cal));
  const allowed = c.deadlineHours + extraHours;
  const left = remaining + extraHours;
  const patch: ClockPatch = {
    deadlineHours: allowed,
    pausedSince: null,
    pausedMs: c.pausedMs + Math.max(0, now.getTime() - from.getTime()),
  };
  if (left > 0) patch.dueAt = deadlineFor(now, { hours: left, workingTime: rule.workingTime }, cal);
  const yellowLeft = left - allowed * (1 - YELLOW_SHARE);
  if (yellowLeft > 0) patch.yellowAt = deadlineFor(now, { hours: yellowLeft, workingTime: rule.workingTime }, cal);
  else if (c.yellowAt && c.yellowAt > now) patch.yellowAt = now;
  return patch;
}

/** The level a running clock has reached at `now`; levels only ever go up. */
export function supervisionAt(c: Pick<CaseClock, 'dueAt' | 'yellowAt' | 'pausedSince'>, current: SupervisionLevel, now: Date): SupervisionLevel {
  if (current === 'red' || !c.dueAt || c.pausedSince) return current;
  if (c.dueAt <= now) return 'red';
  if (current === 'none' && c.yellowAt && c.yellowAt <= now) return 'yellow';
  return current;
}

/**
 * Step limits (环节时限) in clock hours: how long a case may wait in a step before the next person must act.
 * Shown on the case so the person whose turn it is sees it; the handling deadline is what supervision uses.
 */
const stepHours: Partial<Record<CaseState, number>> = {
  received: 2, // 受理 → 立案
  filed: 2, // 立案 → 派遣
  dispatched: 2, // 签收
  returned: 2, // 退单 → 改派
  extension_requested: 24, // decision on an extension
  reported: 24, // 核查
  checked: 24, // 结案
};

export function stepDue(state: CaseState, now: Date): Date | null {
  const h = stepHours[state];
  return h === undefined ? null : new Date(now.getTime() + h * 3_600_000);
}
