import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashPassword, verifyPassword } from '../../auth/passwords.ts';
import { digestMatches, secretDigest } from '../../privacy/pii.ts';

/**
 * Device credentials. A password a person chose (the demo device's) is stored as argon2id like a user's. A
 * password the server generated is 192 random bits, which no dictionary reaches, so a SHA-256 of it is just as
 * safe and lets a bulk import of 10,000 devices finish in a second instead of five minutes of argon2.
 */
export const generateSecret = () => randomBytes(24).toString('base64url');

export async function hashDeviceSecret(secret: string, generated: boolean): Promise<string> {
  return generated ? `sha256$${secretDigest(secret)}` : hashPassword(secret);
}

export async function verifyDeviceSecret(stored: string | null, given: string): Promise<boolean> {
  if (!stored) return false;
  if (stored.startsWith('sha256$')) return digestMatches(stored.slice(7), given);
  return verifyPassword(stored, given);
}

/**
 * Remembers logins that verified, so a reconnect storm (a district's sensors coming back after a power cut)
 * costs one argon2 per device, not one per attempt. Keyed by account; holds a salted digest of the password,
 * never the password. A rotation elsewhere is noticed because a mismatch always goes back to the database.
 */
export class CredentialCache {
  private readonly salt = randomBytes(16);
  private readonly entries = new Map<string, { digest: Buffer; at: number }>();
  private readonly inflight = new Map<string, Promise<boolean>>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly max = 200_000,
  ) {}

  private digest(secret: string) {
    return createHash('sha256').update(this.salt).update(secret).digest();
  }

  /** true when this exact secret verified for the account recently */
  hit(account: string, secret: string, now: number): boolean {
    const e = this.entries.get(account);
    if (!e || now - e.at > this.ttlMs) return false;
    const d = this.digest(secret);
    return d.length === e.digest.length && timingSafeEqual(d, e.digest);
  }

  remember(account: string, secret: string, now: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(account, { digest: this.digest(secret), at: now });
  }

  forget(account: string): void {
    this.entries.delete(account);
  }

  /** Verifies once per (account, secret) even when a thousand connects for it arrive together. */
  async verify(account: string, secret: string, now: number, check: () => Promise<boolean>): Promise<boolean> {
    if (this.hit(account, secret, now)) return true;
    const key = `${account}\n${this.digest(secret).toString('hex')}`;
    let p = this.inflight.get(key);
    if (!p) {
      p = check()
        .then((ok) => {
          if (ok) this.remember(account, secret, now);
          return ok;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }
}
