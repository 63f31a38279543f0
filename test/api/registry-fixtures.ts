import { creditCodeCheckChar } from '../../src/server/registry/credit-code.ts';

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A resident ID with the right GB 11643 check digit (the date is taken as given, valid or not). */
export function validIdNumber(district: string, birth: string, seq: number): string {
  const body = `${district}${birth}${String(seq).padStart(3, '0')}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * ID_WEIGHTS[i]!;
  return body + '10X98765432'[sum % 11];
}

/** A unified social credit code with the right GB 32100 check character. */
export const validCreditCode = (first17: string) => first17 + creditCodeCheckChar(first17);

/** A multipart/form-data body (fields first, then the one file), as a browser's FormData would send it. */
export function multipart(fields: Record<string, string>, file?: { filename: string; content: Buffer; type?: string }) {
  const boundary = `----civicgrid${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
