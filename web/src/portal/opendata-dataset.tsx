import { Alert, Button, Card, Descriptions, Space, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { OpenDatasetMeta } from '../../../shared/datahall.ts';
import { api } from '../api/client.ts';
import { EChart } from '../components/echart.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import type { AreaCollection, MapPoint } from '../lib/map-data.ts';
import { boundsOf } from '../lib/map-data.ts';
import { Link } from '../router.tsx';

interface Preview {
  meta: OpenDatasetMeta;
  total: number;
  suppressed: number;
  rows: Record<string, unknown>[];
  geojson: { type: 'FeatureCollection'; features: { geometry: { type: string; coordinates: unknown } | null; properties: Record<string, unknown> }[] } | null;
}

/** One open dataset: metadata, downloads, a preview table, a chart of its first numeric column, a map if geographic, API hints. */
export function OpenDataDataset({ name }: { name: string }) {
  const { t } = useLocale();
  const [p, setP] = useState<Preview | null>(null);
  useEffect(() => {
    void api.get<Preview>(`/api/v1/public/opendata/datasets/${encodeURIComponent(name)}/preview`, { limit: 200 }, { anonymous: true }).then(setP);
  }, [name]);

  const chart = useMemo(() => {
    if (!p) return null;
    const num = p.meta.columns.find((c) => p.rows.some((r) => typeof r[c.name] === 'number') && !['lon', 'lat'].includes(c.name));
    const key = p.meta.columns.find((c) => c !== num && p.rows.some((r) => typeof r[c.name] === 'string'));
    if (!num || !key) return null;
    const sums = new Map<string, number>();
    for (const r of p.rows) sums.set(String(r[key.name]), (sums.get(String(r[key.name])) ?? 0) + Number(r[num.name] ?? 0));
    const top = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20);
    return { option: { tooltip: {}, xAxis: { type: 'category', data: top.map((x) => x[0]) }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: top.map((x) => x[1]) }] }, summary: `${num.label} / ${key.label}: ${top.map((x) => `${x[0]} ${x[1]}`).join(', ')}` };
  }, [p]);

  const map = useMemo(() => {
    if (!p?.geojson) return null;
    const polys = p.geojson.features.filter((f) => f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'));
    const areas = polys.length ? ({ type: 'FeatureCollection', features: polys.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { code: String(f.properties.code), name: String(f.properties.name ?? f.properties.code) } })) } as AreaCollection) : null;
    const points: MapPoint[] = p.geojson.features.filter((f) => f.geometry?.type === 'Point').map((f, i) => {
      const [lon, lat] = f.geometry!.coordinates as [number, number];
      return { id: String(f.properties.code ?? i), lon, lat };
    });
    const bounds = areas ? boundsOf(areas) : points.length ? ([Math.min(...points.map((x) => x.lon)), Math.min(...points.map((x) => x.lat)), Math.max(...points.map((x) => x.lon)), Math.max(...points.map((x) => x.lat))] as [number, number, number, number]) : null;
    return { areas, points, bounds };
  }, [p]);

  if (!p) return <Card loading />;
  const m = p.meta;
  const origin = window.location.origin;
  return (
    <article aria-labelledby="dataset-title">
      <Link to="/portal/opendata">{t('opendata.back')}</Link>
      <Typography.Title id="dataset-title" level={1} style={{ fontSize: 26 }}>{m.title}</Typography.Title>
      <Typography.Paragraph>{m.notes}</Typography.Paragraph>
      <Descriptions bordered size="small" column={1} items={[
        { key: 'org', label: 'publisher', children: m.organization.title },
        { key: 'lic', label: t('opendata.licence'), children: <a href={m.licenseUrl} rel="license">{m.licenseTitle}</a> },
        { key: 'mod', label: t('opendata.modified'), children: new Date(m.modified).toLocaleString() },
      ]} />
      <Space wrap style={{ margin: '16px 0' }}>
        {m.formats.map((f) => (
          <Button key={f} href={`/api/v1/public/opendata/datasets/${m.name}/download/${f}`} download>{t('opendata.download')} {f.toUpperCase()}</Button>
        ))}
      </Space>
      {p.suppressed ? <Alert type="info" showIcon message={t('opendata.suppressed', { n: p.suppressed })} style={{ marginBottom: 16 }} /> : null}
      {chart ? <Card title={t('opendata.chart')} style={{ marginBottom: 16 }}><EChart option={chart.option} summary={chart.summary} /></Card> : null}
      {map ? <Card title={t('opendata.map')} style={{ marginBottom: 16 }}><MapView height={360} areas={map.areas} points={map.points} bounds={map.bounds} label={m.title} /></Card> : null}
      <Card title={`${t('opendata.preview')} · ${t('opendata.rows_total', { n: p.total })}`} style={{ marginBottom: 16 }}>
        <Table size="small" rowKey={(_, i) => String(i)} scroll={{ x: true }} dataSource={p.rows} pagination={{ pageSize: 20 }} columns={m.columns.map((c) => ({ title: c.label, dataIndex: c.name, render: (v: unknown) => (v === null || v === undefined ? '' : String(v)) }))} />
      </Card>
      <Card title={t('opendata.api')}>
        <Typography.Paragraph>{t('opendata.api_hint')}</Typography.Paragraph>
        <ul>
          <li><Typography.Text code copyable>{`${origin}/api/3/action/package_show?id=${m.name}`}</Typography.Text></li>
          <li><Typography.Text code copyable>{`${origin}/api/3/action/package_search?q=${encodeURIComponent(m.tags[0] ?? m.name)}`}</Typography.Text></li>
          <li><Typography.Text code copyable>{`${origin}/dataset/${m.name}.ttl`}</Typography.Text> · <a href={`/dataset/${m.name}.jsonld`}>JSON-LD</a> · <a href={`/dataset/${m.name}.rdf`}>RDF/XML</a></li>
          <li><Typography.Text code copyable>{`${origin}/catalog.ttl`}</Typography.Text></li>
        </ul>
      </Card>
    </article>
  );
}
