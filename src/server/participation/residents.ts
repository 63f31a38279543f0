import { randomBytes, randomInt } from 'node:crypto';
import { assertCan, type Actor } from '../access/permissions.ts';
import type { Deps } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { digestMatches, maskPhone, normaliseIdNumber, normalisePhone, secretDigest } from '../privacy/pii.ts';
import { idNumberIndex, phoneIndex } from '../registry/people/rules.ts';
import { getSetting } from '../db/settings-store.ts';
import { createResidentStore, type ResidentInArea } from './resident-store.ts';
import { DAY_MS, displayNameOf } from './rules.ts';

/** Delivers a one-time code: notify's SMS outbox when an SMS channel is configured, else the demo outbox. The code is passed apart for SMS templates that take parameters. */
export type SendCode = (phone: string, text: string, code: string) => Promise<void>;

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** codes a person may ask for per hour (a phone is not a free SMS cannon) */
export const CODES_PER_HOUR = 5;
export const RESIDENT_SESSION_DAYS = 30;
/** where a resident's session token travels: `Authorization: Bearer` belongs to staff sessions */
export const RESIDENT_HEADER = 'x-resident-token';

/** 居民认证: a registered person of the area proves who they are by a phone code, or a grid worker vouches in person. */
export function createResidentService(deps: Deps, opts: { sendCode: SendCode }) {
  const { db, clock, pii, audit } = deps;
  const store = createResidentStore();

  const keys = (idNumber: string, phone: string) => {
    const tel = normalisePhone(phone);
    if (!tel) throw invalid('participation.bad_phone', 'the phone is not a mainland mobile or landline number');
    // the registry's own blind indexes, so a resident is matched exactly as the register stores them
    return { bidx: idNumberIndex(pii, normaliseIdNumber(idNumber)), phone: tel, phoneBidx: phoneIndex(pii, tel) };
  };

  async function issueSession(tx: Db, residentId: string) {
    const token = randomBytes(32).toString('base64url');
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + RESIDENT_SESSION_DAYS * DAY_MS);
    await store.insertSession(tx, { token_hash: secretDigest(token), resident_id: residentId, created_at: now, expires_at: expiresAt });
    return { token, expiresAt };
  }

  /** One account per person: the blind index of the ID number is the key, whichever way they were verified. */
  async function accountFor(tx: Db, person: { id: string; name_mask: string }, bidx: string, nickname: string | undefined, by: 'phone' | 'staff', verifier: string | null) {
    const existing = await store.residentByIdNumber(tx, bidx);
    if (existing) {
      if (nickname?.trim()) await store.setDisplayName(tx, existing.id, displayNameOf(person.name_mask, nickname));
      return existing.id;
    }
    const row = await store.insertResident(tx, {
      person_id: person.id,
      id_number_bidx: bidx,
      display_name: displayNameOf(person.name_mask, nickname),
      verified_by: by,
      verifier_user_id: verifier,
      verified_at: clock.now(),
    });
    return row.id;
  }

  return {
    /**
     * Sends a code when the ID number and phone belong to one registered person. The answer is the same
     * either way, so the endpoint cannot be used to find out who is registered with which phone.
     */
    async requestCode(idNumber: string, phone: string): Promise<{ sent: true; expiresInSeconds: number }> {
      const k = keys(idNumber, phone);
      const person = await store.findPerson(db, k.bidx);
      const now = clock.now();
      if (person && person.phone_bidx === k.phoneBidx) {
        if ((await store.codesSince(db, k.bidx, new Date(now.getTime() - 3_600_000))) >= CODES_PER_HOUR) {
          throw new AppError(429, 'participation.too_many_codes', 'too many codes asked for this person; try again in an hour');
        }
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        await db.transaction().execute((tx) => store.insertCode(tx, { id_number_bidx: k.bidx, code_hash: secretDigest(code), expires_at: new Date(now.getTime() + CODE_TTL_MS), created_at: now }));
        await opts.sendCode(k.phone, `【CivicGrid】您的居民认证码是 ${code}，10分钟内有效。如非本人操作请忽略。`, code);
      }
      return { sent: true, expiresInSeconds: CODE_TTL_MS / 1000 };
    },

    /** Checks the code and opens a resident session (creating the account the first time). */
    async verify(input: { idNumber: string; phone: string; code: string; nickname?: string }) {
      const k = keys(input.idNumber, input.phone);
      const now = clock.now();
      const bad = () => new AppError(400, 'participation.bad_code', 'the code is wrong or has expired; ask for a new one');
      const code = await store.liveCode(db, k.bidx);
      if (!code || code.used_at || code.expires_at <= now || code.attempts >= CODE_MAX_ATTEMPTS) throw bad();
      if (!digestMatches(code.code_hash, input.code.trim())) {
        await store.countAttempt(db, code.id);
        throw bad();
      }
      const person = await store.findPerson(db, k.bidx);
      if (!person || person.phone_bidx !== k.phoneBidx) throw bad();
      return db.transaction().execute(async (tx) => {
        const used = await store.useCode(tx, code.id, now);
        if (Number(used.numUpdatedRows) === 0) throw bad();
        const residentId = await accountFor(tx, person, k.bidx, input.nickname, 'phone', null);
        await audit.record(tx, now, { id: null, username: `resident:${residentId}` }, 'participation.resident_verified', { type: 'participation_resident', id: residentId }, { by: 'phone' });
        return { residentId, ...(await issueSession(tx, residentId)) };
      });
    },

    /** 网格员当面核验: a grid worker vouches for a registered person of their grid and hands over a session. */
    async verifyInPerson(actor: Actor, personId: string, nickname?: string) {
      assertCan(actor, 'participation.organise');
      const person = await store.findPersonById(db, personId, actor.scopePath);
      if (!person) throw notFound('person', personId);
      return db.transaction().execute(async (tx) => {
        const residentId = await accountFor(tx, person, person.id_number_bidx, nickname, 'staff', actor.id);
        await audit.record(tx, clock.now(), actor, 'participation.resident_verified', { type: 'participation_resident', id: residentId }, { by: 'staff', personId });
        return { residentId, ...(await issueSession(tx, residentId)) };
      });
    },

    async authenticate(token: string): Promise<ResidentInArea | null> {
      if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) return null;
      const r = await store.sessionResident(db, secretDigest(token), clock.now());
      return r ? { id: r.id, displayName: r.display_name, personId: r.person_id, areaPath: r.area_path, gridCode: r.grid_code, areaPaths: [...new Set([r.area_path, ...(r.house_path ? [r.house_path] : [])])] } : null;
    },

    signOut: (token: string) => store.revokeSession(db, secretDigest(token)).then(() => undefined),

    /** The resident's own areas, grid up to city, for "my community". */
    areasOf: async (r: ResidentInArea) => {
      const all = (await Promise.all(r.areaPaths.map((p) => store.ancestors(db, p)))).flat();
      return all.filter((a, i) => all.findIndex((b) => b.code === a.code) === i);
    },

    /** Demo mode only: what the code sender "sent", so a tester can sign in without a phone. */
    async devOutbox(actor: Actor) {
      assertCan(actor, 'participation.organise');
      if (!actor.roles.includes('admin')) throw new AppError(403, 'participation.dev_outbox_admin_only', 'only admins read the demo outbox');
      if ((await getSetting(db, 'mode')) !== 'demo') throw new AppError(404, 'participation.dev_outbox_off', 'the demo outbox exists in demo mode only');
      return store.devOutbox(db, 50);
    },
  };
}
export type ResidentService = ReturnType<typeof createResidentService>;

/**
 * The code sender services.ts wires when no SMS channel is configured: the message goes to a table admins read
 * in demo mode; the phone is kept masked only (the code is in the text, the number need not be).
 */
export const devOutboxSender =
  (deps: Deps): SendCode =>
  async (phone, text) => {
    await createResidentStore().devSend(deps.db, { phone_mask: maskPhone(phone), body: text, created_at: deps.clock.now() });
  };
