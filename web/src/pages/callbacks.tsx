import { Alert, App, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { CallbackOutcome, CallbackQueueItem } from '../../../shared/notify.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

const outcomes: CallbackOutcome[] = ['satisfied', 'basically_satisfied', 'unsatisfied', 'unreachable'];
const reasonColor = { complaint: 'volcano', unsatisfied: 'red', sample: 'blue' } as const;

/** 回访 for clerks: the queue (不满意 and 投诉 first), the script to read, one click per outcome. */
export function CallbacksPage() {
  const { t, te } = useLocale();
  const { message } = App.useApp();
  const [items, setItems] = useState<CallbackQueueItem[] | null>(null);
  const [scripts, setScripts] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    api
      .get<{ items: CallbackQueueItem[] }>('/api/v1/callbacks', { pageSize: 50 })
      .then((r) => setItems(r.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  const record = async (item: CallbackQueueItem, outcome: CallbackOutcome) => {
    try {
      await api.post(`/api/v1/callbacks/${item.id}/outcome`, { outcome });
      message.success(t('callbacks.recorded', { outcome: t(`callbacks.outcome.${outcome}`) }));
      load();
    } catch (err) {
      message.error(te(err));
    }
  };
  const showScript = (item: CallbackQueueItem) =>
    api
      .get<{ script: string }>(`/api/v1/callbacks/${item.id}/script`)
      .then((r) => setScripts((s) => ({ ...s, [item.id]: r.script })))
      .catch((err: unknown) => void message.error(te(err)));

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Title level={2} className="page-title" style={{ fontSize: 20 }}>
        {t('callbacks.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('callbacks.hint')}</Typography.Paragraph>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
      {items && items.length === 0 && <Empty description={t('callbacks.empty')} />}
      <List
        loading={!items && error === null}
        dataSource={items ?? []}
        renderItem={(item) => (
          <Card size="small" style={{ marginBottom: 12 }} data-testid="callback-item" title={<Space><Link to={`/cases/${item.caseCode}`}>{item.caseCode}</Link><Tag color={reasonColor[item.reason]}>{t(`callbacks.reason.${item.reason}`)}</Tag><Typography.Text type="secondary">{t('callbacks.tries')}: {item.tries}</Typography.Text></Space>}>
            <Typography.Paragraph>{scripts[item.id] ?? item.script}</Typography.Paragraph>
            <Space wrap>
              {!scripts[item.id] && <Button size="small" onClick={() => void showScript(item)}>{t('callbacks.show_script')}</Button>}
              {outcomes.map((o) => (
                <Button key={o} size="small" danger={o === 'unsatisfied'} type={o === 'satisfied' ? 'primary' : 'default'} onClick={() => void record(item, o)}>
                  {t(`callbacks.outcome.${o}`)}
                </Button>
              ))}
            </Space>
          </Card>
        )}
      />
    </Space>
  );
}
