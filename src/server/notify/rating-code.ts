import { timingSafeEqual } from 'node:crypto';
import type { PiiCipher } from '../privacy/pii.ts';

/**
 * 评价码: six digits a clerk can read to an elderly caller. Derived from the case id with the deployment's
 * index key (HMAC), so nothing extra is stored and every channel (intake answer, SMS, email, callback script)
 * computes the same code. Six digits are guessable, which is why verification also needs the reporter's
 * phone and a case locks after a few wrong tries (rating_code_attempts).
 */
export function ratingCodeFor(pii: PiiCipher, caseId: string): string {
  const mac = Buffer.from(pii.blindIndex(`rating-code:${caseId}`), 'base64url');
  return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

export function ratingCodeMatches(pii: PiiCipher, caseId: string, given: string): boolean {
  const want = Buffer.from(ratingCodeFor(pii, caseId));
  const got = Buffer.from(given.padEnd(6).slice(0, 6));
  return timingSafeEqual(want, got) && given.length === 6;
}
