import { Alert, Card, Checkbox, Col, Descriptions, Row, Segmented, Space, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaseMapView } from '../../../shared/cases/map.ts';
import type { Warning } from '../../../shared/disputes.ts';
import { api, type Page } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useCity } from '../api/reference.ts';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { boundsOf, withOpenCases, type AreaCollection, type MapPoint } from '../lib/map-data.ts';
import { navigate } from '../router.tsx';

type Level = 'district' | 'street' | 'community' | 'grid';
type Layer = 'grids' | 'cases' | 'components' | 'warnings';

interface PointCollection {
  type: 'FeatureCollection';
  features: { id: string; geometry: { coordinates: [number, number] }; properties: { state?: string } }[];
  truncated?: boolean;
}

const supervisionColor = (s: string) => (s === 'red' ? '#a4161a' : s === 'yellow' ? '#b7791f' : '#1456b8');
const warningColor = { red: '#c0262d', orange: '#d9480f', yellow: '#b7791f' } as const;
/** warnings still being handled; resolved and dismissed ones leave the map */
const activeWarning = ['open', 'acknowledged', 'assigned'] as const;

/** 地图: areas coloured by open cases, open cases and city components, in the viewer's scope. */
export function MapPage() {
  const { t, te } = useLocale();
  const city = useCity();
  const { can } = useSession();
  const mayReadWarnings = can('warning.read');
  const [level, setLevel] = useState<Level>('grid');
  const [layers, setLayers] = useState<Layer[]>(mayReadWarnings ? ['grids', 'cases', 'warnings'] : ['grids', 'cases']);
  const [warnings, setWarnings] = useState<Warning[] | null>(null);
  const [areas, setAreas] = useState<AreaCollection | null>(null);
  // what is in view, from the server (GET /api/v1/cases/map): H3 clusters far out, the cases at street zoom
  const [view, setView] = useState<{ bbox: [number, number, number, number]; zoom: number } | null>(null);
  const [inView, setInView] = useState<CaseMapView | null>(null);
  const asked = useRef(0);
  const [components, setComponents] = useState<PointCollection | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api.get<AreaCollection>('/api/v1/geo/areas.geojson', { level }).then(setAreas).catch(setError);
  }, [level]);

  useEffect(() => {
    if (!view) return;
    // only the answer to the latest view is drawn: a slow answer for a view already left is dropped
    const n = ++asked.current;
    api
      .get<CaseMapView>('/api/v1/cases/map', { bbox: view.bbox.map((x) => x.toFixed(5)).join(','), zoom: Math.round(view.zoom * 10) / 10 })
      .then((r) => n === asked.current && setInView(r))
      .catch((err) => n === asked.current && setError(err));
  }, [view]);

  useEffect(() => {
    if (!layers.includes('components') || components) return;
    api.get<PointCollection>('/api/v1/components.geojson', { limit: 5000 }).then(setComponents).catch(setError);
  }, [layers, components]);

  // 风险预警 at the centre of their cases (only for roles that may read them: no 403 in the console)
  useEffect(() => {
    if (!mayReadWarnings || !layers.includes('warnings') || warnings) return;
    Promise.all(activeWarning.map((status) => api.get<Page<Warning>>('/api/v1/warnings', { status, pageSize: 100 })))
      .then((pages) => setWarnings(pages.flatMap((p) => p.items)))
      .catch(setError);
  }, [mayReadWarnings, layers, warnings]);

  const byGrid = useMemo(() => new Map((inView?.grids ?? []).map((g) => [g.code, g.count])), [inView]);
  const openInScope = useMemo(() => (inView?.grids ?? []).reduce((sum, g) => sum + g.count, 0), [inView]);
  const coloured = useMemo(() => (areas ? withOpenCases(areas, byGrid) : null), [areas, byGrid]);
  const bounds = useMemo(() => city?.bbox ?? boundsOf(areas), [city, areas]);
  const points: MapPoint[] = useMemo(() => {
    const out: MapPoint[] = [];
    if (layers.includes('components') && components) {
      for (const f of components.features) out.push({ id: `component:${f.id}`, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], color: f.properties.state && f.properties.state !== 'intact' ? '#d97706' : '#6b7a8c' });
    }
    if (layers.includes('cases') && inView) {
      for (const c of inView.points) out.push({ id: `case:${c.code}`, lon: c.lon, lat: c.lat, color: supervisionColor(c.supervision) });
      for (const c of inView.cells) out.push({ id: `cell:${c.h3}`, lon: c.lon, lat: c.lat, count: c.count, color: '#1456b8' });
    }
    if (layers.includes('warnings') && warnings) {
      for (const w of warnings) if (w.lon !== null && w.lat !== null) out.push({ id: `warning:${w.id}`, lon: w.lon, lat: w.lat, count: w.count, color: warningColor[w.level] });
    }
    return out;
  }, [layers, inView, components, warnings]);
  const selectedArea = coloured?.features.find((f) => f.properties.code === selected);

  return (
    <div>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('nav.map')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon message={te(error)} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Level>
          aria-label={t('field.area')}
          value={level}
          onChange={setLevel}
          options={[
            { value: 'district', label: t('registry.level.district') },
            { value: 'street', label: t('registry.level.street') },
            { value: 'community', label: t('registry.level.community') },
            { value: 'grid', label: t('registry.level.grid') },
          ]}
        />
        <Checkbox.Group<Layer>
          value={layers}
          onChange={setLayers}
          options={[
            { value: 'grids', label: t('map.layer.grids') },
            { value: 'cases', label: t('map.layer.cases') },
            { value: 'components', label: t('map.layer.components') },
            ...(mayReadWarnings ? [{ value: 'warnings' as const, label: t('map.layer.warnings') }] : []),
          ]}
        />
      </Space>
      <Row gutter={12}>
        <Col xs={24} lg={18}>
          <MapView
            height="70vh"
            label={t('nav.map')}
            showLegend
            areas={layers.includes('grids') ? coloured : null}
            points={points}
            bounds={bounds}
            onAreaClick={setSelected}
            onPointClick={(id) => (id.startsWith('case:') ? navigate(`/cases/${id.slice(5)}`) : id.startsWith('warning:') && navigate('/warnings'))}
            onViewChange={(bbox, zoom) => setView({ bbox, zoom })}
          />
        </Col>
        <Col xs={24} lg={6}>
          <Card size="small" title={t('field.area')}>
            {selectedArea ? (
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('field.area')}>{selectedArea.properties.name}</Descriptions.Item>
                <Descriptions.Item label={t('field.code')}>{selectedArea.properties.code}</Descriptions.Item>
                <Descriptions.Item label={t('ops.total_open')}>{selectedArea.properties.openCases ?? 0}</Descriptions.Item>
              </Descriptions>
            ) : (
              <Typography.Text type="secondary">{t('map.open_cases', { n: openInScope })}</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
