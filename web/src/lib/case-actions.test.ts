import { describe, expect, it } from 'vitest';
import { permissionsOf } from '../../../shared/permissions.ts';
import { allowedActions, type CaseState } from '../../../shared/cases/state-machine.ts';
import { actionBody, actionsFor, actionSpec, reasonRequired } from './case-actions.ts';

const user = (role: string, departmentCode: string | null = null) => ({ roles: [role], departmentCode, permissions: [...permissionsOf([role])] });
const caseIn = (state: CaseState, main: string | null = 'SZ') => ({ state, allowedActions: allowedActions(state), department: { main } });

describe('case actions offered in the console', () => {
  it('offers the dispatcher filing and dispatch, the clerk only the front-desk decisions', () => {
    expect(actionsFor(caseIn('received', null), user('dispatcher'))).toEqual(expect.arrayContaining(['file', 'reject', 'answer', 'void', 'merge']));
    expect(actionsFor(caseIn('received', null), user('clerk')).sort()).toEqual(['answer', 'note', 'reject', 'urge']);
    expect(actionsFor(caseIn('filed', null), user('dispatcher'))).toContain('dispatch');
  });

  it("offers a handler its own unit's steps and nothing on another unit's case", () => {
    expect(actionsFor(caseIn('dispatched', 'SZ'), user('handler', 'SZ')).sort()).toEqual(['accept', 'note', 'object']);
    expect(actionsFor(caseIn('dispatched', 'HW'), user('handler', 'SZ'))).toEqual(['note']);
    expect(actionsFor(caseIn('handling', 'SZ'), user('handler', 'SZ')).sort()).toEqual(['note', 'object', 'report', 'request_extension']);
  });

  it('offers the grid worker the check of a reported case, and nothing to a leader on it', () => {
    expect(actionsFor(caseIn('reported'), user('gridworker')).sort()).toEqual(['check', 'note', 'rework']);
    expect(actionsFor(caseIn('reported'), user('leader'))).toEqual(['note']);
  });

  it('offers a note (备注) to everyone who sees the case, and 催办 to the front desk on open cases only', () => {
    expect(actionsFor(caseIn('closed'), user('clerk')).sort()).toEqual(['note', 'rate']); // the clerk also takes a rating by phone
    expect(actionsFor(caseIn('handling'), user('clerk')).sort()).toEqual(['note', 'urge']);
    expect(actionSpec('note')).toMatchObject({ fields: ['reason', 'photos'], required: ['reason'] });
    // 核实 before 立案: the grid worker's finding on a received case, with photos
    expect(actionsFor(caseIn('received'), user('gridworker'))).toContain('verify');
    expect(actionSpec('verify')).toMatchObject({ fields: ['reason', 'photos'], required: ['reason'] });
  });

  it('asks each action for what it needs', () => {
    expect(actionSpec('object')).toMatchObject({ required: ['reason'], danger: true });
    expect(actionSpec('report').fields).toEqual(['answer', 'photos']);
    expect(reasonRequired('handling', 'redispatch')).toBe(true);
    expect(reasonRequired('returned', 'redispatch')).toBe(false);
  });

  it('sends only what was filled in, with the version the user saw', () => {
    expect(actionBody('dispatch', 3, { department: '', reason: '  ' })).toEqual({ action: 'dispatch', version: 3 });
    expect(actionBody('report', 5, { answer: ' 已修复 ', attachments: ['a'] })).toEqual({ action: 'report', version: 5, answer: '已修复', attachments: ['a'] });
    expect(actionBody('rate', 7, { rating: 'satisfied', reason: '很好' })).toEqual({ action: 'rate', version: 7, rating: 'satisfied', comment: '很好' });
    expect(actionBody('file', 1, { urgent: false, category: '0501' })).toEqual({ action: 'file', version: 1, category: '0501', urgent: false });
  });
});
