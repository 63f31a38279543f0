import { z } from 'zod';
import { pageQuery } from '../../../shared/paging.ts';

export const outboxQuery = pageQuery.extend({
  status: z.enum(['pending', 'sending', 'sent', 'dead', 'skipped']).optional(),
  caseCode: z.string().regex(/^[0-9]{13}$/).optional(),
});

export const outboxItem = z.object({
  id: z.number(),
  recipientType: z.enum(['reporter', 'user', 'robot', 'citizen', 'resident']),
  channel: z.enum(['email', 'sms', 'robot']),
  event: z.string(),
  caseCode: z.string().nullable(),
  status: z.enum(['pending', 'sending', 'sent', 'dead', 'skipped']),
  attempts: z.number(),
  nextAttemptAt: z.string(),
  deliveredVia: z.string().nullable(),
  subject: z.string().nullable().describe('dev outbox only: the rendered message'),
  body: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const deliverResult = z.object({ sent: z.number(), dev: z.number(), skipped: z.number(), retry: z.number(), dead: z.number() });

export const preference = z.object({
  channel: z.enum(['inapp', 'email', 'sms']),
  email: z.email().max(200).nullable().optional(),
  phone: z.string().max(30).nullable().optional(),
});

export const ratingByCode = z.object({
  ratingCode: z.string().regex(/^[0-9]{6}$/, 'six digits'),
  phone: z.string().trim().max(30).optional(),
  rating: z.enum(['satisfied', 'basically_satisfied', 'unsatisfied']),
  comment: z.string().trim().max(500).optional(),
});
