import { Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { gradeLabels, openLabels, shareLabels, type CatalogueResource } from '../../../shared/datahall.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

export const gradeColor = { core: 'red', important: 'orange', general: 'green' } as const;

/** 数据大厅: search the 政务信息资源目录 by name, tag, owner, kind and grade. */
export function DatahallCataloguePage() {
  const { t } = useLocale();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: CatalogueResource[]; total: number } | null>(null);
  useEffect(() => {
    void api.get<{ items: CatalogueResource[]; total: number }>('/api/v1/datahall/resources', { q, kind, page, pageSize: 20 }).then(setData);
  }, [q, kind, page]);

  return (
    <Card title={<Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{t('nav.datahall')}</Typography.Title>}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder={t('datahall.search')} aria-label={t('datahall.search')} onSearch={(v) => (setQ(v), setPage(1))} style={{ width: 280 }} />
        <Select allowClear style={{ width: 160 }} placeholder="类型 / kind" value={kind} onChange={(v) => (setKind(v), setPage(1))} options={(['table', 'upload', 'open'] as const).map((k) => ({ value: k, label: t(`datahall.kind.${k}`) }))} />
      </Space>
      <Table<CatalogueResource>
        rowKey="code"
        loading={!data}
        dataSource={data?.items}
        pagination={{ current: page, total: data?.total ?? 0, pageSize: 20, onChange: setPage }}
        columns={[
          { title: t('datahall.resource'), render: (_, r) => <Link to={`/datahall/resources/${r.code}`}>{r.title}</Link> },
          { title: 'code', dataIndex: 'code' },
          { title: t('datahall.owner'), render: (_, r) => r.owner.name },
          { title: t('datahall.grade'), render: (_, r) => <Tag color={gradeColor[r.securityGrade]}>{gradeLabels[r.securityGrade]}</Tag> },
          { title: t('datahall.share'), render: (_, r) => shareLabels[r.shareType] },
          { title: t('datahall.open'), render: (_, r) => openLabels[r.openType] },
          { title: t('datahall.fields'), render: (_, r) => r.fields.length },
        ]}
      />
    </Card>
  );
}
