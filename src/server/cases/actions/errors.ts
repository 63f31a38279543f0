import { AppError, conflict } from '../../errors.ts';
import { allowedActions, stateNames } from '../../../../shared/cases/state-machine.ts';
import type { CaseRow } from '../store.ts';

export const illegalTransition = (c: CaseRow, action: string) =>
  new AppError(
    409,
    'case.illegal_transition',
    `case ${c.code} is ${c.state} (${stateNames[c.state]}); ${action} is not possible now. Allowed next: ${allowedActions(c.state).join(', ') || 'none'}`,
    { state: c.state, action, allowed: allowedActions(c.state) },
  );

export const staleVersion = (c: CaseRow) => conflict('case.conflict', `case ${c.code} was changed by someone else; reload it and try again`, { state: c.state, version: c.version });
