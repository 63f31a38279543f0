import { Alert, Button, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { disputeStateLabels, disputeStates, disputeTypeLabels, disputeTypes, riskLevels, type DisputeSummary } from '../../../shared/disputes.ts';
import { api, getToken, queryString, type Page } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';
import { DisputeIntake } from '../components/dispute-intake.tsx';

const riskColor = { low: 'green', medium: 'orange', high: 'red' } as const;

interface ScreeningView {
  period: string;
  total: number;
  done: number;
  missing: number;
  items: { grid: { code: string; name: string }; done: boolean; nothingFound: boolean | null; disputeCodes: string[]; recordedBy: string | null }[];
}

function Screening() {
  const { t, te } = useLocale();
  const [data, setData] = useState<ScreeningView | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void api.get<ScreeningView>('/api/v1/fieldwork/screening', { pageSize: 200 }).then(setData, setError), []);
  if (error) return <Alert type="error" showIcon message={te(error)} />;
  return (
    <>
      <Typography.Paragraph>
        {data?.period} · {t('disputes.done')} {data?.done ?? 0} / {data?.total ?? 0} · {t('disputes.missing')} {data?.missing ?? 0}
      </Typography.Paragraph>
      <Table
        rowKey={(r) => r.grid.code}
        size="small"
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: 'Grid', render: (_, r) => r.grid.name },
          { title: t('disputes.state'), render: (_, r) => (r.done ? <Tag color="green">{r.nothingFound ? t('disputes.nothing_found') : r.disputeCodes.join(', ')}</Tag> : <Tag color="red">{t('disputes.missing')}</Tag>) },
          { title: '', render: (_, r) => r.recordedBy ?? '' },
        ]}
      />
    </>
  );
}

/** 矛盾纠纷台账: the register in my scope with filters, export of the filtered rows, and the screening overview. */
export function DisputesPage() {
  const { t, te } = useLocale();
  const [filter, setFilter] = useState<{ state?: string; type?: string; risk?: string }>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<DisputeSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => void api.get<Page<DisputeSummary>>('/api/v1/disputes', { ...filter, page, pageSize: 20 }).then((d) => (setData(d), setError(null)), setError), [filter, page]);

  async function exportXlsx() {
    const res = await fetch(`/api/v1/disputes/export.xlsx${queryString(filter)}`, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'disputes.xlsx';
    a.click();
    URL.revokeObjectURL(url);
  }

  const register = (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear aria-label={t('disputes.state')} placeholder={t('disputes.state')} style={{ width: 140 }} options={disputeStates.map((s) => ({ value: s, label: disputeStateLabels[s] }))} onChange={(v) => (setFilter({ ...filter, state: v }), setPage(1))} />
        <Select allowClear aria-label={t('disputes.type')} placeholder={t('disputes.type')} style={{ width: 160 }} options={disputeTypes.map((s) => ({ value: s, label: disputeTypeLabels[s] }))} onChange={(v) => (setFilter({ ...filter, type: v }), setPage(1))} />
        <Select allowClear aria-label={t('disputes.risk')} placeholder={t('disputes.risk')} style={{ width: 120 }} options={riskLevels.map((s) => ({ value: s, label: s }))} onChange={(v) => (setFilter({ ...filter, risk: v }), setPage(1))} />
        <Button onClick={() => void exportXlsx()}>{t('disputes.export')}</Button>
        <DisputeIntake />
      </Space>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Table<DisputeSummary>
        rowKey="code"
        size="middle"
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
        columns={[
          { title: 'No.', render: (_, r) => <Link to={`/disputes/${r.code}`}>{r.code}</Link> },
          { title: t('disputes.type'), render: (_, r) => disputeTypeLabels[r.type] },
          { title: t('disputes.risk'), render: (_, r) => <Tag color={riskColor[r.riskLevel]}>{r.riskLevel}</Tag> },
          { title: t('disputes.state'), render: (_, r) => disputeStateLabels[r.state] },
          { title: t('disputes.mediator'), render: (_, r) => r.mediator.name },
          { title: '', dataIndex: 'summary', ellipsis: true },
        ]}
      />
    </>
  );
  return (
    <>
      <Typography.Title level={3}>{t('disputes.register')}</Typography.Title>
      <Tabs items={[{ key: 'register', label: t('disputes.register'), children: register }, { key: 'screening', label: t('disputes.screening'), children: <Screening /> }]} />
    </>
  );
}
