import { Alert, Card, Col, Empty, Row, Segmented, Statistic, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { openStates } from '../../../shared/cases/state-machine.ts';
import { api, type Page } from '../api/client.ts';
import { useCaseFeed } from '../api/live.ts';
import { useSession } from '../auth/session.tsx';
import { useCity, useTaxonomy } from '../api/reference.ts';
import type { CaseSummary } from '../api/types.ts';
import { EChart, type ChartOption } from '../components/echart.tsx';
import { MapView } from '../components/map-view.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { countsInOrder, hotspotColor, type Dashboard, type Hotspots } from '../lib/dashboard.ts';
import { formatPercent } from '../lib/format.ts';
import { OperationsWarnings } from './operations-warnings.tsx';

const total = (query: Record<string, string>) => api.get<Page<CaseSummary>>('/api/v1/cases', { ...query, pageSize: 1 }).then((p) => p.total);
const bar = (labels: string[], values: number[], color = '#1456b8'): ChartOption => ({
  tooltip: {},
  grid: { left: 40, right: 16, top: 16, bottom: 16, containLabel: true },
  xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: labels.length > 5 ? 35 : 0 } },
  yAxis: { type: 'value', minInterval: 1 },
  series: [{ type: 'bar', data: values, itemStyle: { color } }],
});

/**
 * 运行监测 (城市运行体征): the leader's overview from the City Brain's dashboard — open and overdue cases by
 * state, category and district, supervision cards, alarms by severity, device online rate, and the hotspots
 * of the last 24 hours on the map. It refreshes when a case changes and every 30 s.
 */
export function OperationsPage() {
  const { t, te, locale } = useLocale();
  const taxonomy = useTaxonomy();
  const city = useCity();
  const [d, setDashboard] = useState<Dashboard | null>(null);
  const [hot, setHot] = useState<Hotspots | null>(null);
  const [cards, setCards] = useState<{ yellow: number; red: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [span, setSpan] = useState<'24h' | '7d'>('24h');
  const { can } = useSession();
  const [tick, setTick] = useState(0);

  const load = useCallback(() => {
    Promise.all([api.get<Dashboard>('/api/v1/brain/dashboard'), api.get<Hotspots>('/api/v1/brain/hotspots', { window: span, res: 8 }), total({ supervision: 'yellow' }), total({ supervision: 'red' })])
      .then(([dash, spots, yellow, red]) => {
        setDashboard(dash);
        setHot(spots);
        setCards({ yellow, red });
        setError(null);
        setTick((n) => n + 1);
      })
      .catch(setError);
  }, [span]);
  useEffect(() => {
    load();
    const id = setInterval(load, 30_000);
    return () => clearInterval(id);
  }, [load]);
  useCaseFeed(load, 5000);

  const byState = useMemo(() => bar(openStates.map((s) => t(`state.${s}` as MessageKey)), countsInOrder(d?.cases.byState ?? [], openStates)), [d, t]);
  const byCategory = useMemo(() => {
    const rows = (d?.cases.byCategory ?? []).slice(0, 10);
    const name = (code: string | null) => {
      const c = taxonomy.categories.find((x) => x.code === code);
      return c ? (locale === 'en-US' ? c.en : c.zh) : (code ?? '—');
    };
    return bar(rows.map((r) => name(r.category)), rows.map((r) => r.n), '#2e7d6b');
  }, [d, taxonomy, locale]);
  const byArea = useMemo(() => bar((d?.cases.byArea ?? []).map((a) => a.name ?? a.code), (d?.cases.byArea ?? []).map((a) => a.n), '#6b4fa0'), [d]);
  const alarms = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      color: ['#f5b041', '#e67e22', '#c0392b', '#6e0b0b'],
      series: [{ type: 'pie', radius: ['35%', '62%'], data: ['warning', 'minor', 'major', 'critical'].map((s) => ({ name: t(`ops.severity.${s}` as MessageKey), value: d?.alarms.bySeverity[s] ?? 0 })) }],
    }),
    [d, t],
  );
  const max = Math.max(0, ...(hot?.cells ?? []).map((c) => c.total));
  const points = useMemo(() => (hot?.cells ?? []).map((c) => ({ id: c.h3, lon: c.center[0], lat: c.center[1], color: hotspotColor(c.total, max) })), [hot, max]);

  const stat = (title: string, value: number | string, color?: string) => (
    <Col xs={12} md={8} xl={4}>
      <Card size="small">
        <Statistic title={title} value={value} valueStyle={color ? { color } : undefined} />
      </Card>
    </Col>
  );

  return (
    <div>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('ops.title')}
      </Typography.Title>
      {/* the 大屏 runs full screen without console chrome, on the wall's own browser window */}
      <Typography.Paragraph>
        <a href="/screen" target="_blank" rel="noopener" data-testid="open-big-screen">
          {t('ops.open_screen')}
        </a>
      </Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon message={te(error)} style={{ marginBottom: 12 }} />}
      <Row gutter={[12, 12]}>
        {stat(t('ops.total_open'), d?.cases.open ?? 0)}
        {stat(t('ops.overdue'), d?.cases.overdue ?? 0, '#b42318')}
        {stat(t('ops.yellow'), cards?.yellow ?? 0, '#8a5a00')}
        {stat(t('ops.red'), cards?.red ?? 0, '#b42318')}
        {stat(t('ops.alarms_active'), d?.alarms.active ?? 0)}
        {stat(t('ops.online_rate'), formatPercent(d?.devices.onlineRate))}
        <Col xs={24} xl={12}>
          <Card
            size="small"
            title={t(span === '24h' ? 'ops.hotspots' : 'ops.hotspots_7d')}
            extra={<Segmented size="small" aria-label={t('ops.window')} value={span} onChange={(v) => setSpan(v as '24h' | '7d')} options={[{ value: '24h', label: t('ops.window_24h') }, { value: '7d', label: t('ops.window_7d') }]} />}
          >
            <MapView height={320} label={t('ops.hotspots')} bounds={city?.bbox ?? null} points={points} />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card size="small" title={t('ops.open_by_state')}>
            <EChart option={byState} height={320} summary={openStates.map((s, i) => `${t(`state.${s}` as MessageKey)} ${countsInOrder(d?.cases.byState ?? [], openStates)[i]}`).join(', ')} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('ops.by_category')}>
            <EChart option={byCategory} summary={(d?.cases.byCategory ?? []).map((r) => `${r.category} ${r.n}`).join(', ')} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('ops.by_area')}>
            <EChart option={byArea} summary={(d?.cases.byArea ?? []).map((a) => `${a.name ?? a.code} ${a.n}`).join(', ')} />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('ops.alarms')}>
            {d && d.alarms.active === 0 ? (
              <Empty style={{ height: 248, paddingTop: 64 }} description={t('ops.no_alarms')} />
            ) : (
              <EChart option={alarms} summary={Object.entries(d?.alarms.bySeverity ?? {}).map(([k, n]) => `${k} ${n}`).join(', ')} />
            )}
          </Card>
        </Col>
        {/* 风险预警 only for roles that may read them: the others would get a 403 */}
        {can('warning.read') && (
          <Col xs={24}>
            <OperationsWarnings refreshKey={tick} />
          </Col>
        )}
      </Row>
    </div>
  );
}
