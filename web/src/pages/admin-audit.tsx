import { Alert, Button, DatePicker, Form, Input, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { ExportButton } from '../components/export-button.tsx';
import { useLocale } from '../i18n/locale.tsx';

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  requestId: string | null;
  detail: unknown;
  hash: string | null;
}
type Filter = { actor?: string; action?: string; targetType?: string; targetId?: string; from?: string; to?: string };

/** 审计日志: read-only, newest first, filtered by actor, action, object and time, paged on the server, exportable. */
export function AdminAuditPage() {
  const { t, te } = useLocale();
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Entry> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void api.get<Page<Entry>>('/api/v1/audit', { ...filter, page, pageSize: 50 }).then((d) => (setData(d), setError(null)), setError), [filter, page]);
  useEffect(load, [load]);

  const search = (v: { actor?: string; action?: string; targetType?: string; targetId?: string; range?: [Dayjs | null, Dayjs | null] | null }) => {
    setPage(1);
    setFilter({
      actor: v.actor || undefined, action: v.action || undefined, targetType: v.targetType || undefined, targetId: v.targetId || undefined,
      from: v.range?.[0]?.startOf('day').toISOString(), to: v.range?.[1]?.endOf('day').toISOString(),
    });
  };

  const columns: TableColumnsType<Entry> = [
    { title: '#', dataIndex: 'seq', width: 80 },
    { title: t('auditview.at'), dataIndex: 'at', render: (s: string) => new Date(s).toLocaleString(), width: 180 },
    { title: t('auditview.actor'), dataIndex: 'actor' },
    { title: t('auditview.action'), dataIndex: 'action', render: (a: string) => <Typography.Text code>{a}</Typography.Text> },
    { title: t('auditview.target_type'), dataIndex: 'targetType' },
    { title: t('auditview.target_id'), dataIndex: 'targetId', ellipsis: true },
    { title: '', dataIndex: 'hash', render: (h: string | null) => (h ? <Tag color="green">{t('auditview.sealed')}</Tag> : <Tag>{t('auditview.pending')}</Tag>) },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('auditview.title')}</Typography.Title>
        <ExportButton path="/api/v1/audit" query={filter} name="audit" />
      </Space>
      <Form name="audit-filter" layout="inline" onFinish={search}>
        <Form.Item name="actor" label={t('auditview.actor')}><Input style={{ width: 130 }} /></Form.Item>
        <Form.Item name="action" label={t('auditview.action')}><Input style={{ width: 170 }} /></Form.Item>
        <Form.Item name="targetType" label={t('auditview.target_type')}><Input style={{ width: 130 }} /></Form.Item>
        <Form.Item name="targetId" label={t('auditview.target_id')}><Input style={{ width: 170 }} /></Form.Item>
        <Form.Item name="range" label={t('auditview.at')}><DatePicker.RangePicker /></Form.Item>
        <Button htmlType="submit">{t('dev.common.search')}</Button>
      </Form>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Table<Entry>
        rowKey="seq"
        size="small"
        columns={columns}
        dataSource={data?.items ?? []}
        expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(e.detail, null, 2)}</pre> }}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
    </Space>
  );
}
