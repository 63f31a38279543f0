import { Alert, App, Button, Segmented, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { OutboxItem } from '../../../shared/notify.ts';
import { api } from '../api/client.ts';
import type { MessageKey } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';

const statuses = ['', 'pending', 'sent', 'dead', 'skipped'] as const;
const statusColor: Record<string, string> = { pending: 'gold', sending: 'blue', sent: 'green', dead: 'red', skipped: 'default' };

/** 发送队列 for admins: delivery status per message, dead letters to send again, and the demo's dev outbox. */
export function NotifyOutboxPage() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [status, setStatus] = useState<(typeof statuses)[number]>('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: OutboxItem[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    api
      .get<{ items: OutboxItem[]; total: number }>('/api/v1/notify/outbox', { status, page, pageSize: 20 })
      .then(setData)
      .catch(setError);
  }, [status, page]);
  useEffect(load, [load]);

  const act = (p: Promise<unknown>) => p.then(load).catch((err: unknown) => void message.error(te(err)));

  const columns: TableColumnsType<OutboxItem> = [
    { title: '#', dataIndex: 'id', width: 70 },
    { title: t('notify.status'), dataIndex: 'status', render: (s: string) => <Tag color={statusColor[s]}>{t(`notify.status.${s}` as MessageKey)}</Tag> },
    { title: t('notify.channel'), dataIndex: 'channel' },
    { title: t('notify.event'), dataIndex: 'event' },
    { title: t('field.code' as MessageKey), dataIndex: 'caseCode' },
    { title: t('notify.attempts'), dataIndex: 'attempts', width: 90 },
    { title: t('notify.via'), dataIndex: 'deliveredVia' },
    { title: t('notify.error'), dataIndex: 'lastError', ellipsis: true },
    { title: '', key: 'actions', render: (_: unknown, r) => (r.status === 'dead' || r.status === 'skipped' ? <Button size="small" onClick={() => void act(api.post(`/api/v1/notify/outbox/${r.id}/retry`))}>{t('notify.retry')}</Button> : null) },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('notify.outbox_title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('notify.outbox_hint')}</Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
      <Space wrap>
        <Segmented value={status} onChange={(v) => (setStatus(v as typeof status), setPage(1))} options={statuses.map((s) => ({ value: s, label: s ? t(`notify.status.${s}` as MessageKey) : t('notify.all') }))} />
        <Button onClick={() => void act(api.post('/api/v1/notify/outbox/deliver'))}>{t('notify.deliver_now')}</Button>
      </Space>
      <Table<OutboxItem>
        rowKey="id"
        size="small"
        dataSource={data?.items ?? []}
        columns={columns}
        loading={!data && error === null}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
        expandable={{ rowExpandable: (r) => !!r.body, expandedRowRender: (r) => <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} data-testid="outbox-body"><b>{r.subject}</b>{'\n'}{r.body}</Typography.Paragraph> }}
      />
    </Space>
  );
}
