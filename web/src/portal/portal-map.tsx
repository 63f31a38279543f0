import { Alert, Card, List, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import { useCity, useTaxonomy } from '../api/reference.ts';
import { MapView } from '../components/map-view.tsx';
import { isMessageKey, type MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link, navigate } from '../router.tsx';

interface MapReport {
  code: string;
  category: { code: string; name: string } | null;
  state: string;
  stateName: string;
  lon: number;
  lat: number;
  summary: string;
  createdAt: string;
  photos: string[];
}

const stateColor = (s: string) => (s === 'closed' || s === 'rated' ? '#389e0d' : s === 'received' || s === 'filed' ? '#d48806' : '#1677ff');

/** 公众地图: what neighbours reported lately, where (rounded to ~100 m) and how far it got; approved photos only. */
export function PortalMap() {
  const { t, te, locale } = useLocale();
  const city = useCity();
  const taxonomy = useTaxonomy();
  const [category, setCategory] = useState<string | undefined>();
  const [items, setItems] = useState<MapReport[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api
      .get<{ items: MapReport[] }>('/api/v1/public/map', { category }, { anonymous: true })
      .then((r) => setItems(r.items))
      .catch(setError);
  }, [category]);
  const en = locale === 'en-US';
  const groups = [...new Map(taxonomy.categories.map((c) => [c.group, locale === 'en-US' ? c.group : c.groupZh])).entries()];
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.6em', marginBottom: 0 }}>
        {t('portal.map_title')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
      <Select allowClear placeholder={t('field.category')} style={{ width: 240 }} value={category} onChange={setCategory} options={groups.map(([code, name]) => ({ value: code, label: name }))} aria-label={t('field.category')} />
      <Card>
        <MapView height={360} label={t('portal.map_title')} bounds={city?.bbox ?? null} points={(items ?? []).map((i) => ({ id: i.code, lon: i.lon, lat: i.lat, color: stateColor(i.state) }))} onPointClick={(code) => navigate(`/portal/track/${code}`)} />
      </Card>
      <List
        loading={!items && error === null}
        dataSource={(items ?? []).slice(0, 30)}
        renderItem={(i) => (
          <List.Item data-testid="map-report">
            <List.Item.Meta
              title={<Link to={`/portal/track/${i.code}`}>{(i.category && (en ? taxonomy.categories.find((c) => c.code === i.category!.code)?.en : undefined)) ?? i.category?.name ?? i.code}</Link>}
              description={
                <Space direction="vertical" size={4}>
                  <Typography.Text>{i.summary}</Typography.Text>
                  <Space wrap>
                    <Tag color={stateColor(i.state)}>{isMessageKey(`state.${i.state}`) ? t(`state.${i.state}` as MessageKey) : i.stateName}</Tag>
                    {i.photos.map((p) => (
                      <img key={p} src={`/api/v1/public/cases/${i.code}/photos/${p}`} alt={t('portal.photos')} width={64} height={64} style={{ objectFit: 'cover', borderRadius: 4 }} />
                    ))}
                  </Space>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Space>
  );
}
