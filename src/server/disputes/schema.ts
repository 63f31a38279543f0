import { z } from 'zod';
import { disputeStates, disputeTypes, handoverTargets, mediatorKinds, riskLevels } from '../../../shared/disputes.ts';
import { pageQuery } from '../../../shared/paging.ts';

export { disputeDetail, disputeSummary } from '../../../shared/disputes.ts';

const text = (max: number) => z.string().trim().min(1).max(max);
const isoTime = z.iso.datetime({ offset: true });

export const disputeFilter = z.object({
  state: z.enum(disputeStates).optional(),
  type: z.enum(disputeTypes).optional(),
  risk: z.enum(riskLevels).optional(),
  area: z.string().regex(/^[0-9]{6,20}$/).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
});
export type DisputeFilter = z.infer<typeof disputeFilter>;
export const disputeQuery = pageQuery.extend(disputeFilter.shape);

/** a party: a registry person or organisation by id, or a new person (PII sealed at once) */
export const partyInput = z.union([
  z.object({ role: z.enum(['applicant', 'respondent', 'other']), personId: z.uuid() }).strict(),
  z.object({ role: z.enum(['applicant', 'respondent', 'other']), organisationId: z.uuid() }).strict(),
  z.object({ role: z.enum(['applicant', 'respondent', 'other']), name: text(50), phone: z.string().max(30).optional(), idNumber: z.string().max(30).optional() }).strict(),
]);
export type PartyInput = z.infer<typeof partyInput>;

export const newDispute = z.object({
  text: text(4000),
  category: z.string().regex(/^[0-9]{4}$/),
  type: z.enum(disputeTypes),
  riskLevel: z.enum(riskLevels),
  mediator: z.object({ kind: z.enum(mediatorKinds), name: text(50) }),
  parties: z.array(partyInput).min(1).max(20),
  channel: z.enum(['hotline', 'web', 'app', 'gridworker', 'api']).optional(),
  lon: z.number().min(-180).max(180).optional(),
  lat: z.number().min(-90).max(90).optional(),
  address: z.string().trim().max(200).optional(),
});
export type NewDispute = z.infer<typeof newDispute>;

export const sessionBody = z.object({
  heldAt: isoTime,
  place: text(200),
  attendees: z.array(text(50)).min(1).max(50),
  minutes: text(20_000),
  /** ids of attachments uploaded to the dispute's case (POST /api/v1/cases/{code}/attachments) */
  attachments: z.array(z.uuid()).max(20).default([]),
});
export type SessionBody = z.infer<typeof sessionBody>;

export const outcomeBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agreement'), agreementText: text(20_000), signedScan: z.uuid() }).strict(),
  z.object({ kind: z.literal('handover'), handoverTo: z.enum(handoverTargets), receivingBody: text(200), reason: text(2000) }).strict(),
]);
export type OutcomeBody = z.infer<typeof outcomeBody>;

export const followupBody = z.object({ result: z.enum(['stable', 'flaring']), note: z.string().trim().max(2000).default('') });
export const reopenBody = z.object({ reason: text(2000) });

export const dueFollowup = z.object({ id: z.string(), dueAt: z.string(), code: z.string(), type: z.string(), riskLevel: z.string(), summary: z.string(), overdue: z.boolean() });
