import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubText } from './logger.ts';

describe('logging never carries PII or tokens', () => {
  it('redacts known fields and scrubs ID numbers, phones and bearer tokens from free text', () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    log.info({ person: { idNumber: '11010519491231002X', phone: '13812345678' }, token: 'abc', req: { headers: { authorization: 'Bearer xyz' } } }, 'caller 13912345678 id 11010519491231002X');
    const out = lines.join('');
    expect(out).not.toMatch(/11010519491231002X|13812345678|13912345678|"abc"|xyz/);
    expect(out).toContain('[redacted]');
    expect(out).toContain('[phone]');
  });

  it('does not scrub numbers that are not phones or IDs', () => {
    expect(scrubText('case 2026112200123 costs 1234567')).toBe('case 2026112200123 costs 1234567');
    expect(scrubText('Authorization: Bearer abc.def-123')).toBe('Authorization: Bearer [token]');
  });
});
