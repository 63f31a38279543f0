import { Alert, App, Button, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { warningKindLabels, type Warning } from '../../../shared/disputes.ts';
import { api, type Page } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

const levelColor = { yellow: 'gold', orange: 'orange', red: 'red' } as const;

/** 风险预警: the scan's warnings in my scope, on a list and as a map layer, with their actions. */
export function WarningsPage() {
  const { t, te } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [data, setData] = useState<Page<Warning> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => void api.get<Page<Warning>>('/api/v1/warnings', { pageSize: 100 }).then(setData, setError), []);
  useEffect(load, [load]);
  const act = (id: number, body: Record<string, unknown>) => api.post(`/api/v1/warnings/${id}/actions`, body).then(load, (e: unknown) => void message.error(te(e)));
  const live = (w: Warning) => w.status === 'open' || w.status === 'acknowledged' || w.status === 'assigned';
  const points = (data?.items ?? []).filter((w) => w.lon !== null && live(w)).map((w) => ({ id: String(w.id), lon: w.lon!, lat: w.lat!, color: w.level === 'red' ? '#cf1322' : w.level === 'orange' ? '#fa8c16' : '#fadb14' }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('warnings.title')}</Typography.Title>
      {error !== null && <Alert type="error" showIcon message={te(error)} />}
      <MapView height={320} points={points} label={t('warnings.map')} />
      <Table<Warning>
        rowKey="id"
        size="middle"
        dataSource={data?.items ?? []}
        pagination={false}
        columns={[
          { title: '', render: (_, w) => <Tag color={levelColor[w.level]}>{warningKindLabels[w.kind]}</Tag> },
          { title: '', render: (_, w) => `${w.area.name} · ${w.count}` },
          { title: '', dataIndex: 'explanation' },
          { title: '', render: (_, w) => w.caseCodes.slice(0, 5).map((c) => <Link key={c} to={`/cases/${c}`}>{c} </Link>) },
          { title: '', dataIndex: 'status' },
          {
            title: '',
            render: (_, w) =>
              can('warning.manage') && live(w) ? (
                <Space>
                  {w.status === 'open' && <Button size="small" onClick={() => void act(w.id, { action: 'acknowledge' })}>{t('warnings.acknowledge')}</Button>}
                  <Button size="small" onClick={() => void act(w.id, { action: 'resolve' })}>{t('warnings.resolve')}</Button>
                  <Button size="small" danger onClick={() => { const reason = window.prompt(t('warnings.dismiss_reason')); if (reason) void act(w.id, { action: 'dismiss', reason }); }}>{t('warnings.dismiss')}</Button>
                </Space>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
