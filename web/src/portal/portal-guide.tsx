import { Alert, Card, Collapse, Empty, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import type { KnowledgeHit } from '../../../shared/notify.ts';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

/** 办事指南: the service catalogue the 12345 clerks answer from, searchable by the public. */
export function PortalGuide() {
  const { t, te } = useLocale();
  const [items, setItems] = useState<KnowledgeHit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = (q: string) => {
    if (!q.trim()) return;
    setError(null);
    api
      .get<{ items: KnowledgeHit[] }>('/api/v1/public/knowledge/search', { q: q.trim(), limit: 8 }, { anonymous: true })
      .then((r) => setItems(r.items))
      .catch(setError);
  };
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.6em', marginBottom: 0 }}>
        {t('portal.guide_title')}
      </Typography.Title>
      <Input.Search size="large" enterButton={t('portal.query')} placeholder={t('portal.guide_placeholder')} onSearch={search} aria-label={t('portal.guide_title')} data-testid="guide-search" />
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
      {items && items.length === 0 && <Empty description={t('knowledge.none')} />}
      {items?.map((i) => (
        <Card key={i.id} title={<h2 style={{ fontSize: '1.1em', margin: 0 }} data-testid="guide-hit">{i.title}</h2>} extra={i.department?.name}>
          {i.conditions && <Typography.Paragraph>{i.conditions}</Typography.Paragraph>}
          {i.materials.length > 0 && <Typography.Paragraph><b>{t('knowledge.materials')}：</b>{i.materials.join('、')}</Typography.Paragraph>}
          {i.location && <Typography.Paragraph><b>{t('knowledge.where')}：</b>{i.location}{i.onlineUrl && <> · <a href={i.onlineUrl} rel="noreferrer" target="_blank">{i.onlineUrl}</a></>}</Typography.Paragraph>}
          <Typography.Paragraph><b>{t('knowledge.time_limit')}：</b>{i.timeLimit} · <b>{t('knowledge.fees')}：</b>{i.fees}</Typography.Paragraph>
          {i.faq.length > 0 && <Collapse size="small" items={i.faq.map((f, n) => ({ key: n, label: f.q, children: f.a }))} />}
        </Card>
      ))}
    </Space>
  );
}
