import { GlobalOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useSession } from '../auth/session.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { activeNavKey, visibleNav } from '../lib/nav.ts';
import { navigate, useLocation } from '../router.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { NotificationBell } from './notification-bell.tsx';

const { Header, Sider, Content } = Layout;

/** Header with who is signed in and the language switch, a role-aware menu, and the page. */
export function ConsoleLayout({ children }: { children: ReactNode }) {
  const { me, logout, can } = useSession();
  const { t, locale, setLocale } = useLocale();
  const { path } = useLocation();
  const screens = Grid.useBreakpoint();
  const items = visibleNav(me?.permissions ?? []);
  const narrow = !screens.md;
  const menu = (
    <Menu
      aria-label={t('nav.menu')}
      mode={narrow ? 'horizontal' : 'inline'}
      theme={narrow ? 'light' : 'dark'}
      selectedKeys={[activeNavKey(path, items) ?? '']}
      items={items.map((i) => ({ key: i.key, label: <a href={i.path} onClick={(e) => (e.preventDefault(), navigate(i.path))}>{t(i.label)}</a> }))}
      style={narrow ? { flex: 1, minWidth: 0 } : undefined}
    />
  );
  // On a phone every screen is a visible link that wraps onto another line: antd's horizontal menu would hide
  // the rest behind "…" and a grid worker would never find them.
  const active = activeNavKey(path, items);
  const links = (
    <ul className="console-nav-links" aria-label={t('nav.menu')}>
      {items.map((i) => (
        <li key={i.key}>
          <a href={i.path} aria-current={i.key === active ? 'page' : undefined} onClick={(e) => (e.preventDefault(), navigate(i.path))}>
            {t(i.label)}
          </a>
        </li>
      ))}
    </ul>
  );
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      {!narrow && (
        <Sider width={184} theme="dark">
          <div style={{ color: '#fff', padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>{t('app.name')}</div>
          <nav>{menu}</nav>
        </Sider>
      )}
      <Layout>
        <Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', gap: 12, borderBottom: '1px solid #e5e7eb', height: 'auto', minHeight: 56, flexWrap: narrow ? 'wrap' : 'nowrap' }}>
          {narrow ? <nav className="console-nav-narrow" style={{ flex: 1, minWidth: 0, order: 2, width: '100%' }}>{links}</nav> : <div style={{ flex: 1 }} />}
          <Space size="small" wrap style={{ order: 1, marginLeft: 'auto' }}>
            <UserOutlined aria-hidden />
            <Typography.Text strong data-testid="whoami">
              {me?.displayName}
            </Typography.Text>
            {!narrow && me?.roles.map((r) => <Tag key={r}>{t(`role.${r}` as MessageKey)}</Tag>)}
            {can('case.read') && <NotificationBell />}
            <Button size="small" icon={<GlobalOutlined aria-hidden />} aria-label={`${t('lang.switch')} · ${t('lang.switch_label')}`} onClick={() => setLocale(locale === 'zh-CN' ? 'en-US' : 'zh-CN')} lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}>
              {t('lang.switch')}
            </Button>
            <Button size="small" icon={<LogoutOutlined aria-hidden />} onClick={() => void logout()}>
              {t('user.logout')}
            </Button>
          </Space>
        </Header>
        <Content id="main" tabIndex={-1} style={{ padding: 16, outline: 'none' }}>
          {children}
        </Content>
      </Layout>
    </Layout>
  );
}
