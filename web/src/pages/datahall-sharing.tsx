import { Alert, App, Button, Card, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { AccessEntry, SharingRequest } from '../../../shared/datahall.ts';
import { api } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { errorText } from '../i18n/i18n.ts';
import { useLocale } from '../i18n/locale.tsx';

const stateColor = { pending: 'gold', approved: 'green', refused: 'red', revoked: 'default' } as const;

/** 共享审批: the approvals inbox, all my requests with their keys, and the hash-chained access log. */
export function DatahallSharingPage() {
  const { t, locale } = useLocale();
  const { can } = useSession();
  const { message, modal } = App.useApp();
  const [inbox, setInbox] = useState<SharingRequest[]>([]);
  const [all, setAll] = useState<SharingRequest[]>([]);
  const [log, setLog] = useState<AccessEntry[]>([]);
  const [verify, setVerify] = useState<{ ok: boolean; checked: number; broken?: { seq: number; reason: string } } | null>(null);
  const [reason, setReason] = useState('');
  const [key, setKey] = useState<string | null>(null);

  const load = useCallback(() => {
    if (can('datahall.approve')) void api.get<{ items: SharingRequest[] }>('/api/v1/datahall/requests', { inbox: 'true', pageSize: 100 }).then((r) => setInbox(r.items));
    void api.get<{ items: SharingRequest[] }>('/api/v1/datahall/requests', { pageSize: 100 }).then((r) => setAll(r.items));
    void api.get<{ items: AccessEntry[] }>('/api/v1/datahall/access-log', { pageSize: 100 }).then((r) => setLog(r.items)).catch(() => setLog([]));
  }, [can]);
  useEffect(load, [load]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      load();
    } catch (err) {
      void message.error(errorText(locale, err));
    }
  };
  const decide = (r: SharingRequest, decision: 'approve' | 'refuse') => act(() => api.post(`/api/v1/datahall/requests/${r.id}/decision`, { decision, reason: reason || undefined }));
  const issue = (r: SharingRequest) => act(async () => setKey((await api.post<{ key: string }>(`/api/v1/datahall/requests/${r.id}/key`)).key));
  const revoke = (r: SharingRequest) =>
    modal.confirm({ title: t('datahall.revoke'), onOk: () => act(() => api.post(`/api/v1/datahall/requests/${r.id}/revoke`, { reason: reason || '撤销' })) });

  const columns = (withActions: 'decide' | 'keys') => [
    { title: t('datahall.resource'), render: (_: unknown, r: SharingRequest) => r.resource.title },
    { title: t('datahall.requester'), render: (_: unknown, r: SharingRequest) => r.requester.department ?? r.requester.consumer },
    { title: t('datahall.purpose'), dataIndex: 'purpose' },
    { title: t('datahall.fields'), render: (_: unknown, r: SharingRequest) => (r.approvedFields.length ? r.approvedFields : r.fields).join(', ') },
    { title: t('datahall.period'), render: (_: unknown, r: SharingRequest) => `${r.validFrom.slice(0, 10)} – ${r.validTo.slice(0, 10)}` },
    { title: t('datahall.state'), render: (_: unknown, r: SharingRequest) => <Tag color={stateColor[r.state]}>{r.state}</Tag> },
    {
      title: '',
      render: (_: unknown, r: SharingRequest) =>
        withActions === 'decide' ? (
          <Space>
            <Button size="small" type="primary" onClick={() => void decide(r, 'approve')}>{t('datahall.approve')}</Button>
            <Button size="small" danger onClick={() => void decide(r, 'refuse')}>{t('datahall.refuse')}</Button>
          </Space>
        ) : (
          <Space>
            {r.state === 'approved' ? <Button size="small" onClick={() => void issue(r)}>{t('datahall.issue_key')}</Button> : null}
            {r.state === 'approved' || r.state === 'pending' ? <Button size="small" danger onClick={() => revoke(r)}>{t('datahall.revoke')}</Button> : null}
            {r.keys.filter((k) => !k.revokedAt).map((k) => <Tag key={k.id}>{k.prefix}…</Tag>)}
          </Space>
        ),
    },
  ];

  return (
    <Card title={<Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>{t('nav.datahall_sharing')}</Typography.Title>}>
      {key ? <Alert type="warning" showIcon closable onClose={() => setKey(null)} style={{ marginBottom: 16 }} message={t('datahall.key_once')} description={<Typography.Text code copyable>{key}</Typography.Text>} /> : null}
      <Input placeholder={t('datahall.reason')} aria-label={t('datahall.reason')} value={reason} onChange={(e) => setReason(e.target.value)} style={{ maxWidth: 360, marginBottom: 12 }} />
      <Tabs
        items={[
          ...(can('datahall.approve') ? [{ key: 'inbox', label: `${t('datahall.inbox')} (${inbox.length})`, children: <Table rowKey="id" dataSource={inbox} columns={columns('decide')} pagination={false} /> }] : []),
          { key: 'all', label: t('datahall.mine'), children: <Table rowKey="id" dataSource={all} columns={columns('keys')} pagination={false} /> },
          {
            key: 'log',
            label: t('datahall.access_log'),
            children: (
              <>
                {can('datahall.manage') ? (
                  <Space style={{ marginBottom: 12 }}>
                    <Button onClick={() => void api.get<typeof verify>('/api/v1/datahall/access-log/verify').then(setVerify)}>{t('datahall.verify')}</Button>
                    {verify ? verify.ok ? <Tag color="green">{t('datahall.chain_ok', { n: verify.checked })}</Tag> : <Tag color="red">{t('datahall.chain_broken', { seq: verify.broken!.seq, reason: verify.broken!.reason })}</Tag> : null}
                  </Space>
                ) : null}
                <Table<AccessEntry>
                  rowKey="seq"
                  dataSource={log}
                  pagination={false}
                  columns={[
                    { title: '#', dataIndex: 'seq' },
                    { title: t('datahall.at'), render: (_, e) => new Date(e.at).toLocaleString() },
                    { title: t('datahall.consumer'), dataIndex: 'consumer' },
                    { title: t('datahall.resource'), dataIndex: 'resource' },
                    { title: t('datahall.fields'), render: (_, e) => e.fields.join(', ') },
                    { title: t('datahall.rows'), dataIndex: 'rowCount' },
                    { title: t('datahall.purpose'), dataIndex: 'purpose' },
                    { title: 'hash', render: (_, e) => <Typography.Text code>{e.hash.slice(0, 12)}</Typography.Text> },
                  ]}
                />
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}
