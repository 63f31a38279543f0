import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Field-level encryption of PII (ID numbers, phones, names of special-care people, reporters' contacts).
 * AES-256-GCM with a random nonce per value, so equal values do not look equal in a dump; a keyed HMAC
 * "blind index" beside it makes exact search possible without decrypting a table.
 */
export interface PiiCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  /** deterministic keyed hash for exact-match search (normalise the value first) */
  blindIndex(value: string): string;
}

const VERSION = 'v1';

/** Derives separate keys for encryption and indexing from the one configured secret. */
export function createPiiCipher(secret: Buffer): PiiCipher {
  if (secret.length < 32) throw new Error('PII key must be at least 32 bytes');
  const encKey = createHash('sha256').update('civicgrid:pii:enc').update(secret).digest();
  const idxKey = createHash('sha256').update('civicgrid:pii:idx').update(secret).digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    decrypt(sealed) {
      const [version, data] = sealed.split('.');
      if (version !== VERSION || !data) throw new Error('unknown PII ciphertext format');
      const raw = Buffer.from(data, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    blindIndex: (value) => createHmac('sha256', idxKey).update(value).digest('base64url'),
  };
}

/**
 * SHA-256 (hex) of a random, high-entropy secret: bearer tokens, API keys, device tokens, rating tokens are
 * stored as this so a database leak does not leak them. (Passwords are low-entropy and use argon2 instead.)
 */
export const secretDigest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** Whether a secret matches a stored `secretDigest`, in constant time so timing does not leak the digest. */
export function digestMatches(storedHex: string | null | undefined, secret: string): boolean {
  if (!storedHex) return false;
  const expected = Buffer.from(storedHex, 'hex');
  const given = Buffer.from(secretDigest(secret), 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Parses CIVICGRID_SECRET_KEY (64 hex chars or base64 of 32+ bytes). */
export function parseSecretKey(text: string): Buffer {
  const key = /^[0-9a-fA-F]{64,}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length < 32) throw new Error('CIVICGRID_SECRET_KEY must be 32 bytes: 64 hex characters or base64');
  return key;
}

/** A key for demo mode only, derived from a fixed label, so a demo restart can still read its own data. */
export const demoSecretKey = () => createHash('sha256').update('civicgrid-demo-only-key-never-in-production').digest();

// ---- validation and masking

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999 resident ID: 18 characters, a valid birth date and the ISO 7064 MOD 11-2 check digit. */
export function isValidIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === id[17];
}

export const normaliseIdNumber = (id: string) => id.trim().toUpperCase();

/** Mainland mobile (11 digits from 1[3-9]) or a landline with area code; spaces and dashes removed. */
export function normalisePhone(phone: string): string | null {
  const digits = phone.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  if (/^1[3-9]\d{9}$/.test(digits) || /^0\d{9,11}$/.test(digits)) return digits;
  return null;
}

/** `110***********1234`: first 3 and last 4 of an ID number. */
export const maskIdNumber = (id: string) => (id.length <= 7 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`);

/** `138****5678` */
export const maskPhone = (phone: string) => (phone.length <= 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`);

/** `张*` / `欧阳**`: keeps the family name (first character) only. */
export const maskName = (name: string) => {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
};
