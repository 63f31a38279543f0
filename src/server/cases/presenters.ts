import type { z } from 'zod';
import type { PiiCipher } from '../privacy/pii.ts';
import { maskName, maskPhone } from '../privacy/pii.ts';
import type { Taxonomy } from '../taxonomy/taxonomy.ts';
import type { AttachmentRow } from './attachments.ts';
import type { ObjectionRow } from '../dispatch/store.ts';
import type { caseDetail, caseSummary } from '../../../shared/cases/schema.ts';
import { allowedActions, stateNames } from '../../../shared/cases/state-machine.ts';
import type { CaseEventRow, CaseRow } from './store.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const maskEmail = (email: string) => {
  const [user, domain] = email.split('@');
  return `${(user ?? '').slice(0, 1)}***@${domain ?? ''}`;
};

/** Staff view of a case; reporter contacts are always masked here (revealing is its own audited call). */
export function presentCase(c: CaseRow, ctx: { taxonomy: Taxonomy; pii: PiiCipher; mergedIntoCode?: string | null }): z.infer<typeof caseSummary> {
  const cat = c.category ? ctx.taxonomy.category(c.category) : undefined;
  const open = (v: string | null) => (v ? ctx.pii.decrypt(v) : null);
  const name = open(c.reporter_name);
  const phone = open(c.reporter_phone);
  const email = open(c.reporter_email);
  return {
    code: c.code,
    channel: c.channel,
    state: c.state,
    stateName: stateNames[c.state],
    version: c.version,
    text: c.text,
    nature: c.nature,
    category: c.category ? { code: c.category, name: cat?.zh ?? c.category } : null,
    priority: c.priority,
    urgent: c.urgent,
    location: { lon: c.lon, lat: c.lat, address: c.address, gridCode: c.grid_code, h3: c.h3 },
    reporter: { anonymous: c.reporter_anonymous, name: name ? maskName(name) : null, phone: phone ? maskPhone(phone) : null, email: email ? maskEmail(email) : null },
    department: { main: c.main_department, co: c.co_departments },
    deadlines: {
      dispatchedAt: iso(c.dispatched_at),
      dueAt: iso(c.due_at),
      yellowAt: iso(c.yellow_at),
      stepDueAt: iso(c.step_due_at),
      allowedHours: c.deadline_hours,
      workingTime: c.working_time,
      pausedSince: iso(c.paused_since),
      pausedMs: Number(c.paused_ms),
      pendingExtensionHours: c.pending_extension_hours,
    },
    supervision: c.supervision,
    mergedInto: ctx.mergedIntoCode ?? null,
    answer: c.answer,
    rating: c.rating && c.rated_at ? { value: c.rating, comment: c.rating_comment, at: c.rated_at.toISOString() } : null,
    reworkCount: c.rework_count,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    closedAt: iso(c.closed_at),
  };
}

export function presentCaseDetail(
  c: CaseRow,
  extra: { events: (CaseEventRow & { actor_name?: string | null; actor_department?: string | null })[]; attachments: AttachmentRow[]; objections: ObjectionRow[] },
  ctx: { taxonomy: Taxonomy; pii: PiiCipher; mergedIntoCode?: string | null },
): z.infer<typeof caseDetail> {
  return {
    ...presentCase(c, ctx),
    allowedActions: allowedActions(c.state),
    verifiedAt: iso(c.verified_at ?? null),
    timeline: extra.events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      actor: e.actor,
      actorName: e.actor_name ?? null,
      actorUnit: e.actor_department ?? null,
      action: e.action,
      from: e.from_state,
      to: e.to_state,
      reason: e.reason,
      attachments: e.attachments,
      payload: e.payload,
    })),
    attachments: extra.attachments.map(presentAttachment),
    objections: extra.objections.map((o) => ({ department: o.department_code, reason: o.reason, by: o.objected_by_name, at: o.objected_at.toISOString(), redispatchedTo: o.redispatched_to })),
  };
}

export const presentAttachment = (a: AttachmentRow) => ({
  id: a.id,
  kind: a.kind,
  contentType: a.content_type,
  sizeBytes: a.size_bytes,
  fileName: a.file_name,
  uploadedBy: a.uploaded_by_name,
  locationStripped: a.location_stripped,
  createdAt: a.created_at.toISOString(),
});
