import type { Actor } from '../../access/permissions.ts';
import type { Db } from '../../db/database.ts';
import { invalid } from '../../errors.ts';
import type { CaseCore } from '../core.ts';
import type { CaseChange } from '../event-bus.ts';
import type { NewNotification } from '../notifications.ts';
import type { CaseAction, Transition } from '../../../../shared/cases/state-machine.ts';
import type { CasePatch, CaseRow, Rating } from '../store.ts';

export interface ActInput {
  /** the version the caller saw; a stale one is refused with 409 case.conflict */
  version?: number;
  reason?: string;
  attachments?: string[];
  category?: string;
  nature?: string;
  urgent?: boolean;
  priority?: number;
  department?: string;
  coDepartments?: string[];
  /** merge: the main case's code */
  into?: string;
  /** extension hours (requested, or granted ≤ requested) */
  hours?: number;
  /** answer text: 直接办结, 反馈 result, 结案 answer */
  answer?: string;
  rating?: Rating;
  comment?: string;
}

/**
 * What one action's handler works with: the case as read, the checked input, and the pieces of the one
 * transaction the workflow writes afterwards — the patch, the event payload, notifications and follow-ups.
 * A handler adds to these (or throws a 4xx); it never writes the case itself.
 */
export interface ActionContext {
  core: CaseCore;
  actor: Actor;
  action: CaseAction;
  /** the case before the action */
  c: CaseRow;
  tr: Transition;
  input: ActInput;
  now: Date;
  /** trimmed reason, or null */
  reason: string | null;
  /** photos among the attachments named (checked to belong to the case) */
  evidence: { photos: number };
  /** the category after this action (a file or dispatch may set it) */
  category: string | null;
  patch: CasePatch;
  payload: Record<string, unknown>;
  /** queues a notification; one to a reporter without contact is dropped */
  notice(recipientType: NewNotification['recipient_type'], recipient: string, kind: string, title: string): void;
  /** runs in the transaction after the case row is written */
  after(step: (tx: Db, updated: CaseRow) => Promise<void>): void;
  /** hours added to the deadline (an approved extension) */
  extendBy(hours: number): void;
  /** further changes to publish after commit (merged cases closing with their main case) */
  alsoChanged: CaseChange[];
}

export type ActionHandler = (ctx: ActionContext) => void | Promise<void>;

/** The trimmed text, or 400 `code` saying what is missing. */
export function requireText(value: string | undefined, code: string, what: string): string {
  const v = value?.trim();
  if (!v) throw invalid(code, what);
  return v;
}
