import { CheckSquareOutlined, DatabaseOutlined, EnvironmentOutlined, FormOutlined, ScheduleOutlined } from '@ant-design/icons';
import { Badge, Card, List, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { openStates } from '../../../shared/cases/state-machine.ts';
import { api, type Page } from '../api/client.ts';
import { useCaseFeed } from '../api/live.ts';
import type { CaseSummary, RegistryComponent } from '../api/types.ts';
import { useSession } from '../auth/session.tsx';
import { DeadlineClock, StateTag } from '../components/case-bits.tsx';
import { CaseRowActions } from '../components/case-row-actions.tsx';
import { GridComponents } from '../components/grid-components.tsx';
import { FieldworkTab } from '../components/fieldwork-tab.tsx';
import { GridReport } from '../components/grid-report.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { boundsOf, type AreaCollection, type MapPoint } from '../lib/map-data.ts';
import { Link, navigate } from '../router.tsx';

const sections: { key: string; label: 'grid.tab.tasks' | 'grid.tab.map' | 'grid.tab.report' | 'fieldwork.tab' | 'grid.tab.data'; icon: ReactNode }[] = [
  { key: 'tasks', label: 'grid.tab.tasks', icon: <CheckSquareOutlined /> },
  { key: 'map', label: 'grid.tab.map', icon: <EnvironmentOutlined /> },
  { key: 'report', label: 'grid.tab.report', icon: <FormOutlined /> },
  { key: 'fieldwork', label: 'fieldwork.tab', icon: <ScheduleOutlined /> },
  { key: 'data', label: 'grid.tab.data', icon: <DatabaseOutlined /> },
];

/** 网格员: one column, big targets, for a phone on patrol — my grid, my tasks, report, base data. */
export function GridWorkerPage() {
  const { me } = useSession();
  const { t } = useLocale();
  const [tab, setTab] = useState('tasks');
  const [grid, setGrid] = useState<AreaCollection | null>(null);
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [components, setComponents] = useState<RegistryComponent[]>([]);
  // The scope path ends with the code of the area this worker looks after (usually one grid).
  const scopeCode = me?.scope.split('.').pop() ?? null;

  const loadCases = useCallback(() => {
    api
      .get<Page<CaseSummary>>('/api/v1/cases', { state: openStates.join(','), pageSize: 100 })
      .then((p) => setCases(p.items))
      .catch(() => setCases([]));
  }, []);
  useEffect(loadCases, [loadCases]);
  useCaseFeed(loadCases);

  useEffect(() => {
    api
      .get<AreaCollection>('/api/v1/geo/areas.geojson', { within: scopeCode ?? undefined, level: 'grid' })
      .then(setGrid)
      .catch(() => setGrid(null));
    api
      .get<Page<RegistryComponent>>('/api/v1/components', { pageSize: 200 })
      .then((p) => setComponents(p.items))
      .catch(() => setComponents([]));
  }, [scopeCode]);

  const bounds = useMemo(() => boundsOf(grid), [grid]);
  const points: MapPoint[] = useMemo(
    () => [
      ...components.map((c) => ({ id: `component:${c.id}`, lon: c.lon, lat: c.lat, color: c.state === 'intact' ? '#6b7a8c' : '#d97706' })),
      ...cases.filter((c) => c.location.lon !== null && c.location.lat !== null).map((c) => ({ id: `case:${c.code}`, lon: c.location.lon!, lat: c.location.lat!, color: '#c0392b' })),
    ],
    [cases, components],
  );
  const toCheck = cases.filter((c) => c.state === 'reported');
  const others = cases.filter((c) => c.state !== 'reported');

  const caseCard = (c: CaseSummary) => (
    <List.Item key={c.code}>
      <Card size="small" style={{ width: '100%' }} title={<Link to={`/cases/${c.code}`}>{c.code}</Link>} extra={<StateTag state={c.state} />}>
        <Typography.Paragraph ellipsis={{ rows: 3 }} style={{ marginBottom: 8 }}>
          {c.urgent && <Tag color="red">{t('field.urgent')}</Tag>}
          {c.text}
        </Typography.Paragraph>
        <Space direction="vertical" style={{ width: '100%' }}>
          <DeadlineClock compact deadline={{ dueAt: c.deadlines.dueAt, yellowAt: c.deadlines.yellowAt, pausedSince: c.deadlines.pausedSince, supervision: c.supervision }} />
          <CaseRowActions row={c} primary={['check', 'rework']} expand onDone={loadCases} />
        </Space>
      </Card>
    </List.Item>
  );

  return (
    <div style={{ maxWidth: 720, margin: '0 auto' }}>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('grid.title')} {grid?.features[0] && <Typography.Text type="secondary">· {grid.features.length === 1 ? grid.features[0].properties.name : scopeCode}</Typography.Text>}
      </Typography.Title>
      {/* The phone's bottom tab bar: every section one thumb away, none hidden behind an overflow menu. */}
      <section aria-label={t(sections.find((x) => x.key === tab)!.label)} style={{ paddingBottom: 76 }} data-testid="grid-panel">
        {tab === 'tasks' && (
          <>
            <Typography.Title level={3} style={{ fontSize: 16 }}>
              {t('grid.tasks_check')}
            </Typography.Title>
            <List dataSource={toCheck} renderItem={caseCard} locale={{ emptyText: t('case.empty') }} data-testid="grid-to-check" />
            <Typography.Title level={3} style={{ fontSize: 16 }}>
              {t('grid.tasks_open')}
            </Typography.Title>
            <List dataSource={others} renderItem={caseCard} locale={{ emptyText: t('case.empty') }} />
          </>
        )}
        {tab === 'map' && <MapView height="60vh" label={t('grid.tab.map')} areas={grid} bounds={bounds} points={points} onPointClick={(id) => id.startsWith('case:') && navigate(`/cases/${id.slice(5)}`)} />}
        {tab === 'report' && <GridReport bounds={bounds} onReported={() => (loadCases(), setTab('tasks'))} />}
        {tab === 'fieldwork' && <FieldworkTab />}
        {tab === 'data' && <GridComponents gridCode={scopeCode && scopeCode.length === 15 ? scopeCode : null} />}
      </section>
      <nav className="grid-tabbar" aria-label={t('grid.tabbar')} data-testid="grid-tabbar">
        <div role="tablist" aria-label={t('grid.tabbar')}>
          {sections.map((x) => (
            <button
              key={x.key}
              type="button"
              role="tab"
              aria-selected={tab === x.key}
              className={tab === x.key ? 'active' : undefined}
              onClick={() => setTab(x.key)}
              data-testid={`grid-tab-${x.key}`}
            >
              <span aria-hidden className="icon">
                {x.key === 'tasks' ? <Badge count={toCheck.length} size="small" offset={[6, -2]}>{x.icon}</Badge> : x.icon}
              </span>
              <span className="label">{t(x.label)}</span>
            </button>
          ))}
        </div>
      </nav>
    </div>
  );
}
