import { Card, Input, List, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { OpenDatasetMeta } from '../../../shared/datahall.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

/** 开放数据: the demo city's open datasets, searchable, each with its formats and licence. */
export function OpenDataList() {
  const { t } = useLocale();
  const [items, setItems] = useState<OpenDatasetMeta[] | null>(null);
  const [q, setQ] = useState('');
  useEffect(() => {
    void api.get<{ items: OpenDatasetMeta[] }>('/api/v1/public/opendata/datasets', undefined, { anonymous: true }).then((r) => setItems(r.items));
  }, []);
  const shown = useMemo(() => (items ?? []).filter((d) => !q || [d.title, d.titleEn, d.notes, ...d.tags].join(' ').toLowerCase().includes(q.toLowerCase())), [items, q]);
  return (
    <section aria-labelledby="opendata-title">
      <Typography.Title id="opendata-title" level={1} style={{ fontSize: 26 }}>{t('opendata.title')}</Typography.Title>
      <Input.Search allowClear placeholder={t('opendata.search')} aria-label={t('opendata.search')} onChange={(e) => setQ(e.target.value)} style={{ marginBottom: 16 }} />
      <List
        loading={!items}
        dataSource={shown}
        renderItem={(d) => (
          <Card style={{ marginBottom: 12 }}>
            <Typography.Title level={2} style={{ fontSize: 20 }}>
              <Link to={`/portal/opendata/${d.name}`}>{d.title}</Link>
            </Typography.Title>
            <Typography.Paragraph>{d.notes}</Typography.Paragraph>
            <Space wrap>
              {d.formats.map((f) => <Tag key={f}>{f.toUpperCase()}</Tag>)}
              <span>{d.organization.title}</span>
              <span>{t('opendata.modified')}: {d.modified.slice(0, 10)}</span>
            </Space>
          </Card>
        )}
      />
    </section>
  );
}
