import { describe, expect, it } from 'vitest';
import { caseRow, runHandler } from '../../../../test/support/case-action.ts';
import { allowedActions, findTransition, remarkActions } from '../../../../shared/cases/state-machine.ts';
import { verify } from './verify.ts';

describe('verify (核实)', () => {
  it('is open on a received case only, needs a finding and the on-site permission, and does not move the case', () => {
    expect(findTransition('received', 'verify')).toMatchObject({ to: 'received', permission: 'case.check', needsReason: true });
    expect(remarkActions.has('verify')).toBe(true);
    for (const s of ['filed', 'dispatched', 'handling', 'closed'] as const) expect(allowedActions(s)).not.toContain('verify');
  });
  it('records the finding with its photo count and tells the command centre', async () => {
    const r = await runHandler(verify, 'verify', caseRow({ state: 'received' }), { reason: '现场确有占道经营' }, { photos: 2 });
    expect(r.payload).toEqual({ verified: true, photos: 2 });
    expect(r.patch.verified_at).toEqual(new Date('2026-11-23T02:00:00Z'));
    expect(r.notices).toEqual([{ recipient_type: 'role', recipient: 'dispatcher', kind: 'case.verified', title: '案件 2026112300001 已现场核实，可决定是否立案' }]);
  });
});
