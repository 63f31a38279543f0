import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { SessionProvider, useSession } from './auth/session.tsx';
import { UiConfigProvider } from './auth/ui-config.tsx';
import { ConsoleLayout } from './components/console-layout.tsx';
import { LocaleProvider, useLocale } from './i18n/locale.tsx';
import { homePath, navItems } from './lib/nav.ts';
import { LoginPage } from './pages/login.tsx';
import { Link, matchPath, navigate, useLocation, type Params } from './router.tsx';

// Each screen is its own chunk: a citizen on a phone never downloads the dispatch desk or the charts.
const CaseDetailPage = lazy(() => import('./pages/case-detail.tsx').then((m) => ({ default: m.CaseDetailPage })));
const CaseListPage = lazy(() => import('./pages/case-list.tsx').then((m) => ({ default: m.CaseListPage })));
const DispatchQueuePage = lazy(() => import('./pages/dispatch-queue.tsx').then((m) => ({ default: m.DispatchQueuePage })));
const GridWorkerPage = lazy(() => import('./pages/grid-worker.tsx').then((m) => ({ default: m.GridWorkerPage })));
const IntakePage = lazy(() => import('./pages/intake.tsx').then((m) => ({ default: m.IntakePage })));
const MapPage = lazy(() => import('./pages/map-page.tsx').then((m) => ({ default: m.MapPage })));
const OperationsPage = lazy(() => import('./pages/operations.tsx').then((m) => ({ default: m.OperationsPage })));
const RegistryImportPage = lazy(() => import('./pages/registry-import.tsx').then((m) => ({ default: m.RegistryImportPage })));
const DisputesPage = lazy(() => import('./pages/disputes.tsx').then((m) => ({ default: m.DisputesPage })));
const DisputeDetailPage = lazy(() => import('./pages/dispute-detail.tsx').then((m) => ({ default: m.DisputeDetailPage })));
const WarningsPage = lazy(() => import('./pages/warnings.tsx').then((m) => ({ default: m.WarningsPage })));
const RegistryPage = lazy(() => import('./pages/registry.tsx').then((m) => ({ default: m.RegistryPage })));
const WorkbenchPage = lazy(() => import('./pages/workbench.tsx').then((m) => ({ default: m.WorkbenchPage })));
const DatahallCataloguePage = lazy(() => import('./pages/datahall-catalogue.tsx').then((m) => ({ default: m.DatahallCataloguePage })));
const DatahallResourcePage = lazy(() => import('./pages/datahall-resource.tsx').then((m) => ({ default: m.DatahallResourcePage })));
const DatahallSharingPage = lazy(() => import('./pages/datahall-sharing.tsx').then((m) => ({ default: m.DatahallSharingPage })));
const AdminCalendarPage = lazy(() => import('./pages/admin-calendar.tsx').then((m) => ({ default: m.AdminCalendarPage })));
const AdminTaxonomyPage = lazy(() => import('./pages/admin-taxonomy.tsx').then((m) => ({ default: m.AdminTaxonomyPage })));
// #18 admin screens: org tree, accounts, dispatch catalogue
const AdminOrgPage = lazy(() => import('./pages/admin-org.tsx').then((m) => ({ default: m.AdminOrgPage })));
const AdminUsersPage = lazy(() => import('./pages/admin-users.tsx').then((m) => ({ default: m.AdminUsersPage })));
const AdminCataloguePage = lazy(() => import('./pages/admin-catalogue.tsx').then((m) => ({ default: m.AdminCataloguePage })));
const ChangePasswordPage = lazy(() => import('./pages/change-password.tsx').then((m) => ({ default: m.ChangePasswordPage })));
const NotifyOutboxPage = lazy(() => import('./pages/notify-outbox.tsx').then((m) => ({ default: m.NotifyOutboxPage })));
const CallbacksPage = lazy(() => import('./pages/callbacks.tsx').then((m) => ({ default: m.CallbacksPage })));
const EvaluationPage = lazy(() => import('./pages/evaluation.tsx').then((m) => ({ default: m.EvaluationPage })));
const BigScreenPage = lazy(() => import('./pages/evaluation-screen.tsx').then((m) => ({ default: m.BigScreenPage })));
const ParticipationConsolePage = lazy(() => import('./pages/participation-console.tsx').then((m) => ({ default: m.ParticipationConsolePage })));
// ---- issue #18: alarm workbench and admin screens
const AlarmsPage = lazy(() => import('./pages/alarms.tsx').then((m) => ({ default: m.AlarmsPage })));
const AdminDevicesPage = lazy(() => import('./pages/admin-devices.tsx').then((m) => ({ default: m.AdminDevicesPage })));
const AdminDeviceTypesPage = lazy(() => import('./pages/admin-device-types.tsx').then((m) => ({ default: m.AdminDeviceTypesPage })));
const AdminKeysPage = lazy(() => import('./pages/admin-keys.tsx').then((m) => ({ default: m.AdminKeysPage })));
const AdminSettingsPage = lazy(() => import('./pages/admin-settings.tsx').then((m) => ({ default: m.AdminSettingsPage })));
const AdminAuditPage = lazy(() => import('./pages/admin-audit.tsx').then((m) => ({ default: m.AdminAuditPage })));
const PortalApp = lazy(() => import('./portal/portal-app.tsx').then((m) => ({ default: m.PortalApp })));

interface ConsoleRoute {
  pattern: string;
  /** the menu entry whose permissions guard this screen */
  nav?: string;
  render(params: Params): ReactNode;
}

const consoleRoutes: ConsoleRoute[] = [
  { pattern: '/intake', nav: 'intake', render: () => <IntakePage /> },
  { pattern: '/dispatch', nav: 'dispatch', render: () => <DispatchQueuePage /> },
  { pattern: '/workbench', nav: 'workbench', render: () => <WorkbenchPage /> },
  { pattern: '/grid', nav: 'grid', render: () => <GridWorkerPage /> },
  { pattern: '/cases', nav: 'cases', render: () => <CaseListPage /> },
  { pattern: '/cases/:code', nav: 'cases', render: (p) => <CaseDetailPage code={p.code!} /> },
  { pattern: '/map', nav: 'map', render: () => <MapPage /> },
  { pattern: '/operations', nav: 'operations', render: () => <OperationsPage /> },
  { pattern: '/evaluation', nav: 'evaluation', render: () => <EvaluationPage /> },
  { pattern: '/registry', nav: 'registry', render: () => <RegistryPage /> },
  { pattern: '/registry/import', nav: 'import', render: () => <RegistryImportPage /> },
  { pattern: '/datahall', nav: 'datahall', render: () => <DatahallCataloguePage /> },
  { pattern: '/datahall/sharing', nav: 'datahall_sharing', render: () => <DatahallSharingPage /> },
  { pattern: '/datahall/resources/:code', nav: 'datahall', render: (p) => <DatahallResourcePage code={p.code!} /> },
  { pattern: '/notify/outbox', nav: 'notify_outbox', render: () => <NotifyOutboxPage /> },
  { pattern: '/admin/calendar', nav: 'admin_calendar', render: () => <AdminCalendarPage /> },
  { pattern: '/admin/taxonomy', nav: 'admin_taxonomy', render: () => <AdminTaxonomyPage /> },
  { pattern: '/admin/org', nav: 'admin_org', render: () => <AdminOrgPage /> },
  { pattern: '/admin/users', nav: 'admin_users', render: () => <AdminUsersPage /> },
  { pattern: '/admin/catalogue', nav: 'admin_catalogue', render: () => <AdminCataloguePage /> },
  { pattern: '/callbacks', nav: 'callbacks', render: () => <CallbacksPage /> },
  { pattern: '/disputes', nav: 'disputes', render: () => <DisputesPage /> },
  { pattern: '/disputes/:code', nav: 'disputes', render: (p) => <DisputeDetailPage code={p.code!} /> },
  { pattern: '/warnings', nav: 'warnings', render: () => <WarningsPage /> },
  { pattern: '/participation', nav: 'participation', render: () => <ParticipationConsolePage /> },
  // ---- issue #18
  { pattern: '/alarms', nav: 'alarms', render: () => <AlarmsPage /> },
  { pattern: '/admin/devices', nav: 'admin_devices', render: () => <AdminDevicesPage /> },
  { pattern: '/admin/device-types', nav: 'admin_device_types', render: () => <AdminDeviceTypesPage /> },
  { pattern: '/admin/keys', nav: 'admin_keys', render: () => <AdminKeysPage /> },
  { pattern: '/admin/settings', nav: 'admin_settings', render: () => <AdminSettingsPage /> },
  { pattern: '/admin/audit', nav: 'admin_audit', render: () => <AdminAuditPage /> },
];

function Console() {
  const { path } = useLocation();
  const { status, me, can } = useSession();
  const { t } = useLocale();

  useEffect(() => {
    if (status === 'signed_out') navigate(`/login?next=${encodeURIComponent(path + window.location.search)}`, { replace: true });
    else if (status === 'signed_in' && me && path === '/') navigate(homePath(me.roles, me.permissions), { replace: true });
  }, [status, me, path]);

  if (status !== 'signed_in' || !me) return <Spin fullscreen aria-label={t('common.loading')} />;
  // a one-time password (set by an admin): the API opens nothing else until the user picks their own
  if (me.mustChangePassword) return <Suspense fallback={<Spin fullscreen />}><ChangePasswordPage /></Suspense>;

  for (const route of consoleRoutes) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    const item = navItems.find((n) => n.key === route.nav);
    const allowed = !item || item.permissions.every((p) => can(p));
    return (
      <ConsoleLayout>
        <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
          {allowed ? route.render(params) : <Result status="403" title={t('common.forbidden_page')} extra={<Link to="/">{t('common.back_home')}</Link>} />}
        </Suspense>
      </ConsoleLayout>
    );
  }
  return (
    <ConsoleLayout>
      <Result status="404" title={t('common.not_found_page')} extra={<Link to="/">{t('common.back_home')}</Link>} />
    </ConsoleLayout>
  );
}

function Root() {
  const { path } = useLocation();
  const { locale } = useLocale();
  useEffect(() => {
    dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  }, [locale]);
  const isPortal = path === '/portal' || path.startsWith('/portal/');
  return (
    <ConfigProvider
      locale={locale === 'zh-CN' ? zhCN : enUS}
      // #1456b8 on white is 6.4:1, above WCAG AA for text; antd's default blue is 3.1:1 on white. The same for
      // danger red (#ff4d4f is 3.2:1; #c41d1f is 6:1) and placeholders (antd's 25% black is 1.9:1; 56% is 4.6:1).
      theme={{ token: { colorPrimary: '#1456b8', colorLink: '#1456b8', colorError: '#c41d1f', colorTextDescription: 'rgba(0,0,0,0.62)', colorTextPlaceholder: 'rgba(0,0,0,0.56)', borderRadius: 6 } }}
    >
      <AntApp>
        <Suspense fallback={<Spin fullscreen />}>{isPortal ? <PortalApp /> : path === '/login' ? <LoginPage /> : path === '/screen' ? <BigScreenPage /> : <Console />}</Suspense>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <LocaleProvider>
      <UiConfigProvider>
        <SessionProvider>
          <Root />
        </SessionProvider>
      </UiConfigProvider>
    </LocaleProvider>
  );
}
