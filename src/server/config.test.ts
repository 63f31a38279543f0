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

  it('takes a read replica only beside a PostgreSQL primary', () => {
    expect(() => loadConfig({ DATABASE_REPLICA_URL: 'postgres://r/db' })).toThrow('DATABASE_REPLICA_URL needs DATABASE_URL');
    expect(() => loadConfig({ DATABASE_URL: 'postgres://p/db', DATABASE_REPLICA_URL: 'mysql://r/db' })).toThrow(ConfigError);
    const c = loadConfig({ DATABASE_URL: 'postgres://p/db', DATABASE_REPLICA_URL: 'postgres://r/db' });
    expect([c.DATABASE_REPLICA_URL, c.DATABASE_REPLICA_CHECK_SECONDS]).toEqual(['postgres://r/db', 5]);
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

  it('parses TZ_OFFSET once, and refuses one that is not +HH:MM instead of guessing', () => {
    expect(loadConfig({}).TZ_OFFSET_MINUTES).toBe(480);
    expect(loadConfig({ TZ_OFFSET: '-05:30' }).TZ_OFFSET_MINUTES).toBe(-330);
    expect(loadConfig({}, { TZ_OFFSET: 'Z' }).TZ_OFFSET_MINUTES).toBe(0);
    expect(() => loadConfig({ TZ_OFFSET: 'Asia/Shanghai' })).toThrow(/^configuration: TZ_OFFSET /);
    expect(() => loadConfig({ TZ_OFFSET: '+15:00' })).toThrow(ConfigError);
  });
});
