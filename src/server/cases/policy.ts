import { AppError } from '../errors.ts';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Transition } from '../../../shared/cases/state-machine.ts';
import type { CaseRow, Channel } from './store.ts';

/**
 * Object-level rules of a case (what the permission table cannot say): who files through which channel, who
 * sees which case, who may move it, and who is reached by news about it.
 */

// Which channels a role may file under from the HTTP API: a clerk types hotline calls, a grid worker patrols.
// Open311 and IoT come only through their own modules (they call intake with a system actor).
const channelsByRole: Record<string, readonly Channel[]> = {
  clerk: ['hotline', 'web', 'app', 'api'],
  gridworker: ['gridworker'],
  citizen: ['web', 'app'],
  dispatcher: ['hotline', 'web', 'app', 'api', 'gridworker'],
  admin: ['hotline', 'web', 'app', 'api', 'gridworker', 'iot', 'open311'],
  system: ['hotline', 'web', 'app', 'api', 'gridworker', 'iot', 'open311'],
};

/** 403 unless one of the actor's roles files through `channel`. */
export function assertChannel(actor: Actor, channel: Channel): void {
  const allowed = actor.roles.flatMap((r) => channelsByRole[r] ?? []);
  if (!allowed.includes(channel)) throw new AppError(403, 'case.channel_not_allowed', `your role does not file cases through the ${channel} channel`, { allowed: [...new Set(allowed)] });
}

/** Department-bound staff without dispatch or check rights only see their department's work. */
export function departmentBound(actor: Actor): string | null {
  if (!actor.departmentCode) return null;
  if (actor.permissions.has('case.dispatch') || actor.permissions.has('case.check') || actor.permissions.has('case.accept')) return null;
  return actor.departmentCode;
}

/** A department-bound viewer sees the cases its department leads or helps with. */
export function departmentMaySee(actor: Actor, c: CaseRow): boolean {
  const dep = departmentBound(actor);
  return dep === null || c.main_department === dep || c.co_departments.includes(dep);
}

/** The transition's permission, and for the handling steps, that the actor's department holds the case. */
export function assertMayAct(actor: Actor, c: CaseRow, tr: Transition): void {
  assertCan(actor, tr.permission);
  if (!tr.ownDepartment) return;
  const isAdmin = actor.roles.includes('admin') || actor.roles.includes('system');
  if (actor.departmentCode ? actor.departmentCode !== c.main_department : !isAdmin) {
    throw new AppError(403, 'case.not_your_department', `case ${c.code} is with ${c.main_department ?? 'no department'}; only that department can ${tr.action} it`);
  }
}

/** A reporter without phone or email (anonymous) has nowhere to receive the outcome but the public page. */
export const hasContact = (c: CaseRow) => c.reporter_phone !== null || c.reporter_email !== null;

/** The unit that holds an open case right now (dispatched to it and not yet reported back), if any. */
export const holdingUnit = (c: CaseRow) => (c.main_department && ['dispatched', 'handling', 'extension_requested', 'parked'].includes(c.state) ? c.main_department : null);
