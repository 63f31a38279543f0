import { describe, expect, it } from 'vitest';
import { attributes, dateParam, dateWindow, formatInstant, one, Open311Error, parseForm, toParams, urlParam } from './params.ts';

const status = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof Open311Error ? err.status : 'other';
  }
  return 'ok';
};

describe('Open311 parameters', () => {
  it('parses form bodies, repeated keys and attribute[CODE] entries', () => {
    const p = parseForm('service_code=0101&attribute%5Bseverity%5D=2&attribute%5Bkinds%5D%5B%5D=a&attribute%5Bkinds%5D%5B%5D=b&description=%E5%9D%91');
    expect(p).toEqual({ service_code: '0101', 'attribute[severity]': '2', 'attribute[kinds]': ['a', 'b'], description: '坑' });
    expect(attributes(p)).toEqual({ severity: '2', kinds: ['a', 'b'] });
    expect(status(() => attributes({ 'attribute[bad key]': 'x' }))).toBe(400);
    expect(toParams({ lat: 31.2, attribute: { severity: 3 }, none: null })).toEqual({ lat: '31.2', 'attribute[severity]': '3' });
  });

  it('treats an empty value as absent and refuses over-long or repeated single values', () => {
    expect(one({ a: '  ' }, 'a')).toBeUndefined();
    expect(one({ a: ' x ' }, 'a')).toBe('x');
    expect(status(() => one({ a: 'x'.repeat(11) }, 'a', 10))).toBe(400);
    expect(status(() => one({ a: ['x', 'y'] }, 'a'))).toBe(400);
  });

  it('reads dates with a zone as given and without one in the city time zone', () => {
    expect(dateParam({ d: '2026-11-23T09:00:00Z' }, 'd', '+08:00')!.toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(dateParam({ d: '2026-11-23T09:00:00+0800' }, 'd', '+08:00')!.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(dateParam({ d: '2026-11-23' }, 'd', '+08:00')!.toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(dateParam({ d: '2026-11-23T09:00' }, 'd', '+08:00')!.toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(status(() => dateParam({ d: '2026-13-45' }, 'd', '+08:00'))).toBe(400);
    expect(status(() => dateParam({ d: 'yesterday' }, 'd', '+08:00'))).toBe(400);
  });

  it('defaults and bounds the 90-day window', () => {
    const now = new Date('2026-11-23T01:00:00Z');
    const w = dateWindow({}, now, '+08:00');
    expect(w.to).toEqual(now);
    expect((w.to.getTime() - w.from.getTime()) / 86_400_000).toBe(90);
    const fromOnly = dateWindow({ start_date: '2026-01-01T00:00:00Z' }, now, '+08:00');
    expect(fromOnly.to.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(status(() => dateWindow({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-04-01T00:00:01Z' }, now, '+08:00'))).toBe(400);
    expect(status(() => dateWindow({ start_date: '2026-02-01', end_date: '2026-01-01' }, now, '+08:00'))).toBe(400);
  });

  it('formats instants in the city offset and accepts only http(s) media URLs', () => {
    expect(formatInstant(new Date('2026-11-23T01:00:00Z'), 480)).toBe('2026-11-23T09:00:00+08:00');
    expect(formatInstant(new Date('2026-11-23T01:00:00Z'), -330)).toBe('2026-11-22T19:30:00-05:30');
    expect(urlParam({ m: 'https://x.org/a.jpg' }, 'm')).toBe('https://x.org/a.jpg');
    expect(status(() => urlParam({ m: 'file:///etc/passwd' }, 'm'))).toBe(400);
    expect(status(() => urlParam({ m: 'not a url' }, 'm'))).toBe(400);
  });
});
