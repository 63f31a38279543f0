import { describe, expect, it } from 'vitest';
import { caseRow, handlerNow, runHandler } from '../../../../test/support/case-action.ts';
import { systemActor } from '../../access/permissions.ts';
import { note } from './note.ts';

const staff = (departmentCode: string | null, dispatch: boolean) => ({ ...systemActor('c', 'u'), roles: ['handler'], departmentCode, permissions: new Set(dispatch ? (['case.read', 'case.dispatch'] as const) : (['case.read'] as const)) });

describe('note (备注)', () => {
  it('reaches the unit holding the case, unless that unit wrote it', async () => {
    const held = caseRow({ state: 'handling', main_department: 'SW' });
    expect((await runHandler(note, 'note', held, { reason: '现场有积水' }, { actor: staff(null, true) })).notices).toEqual([{ recipient_type: 'department', recipient: 'SW', kind: 'case.note', title: '案件 2026112300001 有新备注' }]);
    expect((await runHandler(note, 'note', held, { reason: '已到场' }, { actor: staff('SW', false) })).notices).toEqual([{ recipient_type: 'role', recipient: 'dispatcher', kind: 'case.note', title: '案件 2026112300001 有新备注' }]);
  });
  it('on a closed case reaches the command centre, and a dispatcher writing it tells no one', async () => {
    const closed = caseRow({ state: 'closed', main_department: 'SW' });
    expect((await runHandler(note, 'note', closed, { reason: '市民来电补充' }, { actor: staff(null, false) })).notices.map((n) => n.recipient)).toEqual(['dispatcher']);
    expect((await runHandler(note, 'note', closed, { reason: '批示' }, { actor: staff(null, true) })).notices).toEqual([]);
  });
});
