/**
 * Shapes of the participation API (协商议事) as the portal and console read them. The server's zod schemas
 * (src/server/participation/schema.ts) produce these same shapes; kept here as plain types so the web app
 * imports nothing from src/server.
 */
export type ConsultationState = 'proposal' | 'deliberation' | 'voting' | 'closed' | 'published';
export interface AreaRef {
  code: string;
  name: string;
}
export interface ParticipationSpace {
  id: string;
  title: string;
  description: string;
  area: AreaRef;
  responsibleUnit: string | null;
  supportThreshold: number;
  answerDays: number;
}
export interface ConsultationItem {
  id: string;
  title: string;
  area: AreaRef;
  kind: 'single' | 'multiple' | 'ranking';
  state: ConsultationState;
  opensAt: string;
  closesAt: string;
  spaceId: string;
  /** its place on the map, when it has one */
  lon: number | null;
  lat: number | null;
}
export interface ConsultationDetail extends ConsultationItem {
  topic: string;
  background: string;
  references: { title: string; url: string }[];
  place: string;
  maxChoices: number;
  resultsLive: boolean;
  timetable: { proposalAt: string; deliberationAt: string; opensAt: string; closesAt: string; resultAt: string };
  options: { id: string; label: string; count: number | null }[];
  meetings: { id: string; startsAt: string; place: string; minutes: string | null }[];
  results: { ballots: number; eligible: number; turnout: number } | null;
  outcome: string | null;
  publishedAt: string | null;
}
export interface Proposal {
  id: string;
  spaceId: string;
  title: string;
  body: string;
  area: AreaRef;
  author: string;
  supports: number;
  threshold: number;
  thresholdReachedAt: string | null;
  answerDueAt: string | null;
  decision: 'consultation' | 'case' | 'work' | 'reject' | null;
  answer: string | null;
  answeredAt: string | null;
  consultationId: string | null;
  caseCode: string | null;
  resultId?: string | null;
  createdAt: string;
}
export interface InboxItem extends Proposal {
  overdue: boolean;
  daysLeft: number;
}
export interface ParticipationResult {
  id: string;
  title: string;
  area: AreaRef;
  responsibleUnit: { code: string; name: string };
  progress: number;
  status: 'planned' | 'in_progress' | 'done';
  updatedAt: string;
  updates?: { progress: number; note: string; at: string }[];
}
export interface ConventionVersion {
  id: string;
  version: number;
  body: string;
  status: 'voting' | 'adopted' | 'rejected';
  consultationId: string | null;
  decidedAt: string | null;
}
export interface Convention {
  id: string;
  title: string;
  area: AreaRef;
  inForce: ConventionVersion | null;
  versions: ConventionVersion[];
}
export interface Meeting {
  id: string;
  consultationId: string;
  startsAt: string;
  place: string;
  minutes: string | null;
  title?: string;
}
export interface ParticipationComment {
  id: string;
  author: string;
  body: string | null;
  hidden: boolean;
  hiddenReason: string | null;
  reports: number;
  createdAt: string;
}
export interface ReportedComment extends ParticipationComment {
  consultationId: string;
  consultationTitle: string;
}
export interface ResidentSession {
  token: string;
  expiresAt: string;
  resident: { displayName: string; areas: (AreaRef & { level: string })[] };
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The community a resident belongs to (or the nearest area above their grid), for "my community". */
export const communityOf = (areas: readonly (AreaRef & { level: string })[]) => areas.find((a) => a.level === 'community') ?? areas.at(-2) ?? areas.at(-1) ?? null;
