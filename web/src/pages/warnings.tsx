import { Alert, App, Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { warningKinds, warningLevels, warningStatuses, type Warning } from '../../../shared/disputes.ts';
import { api, type Page } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { AreaTreePicker } from '../components/area-tree-picker.tsx';
import { FormModal } from '../components/form-modal.tsx';
import { MapView } from '../components/map-view.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';
import { Link } from '../router.tsx';

const levelColor = { yellow: 'gold', orange: 'orange', red: 'red' } as const;
const statusColor = { open: 'red', acknowledged: 'blue', assigned: 'geekblue', resolved: 'green', dismissed: 'default' } as const;
/** what still needs someone: the list opens on these */
const liveStatuses: Warning['status'][] = ['open', 'acknowledged', 'assigned'];

interface Filter {
  status: Warning['status'][];
  kind?: Warning['kind'];
  level?: Warning['level'];
  area?: string;
  page: number;
}

/** 风险预警: the scan's warnings in my scope, filtered, on a list and as a map layer, with their actions. */
export function WarningsPage() {
  const { t, te, locale } = useLocale();
  const { can } = useSession();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<Filter>({ status: liveStatuses, page: 1 });
  const [data, setData] = useState<Page<Warning> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dismissing, setDismissing] = useState<Warning | null>(null);
  const load = useCallback(() => {
    const { status, page, ...rest } = filter;
    void api.get<Page<Warning>>('/api/v1/warnings', { ...rest, status: status.length ? status.join(',') : undefined, page, pageSize: 20 }).then(setData, setError);
  }, [filter]);
  useEffect(load, [load]);
  const act = (id: number, body: Record<string, unknown>) =>
    api.post(`/api/v1/warnings/${id}/actions`, body).then(
      () => (setDismissing(null), load()),
      (e: unknown) => void message.error(te(e)),
    );
  const live = (w: Warning) => liveStatuses.includes(w.status);
  const points = (data?.items ?? []).filter((w) => w.lon !== null && live(w)).map((w) => ({ id: String(w.id), lon: w.lon!, lat: w.lat!, color: w.level === 'red' ? '#cf1322' : w.level === 'orange' ? '#fa8c16' : '#fadb14' }));
  const set = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch, page: 1 }));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('warnings.title')}</Typography.Title>
      {error !== null && <Alert type="error" showIcon closable onClose={() => setError(null)} message={te(error)} />}
      <Space wrap>
        <Select
          mode="multiple"
          allowClear
          aria-label={t('warnings.status')}
          placeholder={t('warnings.status')}
          style={{ minWidth: 260 }}
          value={filter.status}
          onChange={(status: Warning['status'][]) => set({ status })}
          options={warningStatuses.map((s) => ({ value: s, label: t(`warnings.status.${s}`) }))}
        />
        <Select allowClear aria-label={t('warnings.kind')} placeholder={t('warnings.kind')} style={{ width: 200 }} value={filter.kind} onChange={(kind?: Warning['kind']) => set({ kind })} options={warningKinds.map((k) => ({ value: k, label: t(`warnings.kind.${k}`) }))} />
        <Select allowClear aria-label={t('warnings.level')} placeholder={t('warnings.level')} style={{ width: 120 }} value={filter.level} onChange={(level?: Warning['level']) => set({ level })} options={warningLevels.map((l) => ({ value: l, label: t(`warnings.level.${l}`) }))} />
        <AreaTreePicker includeDisabled aria-label={t('warnings.area')} placeholder={t('field.area')} value={filter.area ?? null} onChange={(area) => set({ area: area ?? undefined })} />
      </Space>
      <MapView height={320} points={points} label={t('warnings.map')} />
      <Table<Warning>
        rowKey="id"
        size="middle"
        loading={data === null && error === null}
        dataSource={data?.items ?? []}
        pagination={{ current: filter.page, pageSize: 20, total: data?.total ?? 0, showTotal: (total) => t('common.total', { total }), onChange: (page) => setFilter((f) => ({ ...f, page })) }}
        columns={[
          { title: t('warnings.kind'), render: (_, w) => <Tag color={levelColor[w.level]}>{t(`warnings.kind.${w.kind}`)}</Tag> },
          { title: t('warnings.area'), render: (_, w) => `${w.area.name} · ${w.count}` },
          { title: t('warnings.explanation'), dataIndex: 'explanation' },
          { title: t('warnings.cases'), render: (_, w) => w.caseCodes.slice(0, 5).map((c) => <Link key={c} to={`/cases/${c}`}>{c} </Link>) },
          { title: t('warnings.opened'), render: (_, w) => formatDateTime(w.openedAt, locale) },
          { title: t('warnings.status'), render: (_, w) => <Tag color={statusColor[w.status]}>{t(`warnings.status.${w.status}`)}</Tag> },
          {
            title: t('warnings.actions'),
            render: (_, w) =>
              can('warning.manage') && live(w) ? (
                <Space>
                  {w.status === 'open' && (
                    <Button size="small" onClick={() => void act(w.id, { action: 'acknowledge' })}>
                      {t('warnings.acknowledge')}
                    </Button>
                  )}
                  <Button size="small" onClick={() => void act(w.id, { action: 'resolve' })}>
                    {t('warnings.resolve')}
                  </Button>
                  <Button size="small" danger onClick={() => setDismissing(w)}>
                    {t('warnings.dismiss')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <FormModal<{ reason: string }> open={dismissing !== null} title={t('warnings.dismiss')} submitText={t('warnings.dismiss')} danger onCancel={() => setDismissing(null)} onFinish={(v) => void act(dismissing!.id, { action: 'dismiss', reason: v.reason })}>
        <Form.Item name="reason" label={t('warnings.dismiss_reason')} rules={[{ required: true, whitespace: true, message: t('warnings.dismiss_reason') }]}>
          <Input.TextArea rows={3} autoFocus />
        </Form.Item>
      </FormModal>
    </Space>
  );
}
