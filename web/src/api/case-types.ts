/**
 * Case shapes as the console reads them. src/server/cases/schema.ts cannot be imported here (it pulls in the
 * whole case workflow and the database types), so the fields the SPA uses are restated, and
 * src/server/web/contract.ts — compiled with the server — proves the server's responses still fit them.
 */
export type CaseStateCode = string;
export type Card = 'none' | 'yellow' | 'red';
export type RatingValue = 'satisfied' | 'basically_satisfied' | 'unsatisfied';

export interface CaseSummary {
  code: string;
  channel: string;
  state: CaseStateCode;
  stateName: string;
  version: number;
  text: string;
  nature: string | null;
  category: { code: string; name: string } | null;
  priority: number;
  urgent: boolean;
  location: { lon: number | null; lat: number | null; address: string | null; gridCode: string | null; h3: string | null };
  reporter: { anonymous: boolean; name: string | null; phone: string | null; email: string | null };
  department: { main: string | null; co: string[] };
  deadlines: {
    dispatchedAt: string | null;
    dueAt: string | null;
    yellowAt: string | null;
    stepDueAt: string | null;
    allowedHours: number | null;
    workingTime: boolean | null;
    pausedSince: string | null;
    pausedMs: number;
    pendingExtensionHours: number | null;
  };
  supervision: Card;
  mergedInto: string | null;
  answer: string | null;
  rating: { value: RatingValue; comment: string | null; at: string } | null;
  reworkCount: number;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface CaseEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  from: string | null;
  to: string;
  reason: string | null;
  attachments: string[];
}

export interface CaseAttachment {
  id: string;
  kind: 'photo' | 'document';
  contentType: string;
  sizeBytes: number;
  fileName: string;
  uploadedBy: string;
  locationStripped: boolean;
  createdAt: string;
}

export interface CaseDetail extends CaseSummary {
  allowedActions: string[];
  timeline: CaseEvent[];
  attachments: CaseAttachment[];
  objections: { department: string; reason: string; by: string; at: string; redispatchedTo: string | null }[];
}

export interface IntakeResult extends CaseDetail {
  duplicates: { caseCode: string; score: number }[];
  ratingToken: string;
  /** 评价码: six digits to read to the caller */
  ratingCode: string;
}

export interface PublicCase {
  code: string;
  state: CaseStateCode;
  stateName: string;
  category: { code: string; name: string } | null;
  department: { code: string; name: string } | null;
  createdAt: string;
  expectedAt: string | null;
  closedAt: string | null;
  answer: string | null;
  location: { lon: number; lat: number } | null;
  mergedInto: string | null;
  rating: RatingValue | null;
  timeline: { action: string; state: string; stateName: string; at: string }[];
  photos: string[];
}
