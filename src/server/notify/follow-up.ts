import { randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { stateNames } from '../../../shared/cases/state-machine.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, invalid } from '../errors.ts';
import { errors } from '../../../shared/paging.ts';
import { normalisePhone, secretDigest } from '../privacy/pii.ts';
import type { TaxonomyService } from '../taxonomy/service.ts';
import { createFollowUpStore } from './follow-up-store.ts';

const OTP_TTL_MS = 10 * 60_000;
const OTP_PER_HOUR = 3;
const OTP_MAX_TRIES = 5;

/** 我的诉求 without an account: a one-time code by SMS to the phone, then that phone's reports. */
export function createCitizenFollowUp(deps: Deps, taxonomy: Pick<TaxonomyService, 'current'>) {
  const { db, clock, pii } = deps;
  const store = createFollowUpStore();
  const digest = (idx: string, code: string) => secretDigest(`${idx}:${code}`);
  const phoneOf = (raw: string) => {
    const phone = normalisePhone(raw);
    if (!phone || !/^1[3-9][0-9]{9}$/.test(phone)) throw invalid('citizen.bad_phone', 'give a mainland mobile number');
    return phone;
  };

  return {
    /** Sends a code (through the outbox, so by SMS or the dev outbox); the answer never says whether the phone has reports. */
    async sendCode(rawPhone: string): Promise<void> {
      const phone = phoneOf(rawPhone);
      const idx = pii.blindIndex(phone);
      const now = clock.now();
      await db.transaction().execute(async (tx: Db) => {
        if ((await store.countSince(tx, idx, new Date(now.getTime() - 3600_000))) >= OTP_PER_HOUR) throw new AppError(429, 'citizen.too_many_codes', 'three codes an hour at most; use the last one you received');
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        const row = await store.insertCode(tx, { phone_idx: idx, phone: pii.encrypt(phone), code_hash: digest(idx, code), code_enc: pii.encrypt(code), expires_at: new Date(now.getTime() + OTP_TTL_MS), created_at: now });
        await store.queueCodeSms(tx, row.id, now);
      });
    },

    /** The reports filed with this phone, for the holder of a fresh code (one use, five tries). */
    async reports(rawPhone: string, code: string) {
      const phone = phoneOf(rawPhone);
      const idx = pii.blindIndex(phone);
      const now = clock.now();
      const otp = await store.liveCode(db, idx, now);
      if (!otp || otp.attempts >= OTP_MAX_TRIES) throw new AppError(403, 'citizen.bad_code', 'the code is wrong or expired; ask for a new one');
      const ok = timingSafeEqual(Buffer.from(otp.code_hash), Buffer.from(digest(idx, code)));
      if (!ok) {
        await store.countWrongTry(db, otp.id);
        throw new AppError(403, 'citizen.bad_code', 'the code is wrong or expired; ask for a new one');
      }
      await store.markUsed(db, otp.id, now);
      const rows = await store.reportsOfPhone(db, idx, 50);
      // names from the current taxonomy version, so a category an admin added reads as its name
      const names = await taxonomy.current();
      return rows.map((r) => {
        const cat = r.category ? names.category(r.category) : undefined;
        return { code: r.code, state: r.state, stateName: stateNames[r.state], category: cat ? { code: cat.code, name: cat.zh } : null, createdAt: r.created_at.toISOString(), closedAt: r.closed_at?.toISOString() ?? null, url: `/portal/track/${r.code}` };
      });
    },

    /** For the delivery worker: the phone and the code of an OTP row, once (the code is then cleared). */
    async takeForDelivery(id: number): Promise<{ phone: string; code: string } | null> {
      const row = await store.forDelivery(db, id);
      if (!row?.code_enc) return null;
      return { phone: pii.decrypt(row.phone), code: pii.decrypt(row.code_enc) };
    },
    clearCode: (id: number) => store.clearCode(db, id),
  };
}

export type CitizenFollowUp = ReturnType<typeof createCitizenFollowUp>;

const myReport = z.object({ code: z.string(), state: z.string(), stateName: z.string(), category: z.object({ code: z.string(), name: z.string() }).nullable(), createdAt: z.string(), closedAt: z.string().nullable(), url: z.string() });

export const followUpRoutes =
  (f: CitizenFollowUp): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['public'];
    app.post('/api/v1/public/my/code', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } }, schema: { tags, summary: '我的诉求: send a one-time code to my phone', security: [], body: z.object({ phone: z.string().trim().max(30) }), response: { 202: z.object({ sent: z.literal(true) }), ...errors(400, 429) } } }, async (req, reply) => {
      await f.sendCode(req.body.phone);
      return reply.status(202).send({ sent: true as const });
    });
    app.post('/api/v1/public/my/reports', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } }, schema: { tags, summary: '我的诉求: my reports, with the code I received', security: [], body: z.object({ phone: z.string().trim().max(30), code: z.string().regex(/^[0-9]{6}$/) }), response: { 200: z.object({ items: z.array(myReport) }), ...errors(400, 403, 429) } } }, async (req) => ({
      items: await f.reports(req.body.phone, req.body.code),
    }));
  };
