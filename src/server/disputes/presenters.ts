import type { z } from 'zod';
import type { disputeDetail, disputeSummary } from '../../../shared/disputes.ts';
import type { DisputeView } from './service.ts';
import type { RegisterRow } from './store.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDispute(r: RegisterRow): z.infer<typeof disputeSummary> {
  return {
    code: r.code,
    caseState: r.case_state,
    category: r.category,
    type: r.type as z.infer<typeof disputeSummary>['type'],
    riskLevel: r.risk_level,
    state: r.state,
    mediator: { kind: r.mediator_kind as z.infer<typeof disputeSummary>['mediator']['kind'], name: r.mediator_name },
    summary: r.summary,
    area: r.area_path.split('.').pop()!,
    gridCode: r.grid_code,
    dueAt: iso(r.due_at),
    supervision: r.supervision,
    lastSessionAt: iso(r.last_session_at),
    reopenCount: r.reopen_count,
    createdAt: r.created_at.toISOString(),
  };
}

export function presentDisputeDetail(v: DisputeView): z.infer<typeof disputeDetail> {
  const r = v.row;
  return {
    ...presentDispute(r),
    parties: v.parties,
    sessions: v.sessions.map((s) => ({ id: s.id, heldAt: s.held_at.toISOString(), place: s.place, attendees: s.attendees, minutes: s.minutes, attachments: s.attachments, recordedBy: s.recorded_by_name })),
    outcome: r.outcome
      ? { kind: r.outcome, agreementText: r.agreement_text, agreementAttachment: r.agreement_attachment, handoverTo: r.handover_to, receivingBody: r.receiving_body, at: r.outcome_at!.toISOString() }
      : null,
    followups: v.followups.map((f) => ({ id: f.id, dueAt: f.due_at.toISOString(), doneAt: iso(f.done_at), result: f.result, note: f.note, overdue: !f.done_at && f.due_at < v.now })),
  };
}
