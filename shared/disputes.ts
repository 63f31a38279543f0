import { z } from 'zod';

/** Shapes shared by the server and the console for disputes (矛盾纠纷), warnings (预警) and field work. Pure code only. */

export const disputeTypes = ['neighbour', 'family', 'property', 'labour', 'land', 'consumer', 'medical', 'other'] as const;
export const disputeTypeLabels: Record<(typeof disputeTypes)[number], string> = {
  neighbour: '邻里纠纷',
  family: '婚姻家庭纠纷',
  property: '物业纠纷',
  labour: '劳资纠纷',
  land: '土地纠纷',
  consumer: '消费纠纷',
  medical: '医患纠纷',
  other: '其他纠纷',
};
export const riskLevels = ['low', 'medium', 'high'] as const;
export const disputeStates = ['registered', 'mediating', 'agreed', 'handed_over'] as const;
export const disputeStateLabels: Record<(typeof disputeStates)[number], string> = { registered: '已登记', mediating: '调解中', agreed: '调解成功', handed_over: '已移交' };
export const mediatorKinds = ['people_mediator', 'gridworker', 'police', 'judicial'] as const;
export const mediatorKindLabels: Record<(typeof mediatorKinds)[number], string> = { people_mediator: '人民调解员', gridworker: '网格员', police: '民警', judicial: '司法所' };
/** 诉调对接 court, 访调对接 petition office (信访), 警调对接 police */
export const handoverTargets = ['court', 'petition', 'police'] as const;
export const handoverLabels: Record<(typeof handoverTargets)[number], string> = { court: '诉调对接（法院）', petition: '访调对接（信访）', police: '警调对接（公安）' };

export const warningKinds = ['cluster', 'mass_org', 'repeat_caller', 'stale_dispute'] as const;
export const warningLevels = ['yellow', 'orange', 'red'] as const;
export const warningStatuses = ['open', 'acknowledged', 'assigned', 'resolved', 'dismissed'] as const;
export const warningActions = ['acknowledge', 'assign', 'resolve', 'dismiss'] as const;

export const warning = z.object({
  id: z.number().int(),
  kind: z.enum(warningKinds),
  level: z.enum(warningLevels),
  status: z.enum(warningStatuses),
  area: z.object({ code: z.string(), name: z.string() }),
  h3: z.string().optional(),
  category: z.string().optional(),
  count: z.number().int(),
  baseline: z.number().optional(),
  explanation: z.string(),
  caseCodes: z.array(z.string()),
  openedAt: z.string(),
  updatedAt: z.string(),
  assignee: z.string().nullable(),
  reason: z.string().nullable(),
  lon: z.number().nullable(),
  lat: z.number().nullable(),
});
export type Warning = z.infer<typeof warning>;

export const party = z.object({
  id: z.string(),
  role: z.enum(['applicant', 'respondent', 'other']),
  kind: z.enum(['person', 'organisation']),
  personId: z.string().nullable(),
  organisationId: z.string().nullable(),
  name: z.string(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable(),
});

export const disputeSummary = z.object({
  code: z.string(),
  caseState: z.string(),
  category: z.string().nullable(),
  type: z.enum(disputeTypes),
  riskLevel: z.enum(riskLevels),
  state: z.enum(disputeStates),
  mediator: z.object({ kind: z.enum(mediatorKinds), name: z.string() }),
  summary: z.string(),
  area: z.string(),
  gridCode: z.string().nullable(),
  dueAt: z.string().nullable(),
  supervision: z.string(),
  lastSessionAt: z.string().nullable(),
  reopenCount: z.number().int(),
  createdAt: z.string(),
});
export type DisputeSummary = z.infer<typeof disputeSummary>;

export const disputeDetail = disputeSummary.extend({
  parties: z.array(party),
  sessions: z.array(
    z.object({ id: z.string(), heldAt: z.string(), place: z.string(), attendees: z.array(z.string()), minutes: z.string(), attachments: z.array(z.string()), recordedBy: z.string() }),
  ),
  outcome: z
    .object({
      kind: z.enum(['agreement', 'handover']),
      agreementText: z.string().nullable(),
      agreementAttachment: z.string().nullable(),
      handoverTo: z.enum(handoverTargets).nullable(),
      receivingBody: z.string().nullable(),
      at: z.string(),
    })
    .nullable(),
  followups: z.array(z.object({ id: z.string(), dueAt: z.string(), doneAt: z.string().nullable(), result: z.enum(['stable', 'flaring']).nullable(), note: z.string(), overdue: z.boolean() })),
});
export type DisputeDetail = z.infer<typeof disputeDetail>;
