import { describe, expect, it } from 'vitest';
import { permissionsOf } from '../../../shared/permissions.ts';
import { activeNavKey, homePath, visibleNav } from './nav.ts';

// The real permission table, so the menu test breaks when a role's rights change and the menu does not follow.
const menuOf = (role: string) => visibleNav(permissionsOf([role])).map((i) => i.key);

describe('role-aware navigation', () => {
  it('gives each role the screens its permissions reach, and no others', () => {
    expect(menuOf('clerk')).toEqual(['intake', 'cases', 'map', 'registry', 'datahall', 'datahall_sharing', 'callbacks', 'disputes']);
    expect(menuOf('dispatcher')).toEqual(['intake', 'dispatch', 'cases', 'map', 'operations', 'evaluation', 'registry', 'datahall', 'datahall_sharing', 'disputes', 'warnings', 'alarms']);
    expect(menuOf('handler')).toEqual(['workbench', 'cases', 'map', 'datahall', 'datahall_sharing']);
    expect(menuOf('gridworker')).toEqual(['grid', 'cases', 'map', 'registry', 'datahall', 'datahall_sharing', 'disputes', 'participation']);
    expect(menuOf('leader')).toEqual(['cases', 'map', 'operations', 'evaluation', 'registry', 'datahall', 'datahall_sharing', 'disputes', 'warnings', 'alarms', 'admin_audit']);
    expect(menuOf('dataadmin')).toEqual(['map', 'registry', 'import', 'datahall', 'datahall_sharing', 'admin_devices']);
    // issue #18: device types, keys and settings are the admin's alone
    expect(menuOf('admin')).toEqual(expect.arrayContaining(['alarms', 'admin_devices', 'admin_device_types', 'admin_keys', 'admin_settings', 'admin_audit']));
    // the admin console's screens (系统管理) appear for admins only
    expect(menuOf('admin')).toContain('admin_calendar');
    expect(menuOf('admin')).toContain('admin_taxonomy');
    expect(['clerk', 'dispatcher', 'handler', 'gridworker', 'leader', 'dataadmin'].filter((r) => menuOf(r).some((k) => k === 'admin_calendar' || k === 'admin_taxonomy'))).toEqual([]);
    expect(menuOf('citizen')).toEqual([]);
  });

  it('starts each role on its own desk', () => {
    const home = (role: string) => homePath([role], permissionsOf([role]));
    expect(home('clerk')).toBe('/intake');
    expect(home('dispatcher')).toBe('/dispatch');
    expect(home('handler')).toBe('/workbench');
    expect(home('gridworker')).toBe('/grid');
    expect(home('leader')).toBe('/operations');
    expect(home('dataadmin')).toBe('/registry');
    expect(home('citizen')).toBe('/portal');
  });

  it('highlights the menu entry of the longest matching path', () => {
    expect(activeNavKey('/registry/import')).toBe('import');
    expect(activeNavKey('/registry')).toBe('registry');
    expect(activeNavKey('/cases/2026112300001')).toBe('cases');
    expect(activeNavKey('/casesx')).toBeUndefined();
  });
});
