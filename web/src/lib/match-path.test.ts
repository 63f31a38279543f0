import { describe, expect, it } from 'vitest';
import { matchPath } from './match-path.ts';

describe('client-side routes', () => {
  it('matches literal segments and extracts parameters', () => {
    expect(matchPath('/cases/:code', '/cases/2026112300001')).toEqual({ code: '2026112300001' });
    expect(matchPath('/portal/track/:code', '/portal/track/2026112300001?x=1')).toEqual({ code: '2026112300001' });
    expect(matchPath('/registry/import', '/registry/import/')).toEqual({});
  });

  it('refuses other shapes and broken escapes', () => {
    expect(matchPath('/cases/:code', '/cases')).toBeNull();
    expect(matchPath('/cases/:code', '/cases/1/2')).toBeNull();
    expect(matchPath('/map', '/maps')).toBeNull();
    expect(matchPath('/cases/:code', '/cases/%E0%A4%A')).toBeNull();
  });
});
