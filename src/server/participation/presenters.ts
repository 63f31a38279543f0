import type { z } from 'zod';
import type { ConsultationRow, SpaceRow } from './consultation-store.ts';
import type { ConsultationView } from './consultations.ts';
import type { ConventionRow, ConventionVersionRow } from './convention-store.ts';
import type { ProposalRow, ResultRow, ResultUpdateRow } from './proposal-store.ts';
import type { ConsultationState } from './rules.ts';
import type { consultationDetail, consultationItem, proposal, result, space } from './schema.ts';

/** Only what the public may read: no ids of residents or staff, names only as the resident's display name. */
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const presentSpace = (s: SpaceRow): z.infer<typeof space> => ({
  id: s.id,
  title: s.title,
  description: s.description,
  area: { code: s.area_code, name: s.area_name },
  responsibleUnit: s.responsible_unit,
  supportThreshold: s.support_threshold,
  answerDays: s.answer_days,
});

export const presentConsultationItem = ({ row: c, state }: { row: ConsultationRow; state: ConsultationState }): z.infer<typeof consultationItem> => ({
  id: c.id,
  title: c.title,
  area: { code: c.area_code, name: c.area_name },
  kind: c.kind,
  state,
  opensAt: c.opens_at.toISOString(),
  closesAt: (c.closed_early_at ?? c.closes_at).toISOString(),
  spaceId: c.space_id,
  lon: c.lon,
  lat: c.lat,
});

export const presentConsultation = (v: ConsultationView): z.infer<typeof consultationDetail> => ({
  ...presentConsultationItem(v),
  topic: v.row.topic,
  background: v.row.background,
  references: v.row.refs,
  place: v.row.place,
  maxChoices: v.row.max_choices,
  resultsLive: v.row.results_live,
  timetable: {
    proposalAt: v.row.proposal_at.toISOString(),
    deliberationAt: v.row.deliberation_at.toISOString(),
    opensAt: v.row.opens_at.toISOString(),
    closesAt: v.row.closes_at.toISOString(),
    resultAt: v.row.result_at.toISOString(),
  },
  options: v.options,
  meetings: v.meetings.map((m) => ({ id: m.id, startsAt: m.startsAt.toISOString(), place: m.place, minutes: m.minutes })),
  results: v.results,
  outcome: v.row.published_at ? v.row.outcome : null,
  publishedAt: iso(v.row.published_at),
});

export const presentProposal = (p: ProposalRow, resultId?: string | null): z.infer<typeof proposal> => ({
  id: p.id,
  spaceId: p.space_id,
  title: p.title,
  body: p.body,
  area: { code: p.area_code, name: p.area_name },
  author: p.author,
  supports: p.supports,
  threshold: p.threshold,
  thresholdReachedAt: iso(p.threshold_reached_at),
  answerDueAt: iso(p.answer_due_at),
  decision: p.decision,
  answer: p.answer,
  answeredAt: iso(p.answered_at),
  consultationId: p.consultation_id,
  caseCode: p.case_code,
  ...(resultId !== undefined ? { resultId } : {}),
  createdAt: p.created_at.toISOString(),
});

export const presentResult = (r: ResultRow & { updates?: ResultUpdateRow[] }): z.infer<typeof result> => ({
  id: r.id,
  title: r.title,
  area: { code: r.area_code, name: r.area_name },
  responsibleUnit: { code: r.responsible_unit, name: r.unit_name },
  progress: r.progress,
  status: r.status,
  proposalId: r.proposal_id,
  consultationId: r.consultation_id,
  caseCode: r.case_code,
  updatedAt: r.updated_at.toISOString(),
  ...(r.updates ? { updates: r.updates.map((u) => ({ progress: u.progress, note: u.note, at: u.created_at.toISOString() })) } : {}),
});

export const presentVersion = (v: ConventionVersionRow) => ({ id: v.id, version: v.version, body: v.body, status: v.status, consultationId: v.consultation_id, decidedAt: iso(v.decided_at) });
export const presentConvention = ({ row, versions }: { row: ConventionRow; versions: ConventionVersionRow[] }) => {
  const adopted = versions.filter((v) => v.status === 'adopted').at(-1);
  return { id: row.id, title: row.title, area: { code: row.area_code, name: row.area_name }, inForce: adopted ? presentVersion(adopted) : null, versions: versions.map(presentVersion) };
};
