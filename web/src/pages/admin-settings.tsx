import { Alert, App, Button, Input, Space, Switch, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { SettingView } from '../../../shared/settings.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { isMessageKey } from '../i18n/i18n.ts';

/** 系统设置: the editable settings of shared/settings.ts, and the rest of the settings table read-only. */
export function AdminSettingsPage() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [rows, setRows] = useState<SettingView[]>([]);
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void api.get<SettingView[]>('/api/v1/settings').then(setRows, setError), []);
  useEffect(load, [load]);

  const put = (key: string, value: unknown) =>
    api.put(`/api/v1/settings/${key}`, { value }).then(
      () => (void message.success(t('dev.common.saved')), setDrafts((d) => ({ ...d, [key]: undefined as never })), load()),
      (e: unknown) => void message.error(te(e)),
    );
  const label = (key: string) => (isMessageKey(`settings.${key}`) ? t(`settings.${key}` as 'settings.key') : key);

  const columns: TableColumnsType<SettingView> = [
    { title: t('settings.key'), render: (_, s) => <Space direction="vertical" size={0}>{label(s.key)}<Typography.Text type="secondary" code>{s.key}</Typography.Text></Space> },
    {
      title: t('settings.value'),
      render: (_, s) => {
        if (!s.editable) return <Space><Typography.Text code>{JSON.stringify(s.value)}</Typography.Text><Tag>{t('settings.readonly')}</Tag></Space>;
        if (typeof s.value === 'boolean') return <Switch aria-label={label(s.key)} checked={s.value} onChange={(v) => void put(s.key, v)} />;
        const draft = drafts[s.key] ?? String(s.value ?? '');
        return (
          <Space.Compact>
            <Input aria-label={label(s.key)} value={draft} onChange={(e) => setDrafts((d) => ({ ...d, [s.key]: e.target.value }))} style={{ width: 320 }} />
            <Button onClick={() => void put(s.key, draft)}>{t('dev.common.save')}</Button>
          </Space.Compact>
        );
      },
    },
    { title: t('settings.updated'), dataIndex: 'updatedAt', render: (v: string | null) => (v ? new Date(v).toLocaleString() : '') },
  ];

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('settings.title')}</Typography.Title>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <Table<SettingView> rowKey="key" size="middle" columns={columns} dataSource={rows} pagination={false} />
    </Space>
  );
}
