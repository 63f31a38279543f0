import { z } from 'zod';
import { pageQuery } from '../../../shared/paging.ts';
import { consultationStates } from './rules.ts';

const when = z.iso.datetime({ offset: true });
export const areaRef = z.object({ code: z.string(), name: z.string() });

export const space = z.object({
  id: z.uuid(),
  title: z.string(),
  description: z.string(),
  area: areaRef,
  responsibleUnit: z.string().nullable(),
  supportThreshold: z.number().int(),
  answerDays: z.number().int(),
});
export const newSpace = z.object({
  areaCode: z.string().min(6).max(15),
  title: z.string().trim().min(2).max(120),
  description: z.string().max(4000).optional(),
  responsibleUnit: z.string().max(32).optional(),
  supportThreshold: z.number().int().min(1).max(100_000).optional(),
  answerDays: z.number().int().min(1).max(365).optional(),
});

export const consultationItem = z.object({
  id: z.uuid(),
  title: z.string(),
  area: areaRef,
  kind: z.enum(['single', 'multiple', 'ranking']),
  state: z.enum(consultationStates),
  opensAt: z.string(),
  closesAt: z.string(),
  spaceId: z.uuid(),
  /** the place on the map (both or neither), so a list can be drawn as points */
  lon: z.number().nullable(),
  lat: z.number().nullable(),
});
export const consultationQuery = pageQuery.extend({
  area: z.string().max(15).optional(),
  state: z.enum(consultationStates).optional(),
  space: z.uuid().optional(),
});
export const consultationDetail = consultationItem.extend({
  topic: z.string(),
  background: z.string(),
  references: z.array(z.object({ title: z.string(), url: z.string() })),
  place: z.string(),
  maxChoices: z.number().int(),
  resultsLive: z.boolean(),
  timetable: z.object({ proposalAt: z.string(), deliberationAt: z.string(), opensAt: z.string(), closesAt: z.string(), resultAt: z.string() }),
  options: z.array(z.object({ id: z.uuid(), label: z.string(), count: z.number().nullable() })),
  meetings: z.array(z.object({ id: z.uuid(), startsAt: z.string(), place: z.string(), minutes: z.string().nullable() })),
  /** only when the tally may be seen (published, or live results) */
  results: z.object({ ballots: z.number().int(), eligible: z.number().int(), turnout: z.number() }).nullable(),
  outcome: z.string().nullable(),
  publishedAt: z.string().nullable(),
});
export const newConsultation = z.object({
  title: z.string().trim().min(2).max(200),
  topic: z.string().max(2000).optional(),
  background: z.string().max(10_000).optional(),
  references: z.array(z.object({ title: z.string().min(1).max(200), url: z.string().max(1000).regex(/^(https?:\/\/|\/)/, 'an http(s) address or a path on this server') })).max(20).optional(),
  lon: z.number().min(-180).max(180).optional(),
  lat: z.number().min(-90).max(90).optional(),
  place: z.string().max(200).optional(),
  kind: z.enum(['single', 'multiple', 'ranking']),
  maxChoices: z.number().int().min(1).max(50).optional(),
  resultsLive: z.boolean().optional(),
  options: z.array(z.string().max(200)).min(2).max(50),
  proposalAt: when.optional(),
  deliberationAt: when,
  opensAt: when,
  closesAt: when,
  resultAt: when.optional(),
});
export const ballot = z.object({ choices: z.array(z.uuid()).min(1).max(50), replace: z.boolean().optional() });
export const voteAnswer = z.object({ choices: z.array(z.uuid()), changed: z.boolean(), at: z.string() });
export const meetingBody = z.object({ startsAt: when, place: z.string().trim().min(1).max(200), minutes: z.string().max(20_000).optional() });
export const meeting = z.object({ id: z.uuid(), consultationId: z.uuid(), startsAt: z.string(), place: z.string(), minutes: z.string().nullable(), title: z.string().optional() });

export const codeRequest = z.object({ idNumber: z.string().trim().min(6).max(32), phone: z.string().trim().min(5).max(20) });
export const verifyBody = codeRequest.extend({ code: z.string().trim().regex(/^\d{6}$/), nickname: z.string().trim().max(20).optional() });
export const residentSession = z.object({ token: z.string(), expiresAt: z.string(), resident: z.object({ displayName: z.string(), areas: z.array(areaRef.extend({ level: z.string() })) }) });
export const inPersonBody = z.object({ personId: z.uuid(), nickname: z.string().trim().max(20).optional() });

export const proposal = z.object({
  id: z.uuid(),
  spaceId: z.uuid(),
  title: z.string(),
  body: z.string(),
  area: areaRef,
  author: z.string(),
  supports: z.number().int(),
  threshold: z.number().int(),
  thresholdReachedAt: z.string().nullable(),
  answerDueAt: z.string().nullable(),
  decision: z.enum(['consultation', 'case', 'work', 'reject']).nullable(),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  consultationId: z.uuid().nullable(),
  caseCode: z.string().nullable(),
  resultId: z.uuid().nullable().optional(),
  createdAt: z.string(),
});
export const proposalQuery = pageQuery.extend({ area: z.string().max(15).optional(), space: z.uuid().optional(), status: z.enum(['open', 'answered']).optional() });
export const newProposal = z.object({ spaceId: z.uuid(), title: z.string().trim().min(4).max(120), body: z.string().trim().min(10).max(4000) });
export const answerBody = z.object({
  decision: z.enum(['consultation', 'case', 'work', 'reject']),
  answer: z.string().trim().min(1).max(4000),
  responsibleUnit: z.string().max(32).optional(),
  consultation: newConsultation.optional(),
});
export const inboxItem = proposal.extend({ overdue: z.boolean(), daysLeft: z.number() });
export const unitReport = z.object({
  unit: z.string().nullable(),
  unitName: z.string().nullable(),
  due: z.number().int(),
  answeredOnTime: z.number().int(),
  answeredLate: z.number().int(),
  unanswered: z.number().int(),
  overdue: z.number().int(),
});

export const result = z.object({
  id: z.uuid(),
  title: z.string(),
  area: areaRef,
  responsibleUnit: z.object({ code: z.string(), name: z.string() }),
  progress: z.number().int(),
  status: z.enum(['planned', 'in_progress', 'done']),
  proposalId: z.uuid().nullable(),
  consultationId: z.uuid().nullable(),
  caseCode: z.string().nullable(),
  updatedAt: z.string(),
  updates: z.array(z.object({ progress: z.number().int(), note: z.string(), at: z.string() })).optional(),
});
export const resultQuery = pageQuery.extend({ area: z.string().max(15).optional(), unit: z.string().max(32).optional() });
export const progressBody = z.object({ progress: z.number().int().min(0).max(100), note: z.string().trim().min(1).max(2000) });

export const conventionVersion = z.object({ id: z.uuid(), version: z.number().int(), body: z.string(), status: z.enum(['voting', 'adopted', 'rejected']), consultationId: z.uuid().nullable(), decidedAt: z.string().nullable() });
export const convention = z.object({ id: z.uuid(), title: z.string(), area: areaRef, inForce: conventionVersion.nullable(), versions: z.array(conventionVersion) });
export const newConventionVersion = z.object({
  conventionId: z.uuid().optional(),
  spaceId: z.uuid(),
  title: z.string().trim().min(2).max(120).optional(),
  body: z.string().trim().min(10).max(20_000),
  opensAt: when,
  closesAt: when,
});

export const comment = z.object({ id: z.uuid(), author: z.string(), body: z.string().nullable(), hidden: z.boolean(), hiddenReason: z.string().nullable(), reports: z.number().int(), createdAt: z.string() });
export const reportedComment = comment.extend({ consultationId: z.uuid(), consultationTitle: z.string() });
