import type { MessageKey } from '../i18n/i18n.ts';

/**
 * The console's menu, driven by the same permission table the API enforces (shared/permissions.ts,
 * delivered by GET /api/v1/auth/me), so a menu never offers a screen whose calls would be refused.
 */
export interface NavItem {
  key: string;
  path: string;
  label: MessageKey;
  /** all of these are needed */
  permissions: readonly string[];
}

export const navItems: readonly NavItem[] = [
  { key: 'intake', path: '/intake', label: 'nav.intake', permissions: ['case.create', 'case.accept'] },
  { key: 'dispatch', path: '/dispatch', label: 'nav.dispatch', permissions: ['case.dispatch'] },
  { key: 'workbench', path: '/workbench', label: 'nav.workbench', permissions: ['case.handle'] },
  // The patrol view is for people who both check closures and keep base data fresh: grid workers.
  { key: 'grid', path: '/grid', label: 'nav.grid', permissions: ['case.check', 'registry.write'] },
  { key: 'cases', path: '/cases', label: 'nav.cases', permissions: ['case.read'] },
  { key: 'map', path: '/map', label: 'nav.map', permissions: ['geo.read'] },
  { key: 'operations', path: '/operations', label: 'nav.operations', permissions: ['dashboard.read'] },
  { key: 'evaluation', path: '/evaluation', label: 'nav.evaluation', permissions: ['evaluation.read'] },
  { key: 'registry', path: '/registry', label: 'nav.registry', permissions: ['registry.read'] },
  { key: 'import', path: '/registry/import', label: 'nav.import', permissions: ['registry.import'] },
  { key: 'datahall', path: '/datahall', label: 'nav.datahall', permissions: ['datahall.read'] },
  { key: 'datahall_sharing', path: '/datahall/sharing', label: 'nav.datahall_sharing', permissions: ['datahall.read'] },
  { key: 'callbacks', path: '/callbacks', label: 'nav.callbacks', permissions: ['callback.work'] },
  { key: 'notify_outbox', path: '/notify/outbox', label: 'nav.notify_outbox', permissions: ['notify.manage'] },
  { key: 'disputes', path: '/disputes', label: 'nav.disputes', permissions: ['dispute.read'] },
  { key: 'warnings', path: '/warnings', label: 'nav.warnings', permissions: ['warning.read'] },
  { key: 'admin_calendar', path: '/admin/calendar', label: 'nav.admin_calendar', permissions: ['calendar.manage'] },
  { key: 'admin_taxonomy', path: '/admin/taxonomy', label: 'nav.admin_taxonomy', permissions: ['taxonomy.manage'] },
  // #18 admin screens for setting a city up
  { key: 'admin_org', path: '/admin/org', label: 'nav.admin_org', permissions: ['org.manage'] },
  { key: 'admin_users', path: '/admin/users', label: 'nav.admin_users', permissions: ['user.manage'] },
  { key: 'admin_catalogue', path: '/admin/catalogue', label: 'nav.admin_catalogue', permissions: ['dispatch.manage'] },
  { key: 'participation', path: '/participation', label: 'nav.participation', permissions: ['participation.organise'] },
  // ---- issue #18: alarm workbench and admin screens
  { key: 'alarms', path: '/alarms', label: 'nav.alarms', permissions: ['alarm.read'] },
  { key: 'admin_devices', path: '/admin/devices', label: 'nav.admin_devices', permissions: ['device.manage'] },
  { key: 'admin_device_types', path: '/admin/device-types', label: 'nav.admin_device_types', permissions: ['devicetype.manage', 'alarm.read'] },
  { key: 'admin_keys', path: '/admin/keys', label: 'nav.admin_keys', permissions: ['open311.manage'] },
  { key: 'admin_settings', path: '/admin/settings', label: 'nav.admin_settings', permissions: ['settings.manage'] },
  { key: 'admin_audit', path: '/admin/audit', label: 'nav.admin_audit', permissions: ['audit.read'] },
];

export function visibleNav(permissions: Iterable<string>): NavItem[] {
  const have = new Set(permissions);
  return navItems.filter((item) => item.permissions.every((p) => have.has(p)));
}

/** Where each role starts its day; the first role with a reachable screen wins. */
const homeByRole: Record<string, string> = {
  clerk: '/intake',
  dispatcher: '/dispatch',
  handler: '/workbench',
  gridworker: '/grid',
  leader: '/operations',
  dataadmin: '/registry',
  admin: '/dispatch',
};

export function homePath(roles: readonly string[], permissions: Iterable<string>): string {
  const visible = visibleNav(permissions);
  for (const role of roles) {
    const path = homeByRole[role];
    if (path && visible.some((v) => v.path === path)) return path;
  }
  return visible[0]?.path ?? '/portal';
}

/** The menu entry a path belongs to (the longest matching prefix), for highlighting. */
export function activeNavKey(path: string, items: readonly NavItem[] = navItems): string | undefined {
  let best: NavItem | undefined;
  for (const item of items) {
    if ((path === item.path || path.startsWith(`${item.path}/`)) && (!best || item.path.length > best.path.length)) best = item;
  }
  return best?.key;
}
