import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuthService } from '../auth/service.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { PiiCipher } from '../privacy/pii.ts';
import { requireActor } from './auth-hook.ts';
import { errors } from '../../../shared/paging.ts';

/** How long a ticket opens a stream: long enough to connect, too short to be worth stealing from a log. */
export const SSE_TICKET_SECONDS = 60;
const PURPOSE = 'sse';
/** GET …/stream: the live feeds (cases, City Brain) an EventSource opens and cannot send headers to */
const STREAM_PATH = /^\/api\/v1\/[a-z0-9/-]+\/stream$/;

/**
 * Short-lived, single-purpose tickets for server-sent-event streams, so no session token is ever put in a URL
 * (where proxies, browsers and request logs keep it). A ticket is the session token sealed with the server's
 * key (AES-GCM, as PII) together with its purpose and expiry: any node of the deployment can open it, nothing
 * is stored, and it still dies with its session (the token is checked again on use).
 */
export function createSseTickets(pii: PiiCipher, clock: Clock) {
  return {
    issue(token: string): { ticket: string; expiresIn: number } {
      const exp = clock.now().getTime() + SSE_TICKET_SECONDS * 1000;
      return { ticket: pii.encrypt(JSON.stringify({ p: PURPOSE, exp, t: token })), expiresIn: SSE_TICKET_SECONDS };
    },
    /** The session token a valid, unexpired stream ticket carries, or null. */
    open(ticket: string): string | null {
      try {
        const v = JSON.parse(pii.decrypt(ticket)) as { p?: unknown; exp?: unknown; t?: unknown };
        if (v.p !== PURPOSE || typeof v.exp !== 'number' || typeof v.t !== 'string') return null;
        return v.exp > clock.now().getTime() ? v.t : null;
      } catch {
        return null; // not ours, tampered with, or another kind of sealed value
      }
    },
  };
}

export type SseTickets = ReturnType<typeof createSseTickets>;

/**
 * `?ticket=` signs a stream request in (GET …/stream only) when no Authorization header does. Installed on the
 * root app, so every feed accepts tickets the same way.
 */
export function installSseTicketHook(app: FastifyInstance, tickets: SseTickets, auth: Pick<AuthService, 'authenticate'>) {
  app.addHook('onRequest', async (req) => {
    if (req.method !== 'GET' || req.actor || req.headers.authorization) return;
    const path = req.url.split('?')[0]!;
    if (!STREAM_PATH.test(path)) return;
    const ticket = (req.query as Record<string, unknown> | undefined)?.ticket;
    if (ticket === undefined) return;
    const token = typeof ticket === 'string' && ticket.length <= 1000 ? tickets.open(ticket) : null;
    const actor = token ? await auth.authenticate(token) : null;
    if (!actor) throw new AppError(401, 'auth.bad_ticket', 'the stream ticket is unknown or expired; ask POST /api/v1/auth/stream-ticket for a new one');
    req.actor = { ...actor, requestId: req.id };
  });
}

export const sseTicketRoutes =
  (tickets: SseTickets): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      '/api/v1/auth/stream-ticket',
      {
        schema: {
          tags: ['auth'],
          summary: `A ticket (valid ${SSE_TICKET_SECONDS} s) for one live feed: GET …/stream?ticket=…, as EventSource cannot send Authorization`,
          response: { 200: z.object({ ticket: z.string(), expiresIn: z.number() }), ...errors(401) },
        },
      },
      async (req) => {
        requireActor(req);
        return tickets.issue(req.bearer!);
      },
    );
  };
