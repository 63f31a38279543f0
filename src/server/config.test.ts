import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.CIVICGRID_DATA_DIR).toBe('./data');
    expect(c.CIVICGRID_DEMO).toBeUndefined();
    expect(c.CIVICGRID_DEMO_PASSWORD).toBe('demo-pass-2026');
  });

  it('stops with one readable line on a bad value', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/^configuration: PORT /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres/);
    expect(() => loadConfig({ CIVICGRID_DEMO: 'maybe' })).toThrow(/CIVICGRID_DEMO/);
  });

  it('reads booleans the way people write them and treats empty as unset', () => {
    expect(loadConfig({ CIVICGRID_DEMO: 'false' }).CIVICGRID_DEMO).toBe(false);
    expect(loadConfig({ CIVICGRID_DEMO: '1' }).CIVICGRID_DEMO).toBe(true);
    expect(loadConfig({ PORT: '' }).PORT).toBe(8080);
  });
});
