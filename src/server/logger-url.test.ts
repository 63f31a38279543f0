import { describe, expect, it } from 'vitest';
import { safeUrl, scrubText } from './logger.ts';

describe('request URLs in logs', () => {
  it('finds an ID number or phone right after a percent-encoded character', () => {
    expect(scrubText('/x?text=%E5%B9%B8%20110105194912310025')).not.toContain('110105194912310025');
    expect(scrubText('/x?text=%2013912345678%2C')).not.toContain('13912345678');
    expect(scrubText('a%2011010519491231002X')).toBe('a [id]');
    // a malformed escape does not stop the scrub
    expect(scrubText('%E5%20110105194912310025%zz')).not.toContain('110105194912310025');
  });

  it('keeps the path and safe filters, never the value of a text, token or ticket parameter', () => {
    expect(safeUrl('/api/v1/cases?state=received&page=2')).toBe('/api/v1/cases?state=received&page=2');
    const logged = safeUrl('/api/v1/cases/duplicates?text=%E6%88%91%E6%98%AF%E5%BC%A0%E4%B8%89&lon=1&lat=2&access_token=abcdefghijklmnopqrstuvwx&ticket=v1.secret');
    expect(logged).toBe('/api/v1/cases/duplicates?text=[omitted]&lon=[omitted]&lat=[omitted]&access_token=[omitted]&ticket=[omitted]');
    expect(safeUrl('/api/v1/people/110105194912310025')).toBe('/api/v1/people/[id]');
  });
});
