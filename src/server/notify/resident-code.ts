import type { Deps } from '../context.ts';
import { createResidentCodeStore, type SealedResidentCode } from './resident-code-store.ts';

/**
 * 居民认证码 by SMS: participation hands over phone, text and code (its own table keeps only the code's hash),
 * notify seals them into the outbox row's params and the delivery worker opens them at send time.
 */
export function createResidentCodeSender(deps: Deps) {
  const { db, clock, pii } = deps;
  const store = createResidentCodeStore();
  return {
    /** Shaped as participation's SendCode, so services.ts can pass it straight in. */
    send: async (phone: string, text: string, code: string): Promise<void> => {
      await store.queue(db, { to: pii.encrypt(phone), text: pii.encrypt(text), code: pii.encrypt(code) }, clock.now());
    },
    /** For the worker: the clear phone, text and code of a row, or null once cleared (nothing left to send). */
    open(params: Record<string, unknown>): { to: string; text: string; code: string } | null {
      const p = params as Partial<SealedResidentCode>;
      if (!p.to || !p.text || !p.code) return null;
      return { to: pii.decrypt(p.to), text: pii.decrypt(p.text), code: pii.decrypt(p.code) };
    },
    clear: (id: number) => store.clear(db, id),
  };
}

export type ResidentCodeSender = ReturnType<typeof createResidentCodeSender>;
