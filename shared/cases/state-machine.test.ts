import { describe, expect, it } from 'vitest';
import { permissionTable } from '../permissions.ts';
import { allowedActions, caseActions, caseStates, clockRunningStates, findTransition, internalActions, openStates, remarkActions, transitions } from './state-machine.ts';

describe('case state machine', () => {
  it('walks the main path 受理 → 立案 → 派遣 → 处置 → 反馈 → 核查 → 结案 → 评价', () => {
    const path: [string, string][] = [
      ['received', 'file'],
      ['filed', 'dispatch'],
      ['dispatched', 'accept'],
      ['handling', 'report'],
      ['reported', 'check'],
      ['checked', 'close'],
      ['closed', 'rate'],
    ];
    const reached = path.map(([s, a]) => findTransition(s as never, a as never)?.to);
    expect(reached).toEqual(['filed', 'dispatched', 'handling', 'reported', 'checked', 'closed', 'rated']);
  });

  it('has at most one transition per state and action, and every one names a real permission', () => {
    const keys = transitions.map((t) => `${t.from}:${t.action}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const t of transitions) expect(Object.keys(permissionTable)).toContain(t.permission);
  });

  it('refuses what is not in the table: no dispatch before filing, no rating before closure, nothing after void', () => {
    expect(findTransition('received', 'dispatch')).toBeUndefined();
    expect(findTransition('handling', 'rate')).toBeUndefined();
    for (const a of caseActions) expect(findTransition('void', a)).toBeUndefined();
    for (const a of caseActions) expect(findTransition('rejected', a)).toBeUndefined();
  });

  it('lists allowed next actions without internal ones', () => {
    expect(allowedActions('received').sort()).toEqual(['answer', 'file', 'merge', 'note', 'reject', 'urge', 'verify', 'void']);
    expect(allowedActions('merged')).toEqual([]);
    expect(findTransition('merged', 'close_with_main')?.to).toBe('closed');
    for (const s of caseStates) for (const a of allowedActions(s)) expect(internalActions.has(a)).toBe(false);
  });

  it('every state can be reached from received, and every open state has a way forward', () => {
    const seen = new Set<string>(['received']);
    let grew = true;
    while (grew) {
      grew = false;
      for (const t of transitions) if (seen.has(t.from) && !seen.has(t.to)) (seen.add(t.to), (grew = true));
    }
    expect([...seen].sort()).toEqual([...caseStates].sort());
    for (const s of openStates) expect(allowedActions(s).length).toBeGreaterThan(0);
  });

  it('handler steps are limited to the own department; objections and rework need a reason', () => {
    for (const t of transitions.filter((t) => t.permission === 'case.handle')) expect(t.ownDepartment).toBe(true);
    expect(findTransition('dispatched', 'object')?.needsReason).toBe(true);
    expect(findTransition('reported', 'rework')?.needsReason).toBe(true);
  });

  it('notes go on any case still in the books, 催办 only on open ones, and neither moves the case', () => {
    for (const t of transitions.filter((t) => remarkActions.has(t.action))) expect(t.to).toBe(t.from);
    expect(transitions.filter((t) => t.action === 'urge').map((t) => t.from).sort()).toEqual([...openStates].sort());
    expect(findTransition('closed', 'note')).toBeDefined();
    expect(findTransition('rated', 'note')).toBeDefined();
    expect(findTransition('closed', 'urge')).toBeUndefined();
    expect(findTransition('handling', 'note')?.needsReason).toBe(true);
  });

  it('the clock runs only while the case is with a department or bounced back', () => {
    expect([...clockRunningStates].sort()).toEqual(['dispatched', 'handling', 'returned']);
  });
});
