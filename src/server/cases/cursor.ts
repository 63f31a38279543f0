import { AppError } from '../errors.ts';

/**
 * The case list's keyset cursor: the public code of the last case of a page (codes are unique, so with
 * created_at they order the list totally). Opaque to clients (base64url with a version tag) so its contents can
 * change without breaking anyone who only passes it back.
 */
const tag = 'c1:';

export const encodeCursor = (code: string) => Buffer.from(`${tag}${code}`).toString('base64url');

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const code = text.startsWith(tag) ? text.slice(tag.length) : '';
  if (!/^\d{8,20}$/.test(code)) throw new AppError(400, 'case.bad_cursor', 'the cursor is not one this list handed out');
  return code;
}
