import { Alert, List, Space, Tag, Typography } from 'antd';
import { useMemo } from 'react';
import type { ConsultationItem, ConsultationState } from '../../../shared/participation.ts';
import { useCity } from '../api/reference.ts';
import { MapView } from '../components/map-view.tsx';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link, navigate } from '../router.tsx';

/** Point colours by state, matching the tags' colours (antd's presets) so the list below reads as the legend. */
const pointColor: Record<ConsultationState, string> = { proposal: '#8c8c8c', deliberation: '#1677ff', voting: '#389e0d', closed: '#d46b08', published: '#722ed1' };
const tagColor = { proposal: 'default', deliberation: 'blue', voting: 'green', closed: 'orange', published: 'purple' } as const;

/** The points' extent, widened so a single consultation (or a few close together) is not zoomed in to the street. */
export function extentOf(points: readonly { lon: number; lat: number }[]): [number, number, number, number] | null {
  if (points.length === 0) return null;
  const xs = points.map((p) => p.lon);
  const ys = points.map((p) => p.lat);
  const pad = 0.004;
  return [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
}

/**
 * 议事地图: my community's consultations that have a place, as dots on the map (tap one to open it), with the
 * same consultations listed under it — a phone user who cannot aim at a dot, or a screen reader, has the list.
 */
export function ParticipationMap({ consultations }: { consultations: ConsultationItem[] }) {
  const { t } = useLocale();
  const city = useCity();
  const placed = useMemo(() => consultations.filter((c): c is ConsultationItem & { lon: number; lat: number } => c.lon !== null && c.lat !== null), [consultations]);
  const points = useMemo(() => placed.map((c) => ({ id: c.id, lon: c.lon, lat: c.lat, color: pointColor[c.state] })), [placed]);
  const bounds = extentOf(placed) ?? city?.bbox ?? null;
  const unplaced = consultations.length - placed.length;

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="consultation-map">
      <Typography.Text type="secondary">{placed.length ? t('part.map_hint') : t('part.map_none')}</Typography.Text>
      <MapView height="min(60vh, 420px)" label={t('part.map_label')} points={points} bounds={bounds} onPointClick={(id) => navigate(`/portal/participation/consultations/${id}`)} />
      <List
        size="small"
        dataSource={placed}
        renderItem={(c) => (
          <List.Item data-testid="map-consultation">
            <Space wrap size={4}>
              <span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: pointColor[c.state] }} />
              <Link to={`/portal/participation/consultations/${c.id}`}>{c.title}</Link>
              <Tag color={tagColor[c.state]}>{t(`part.state.${c.state}` as MessageKey)}</Tag>
            </Space>
          </List.Item>
        )}
      />
      {unplaced > 0 && <Alert type="info" message={t('part.map_unplaced', { n: unplaced })} />}
    </Space>
  );
}
