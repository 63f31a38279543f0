import { ConfigProvider, Layout, Space, Switch, Typography, Button } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useLocale } from '../i18n/locale.tsx';
import { Link, matchPath, useLocation } from '../router.tsx';
import { PortalHome } from './portal-home.tsx';
import { PortalReport } from './portal-report.tsx';
import { PortalTrack } from './portal-track.tsx';
import { OpenDataDataset } from './opendata-dataset.tsx';
import { OpenDataList } from './opendata-list.tsx';
import { PortalMap } from './portal-map.tsx';
import { PortalGuide } from './portal-guide.tsx';
import { PortalMine } from './portal-mine.tsx';
import { ParticipationConsultation } from './participation-consultation.tsx';
import { ParticipationHome } from './participation-home.tsx';

const ELDER_KEY = 'civicgrid.elder';

/**
 * 市民门户: public, no sign-in. One column, large targets, a 长辈模式 that enlarges everything, real
 * headings and labels for screen readers, and a skip link; colours meet WCAG 2.1 AA contrast.
 */
export function PortalApp() {
  const { t, locale, setLocale } = useLocale();
  const { path } = useLocation();
  const [elder, setElder] = useState(() => localStorage.getItem(ELDER_KEY) === '1');
  useEffect(() => localStorage.setItem(ELDER_KEY, elder ? '1' : '0'), [elder]);
  useEffect(() => {
    document.title = `${t('portal.title')} · CivicGrid`;
  }, [t]);

  const track = matchPath('/portal/track/:code', path);
  const dataset = matchPath('/portal/opendata/:name', path);
  const consultation = matchPath('/portal/participation/consultations/:id', path);
  const simple: Record<string, () => ReactNode> = {
    '/portal/opendata': () => <OpenDataList />,
    '/portal/report': () => <PortalReport />,
    '/portal/map': () => <PortalMap />,
    '/portal/guide': () => <PortalGuide />,
    '/portal/mine': () => <PortalMine />,
    '/portal/participation': () => <ParticipationHome />,
  };
  const page = track ? <PortalTrack code={track.code!} /> : dataset ? <OpenDataDataset name={dataset.name!} /> : consultation ? <ParticipationConsultation id={consultation.id!} /> : (simple[path]?.() ?? <PortalHome />);

  return (
    <ConfigProvider theme={{ token: elder ? { fontSize: 20, controlHeight: 48, controlHeightLG: 56 } : { fontSize: 16, controlHeight: 40 } }}>
      <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }} className={elder ? 'elder' : undefined}>
        <a className="skip-link" href="#main">
          {t('app.skip_to_content')}
        </a>
        <header style={{ background: '#0d3b7a', color: '#fff', padding: '12px 16px' }}>
          <div style={{ maxWidth: 760, margin: '0 auto', display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center' }}>
            <Link to="/portal" style={{ color: '#fff', fontWeight: 700, fontSize: elder ? 26 : 20, textDecoration: 'none' }}>
              {t('portal.title')}
            </Link>
            <span style={{ flex: 1 }} />
            <Space wrap>
              <label style={{ color: '#fff', display: 'inline-flex', gap: 8, alignItems: 'center' }}>
                <Switch checked={elder} onChange={setElder} aria-label={t('portal.elder_mode')} />
                {t('portal.elder_mode')}
              </label>
              <Button ghost onClick={() => setLocale(locale === 'zh-CN' ? 'en-US' : 'zh-CN')} aria-label={`${t('lang.switch')} · ${t('lang.switch_label')}`} lang={locale === 'zh-CN' ? 'en' : 'zh-CN'}>
                {t('lang.switch')}
              </Button>
              <Link to="/portal/opendata" style={{ color: '#fff' }}>
                {t('opendata.title')}
              </Link>
              <Link to="/login" style={{ color: '#fff' }}>
                {t('portal.staff_login')}
              </Link>
            </Space>
          </div>
        </header>
        <main id="main" tabIndex={-1} style={{ maxWidth: 760, width: '100%', margin: '0 auto', padding: 16, outline: 'none' }}>
          {page}
        </main>
        <footer style={{ textAlign: 'center', padding: 16, color: '#4a5563' }}>
          <Typography.Text style={{ color: '#4a5563' }}>{t('portal.hotline')}</Typography.Text>
        </footer>
      </Layout>
    </ConfigProvider>
  );
}
