import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, type Page } from '../api/client.ts';
import { useCaseFeed } from '../api/live.ts';
import type { Notification } from '../api/types.ts';
import { useLocale } from '../i18n/locale.tsx';
import { formatDateTime } from '../lib/format.ts';
import { navigate } from '../router.tsx';

/** 通知: dispatches to my unit, objections, supervision cards — unread ones, newest first. */
export function NotificationBell() {
  const { t, locale } = useLocale();
  const [page, setPage] = useState<Page<Notification> | null>(null);
  const load = useCallback(() => {
    api
      .get<Page<Notification>>('/api/v1/notifications', { unread: 'true', pageSize: 8 })
      .then(setPage)
      .catch(() => setPage(null));
  }, []);
  useEffect(load, [load]);
  useCaseFeed(load, 3000);

  const open = async (n: Notification) => {
    await api.post(`/api/v1/notifications/${n.id}/read`).catch(() => undefined);
    load();
    if (n.caseCode) navigate(`/cases/${n.caseCode}`);
  };

  const count = page?.total ?? 0;
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={t('notify.title')}
      content={
        <div style={{ width: 320, maxHeight: 360, overflow: 'auto' }}>
          {count === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notify.none')} />
          ) : (
            <List
              size="small"
              dataSource={page?.items ?? []}
              renderItem={(n) => (
                <List.Item style={{ cursor: 'pointer' }} onClick={() => void open(n)}>
                  <List.Item.Meta title={n.title} description={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{`${n.body} · ${formatDateTime(n.createdAt, locale)}`}</Typography.Text>} />
                </List.Item>
              )}
            />
          )}
        </div>
      }
    >
      <Button size="small" aria-label={t('notify.label', { n: count })} icon={<Badge count={count} size="small" offset={[6, -4]}><BellOutlined aria-hidden /></Badge>} />
    </Popover>
  );
}
