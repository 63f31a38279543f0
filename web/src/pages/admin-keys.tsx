import { Alert, App, Button, Form, Input, Modal, Popconfirm, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

interface ApiKey {
  id: string;
  consumer: string;
  prefix: string;
  departmentCode: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const when = (s: string | null) => (s ? new Date(s).toLocaleString() : '');

/** 接入密钥: Open311 keys of external systems — issued (shown once), listed with last use, revoked. */
export function AdminKeysPage() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [revoked, setRevoked] = useState(false);
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<ApiKey> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<string | null>(null);
  const [form] = Form.useForm<{ consumer: string; departmentCode?: string }>();

  const load = useCallback(() => void api.get<Page<ApiKey>>('/api/v1/open311/keys', { includeRevoked: revoked, page, pageSize: 20 }).then((d) => (setData(d), setError(null)), setError), [revoked, page]);
  useEffect(load, [load]);

  const issue = () =>
    form.validateFields().then((v) =>
      api.post<ApiKey & { key: string }>('/api/v1/open311/keys', { consumer: v.consumer, departmentCode: v.departmentCode || null }).then(
        (k) => (setIssuing(false), setIssued(k.key), load()),
        (e: unknown) => void message.error(te(e)),
      ),
    );

  const columns: TableColumnsType<ApiKey> = [
    { title: t('keys.consumer'), dataIndex: 'consumer' },
    { title: t('keys.prefix'), dataIndex: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
    { title: t('keys.department'), dataIndex: 'departmentCode' },
    { title: t('keys.created'), dataIndex: 'createdAt', render: when },
    { title: t('keys.last_used'), dataIndex: 'lastUsedAt', render: (s: string | null) => when(s) || t('keys.never') },
    {
      title: t('dev.common.actions'),
      render: (_, k) =>
        k.revokedAt ? (
          <Tag>{`${t('keys.revoked')} ${when(k.revokedAt)}`}</Tag>
        ) : (
          <Popconfirm title={t('keys.revoke_confirm')} onConfirm={() => void api.del(`/api/v1/open311/keys/${k.id}`).then(load, (e: unknown) => void message.error(te(e)))}>
            <Button size="small" danger>{t('keys.revoke')}</Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t('keys.title')}</Typography.Title>
        <Space>
          <Switch checked={revoked} onChange={(v) => (setPage(1), setRevoked(v))} aria-label={t('keys.show_revoked')} />
          {t('keys.show_revoked')}
          <Button type="primary" onClick={() => (form.resetFields(), setIssuing(true))}>{t('keys.issue')}</Button>
        </Space>
      </Space>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Table<ApiKey> rowKey="id" size="middle" columns={columns} dataSource={data?.items ?? []} pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }} />
      <Modal open={issuing} title={t('keys.issue')} okText={t('keys.issue')} cancelText={t('dev.common.cancel')} onOk={() => void issue()} onCancel={() => setIssuing(false)}>
        <Form form={form} layout="vertical">
          <Form.Item name="consumer" label={t('keys.consumer')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="departmentCode" label={t('keys.department')} rules={[{ pattern: /^[A-Z][A-Z0-9_]{0,31}$/ }]}><Input maxLength={32} /></Form.Item>
        </Form>
      </Modal>
      <Modal open={issued !== null} title={t('keys.key')} footer={<Button type="primary" onClick={() => setIssued(null)}>OK</Button>} onCancel={() => setIssued(null)}>
        <Alert type="warning" showIcon message={t('dev.common.shown_once')} style={{ marginBottom: 12 }} />
        <Typography.Text copyable code data-testid="issued-key">{issued}</Typography.Text>
      </Modal>
    </Space>
  );
}
