/** Shapes of the notify & knowledge API shared by the server's answers and the web app (no server imports). */
export interface KnowledgeHit {
  id: string;
  title: string;
  department: { code: string; name: string } | null;
  conditions: string;
  materials: string[];
  steps: string[];
  fees: string;
  timeLimit: string;
  location: string;
  onlineUrl: string | null;
  faq: { q: string; a: string }[];
  score: number;
}

export interface OutboxItem {
  id: number;
  recipientType: 'reporter' | 'user' | 'robot' | 'citizen' | 'resident';
  channel: 'email' | 'sms' | 'robot';
  event: string;
  caseCode: string | null;
  status: 'pending' | 'sending' | 'sent' | 'dead' | 'skipped';
  attempts: number;
  nextAttemptAt: string;
  deliveredVia: string | null;
  subject: string | null;
  body: string | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface CallbackQueueItem {
  id: number;
  caseCode: string;
  reason: 'complaint' | 'sample' | 'unsatisfied';
  tries: number;
  category: string | null;
  nature: string | null;
  state: string;
  department: string | null;
  queuedAt: string;
  closedAt: string;
  script: string;
}

export type CallbackOutcome = 'satisfied' | 'basically_satisfied' | 'unsatisfied' | 'unreachable';

/** A short answer a clerk can read out from an item: where, what to bring, how long. */
export function answerFromItem(item: Pick<KnowledgeHit, 'title' | 'materials' | 'location' | 'timeLimit' | 'fees' | 'onlineUrl'>): string {
  const parts = [`${item.title}：`];
  if (item.materials.length) parts.push(`请携带${item.materials.join('、')}`);
  if (item.location) parts.push(`到${item.location}办理`);
  if (item.onlineUrl) parts.push(`也可网上办理（${item.onlineUrl}）`);
  if (item.timeLimit) parts.push(`办理时限${item.timeLimit}`);
  if (item.fees) parts.push(`收费：${item.fees}`);
  return `${parts[0]}${parts.slice(1).join('，')}。`;
}
