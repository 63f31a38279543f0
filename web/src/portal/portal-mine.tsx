import { Alert, Button, Card, Form, Input, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { Link } from '../router.tsx';

interface MyReport {
  code: string;
  stateName: string;
  category: { name: string } | null;
  createdAt: string;
  url: string;
}

/** 我的诉求: a phone number and a one-time code by SMS instead of an account. */
export function PortalMine() {
  const { t, te } = useLocale();
  const [sent, setSent] = useState(false);
  const [items, setItems] = useState<MyReport[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = (p: Promise<unknown>) => (setError(null), p.catch(setError));
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.6em', marginBottom: 0 }}>
        {t('portal.mine_title')}
      </Typography.Title>
      {error !== null && <Alert type="error" showIcon role="alert" message={te(error)} />}
      <Card>
        <Form layout="vertical" onFinish={(v: { phone: string; code?: string }) => void run(sent && v.code ? api.post<{ items: MyReport[] }>('/api/v1/public/my/reports', { phone: v.phone, code: v.code }, { anonymous: true }).then((r) => setItems(r.items)) : api.post('/api/v1/public/my/code', { phone: v.phone }, { anonymous: true }).then(() => setSent(true)))}>
          <Form.Item label={t('portal.phone')} name="phone" rules={[{ required: true }]}>
            <Input inputMode="tel" autoComplete="tel" maxLength={20} size="large" />
          </Form.Item>
          {sent && (
            <Form.Item label={t('portal.mine_code')} name="code" extra={t('portal.mine_code_sent')} rules={[{ required: true, pattern: /^[0-9]{6}$/ }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} size="large" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" size="large">
            {sent ? t('portal.query') : t('portal.mine_send_code')}
          </Button>
        </Form>
      </Card>
      {items && (
        <List
          dataSource={items}
          locale={{ emptyText: t('portal.not_found') }}
          renderItem={(i) => (
            <List.Item>
              <Link to={i.url}>{i.code}</Link> <Tag>{i.stateName}</Tag> {i.category?.name}
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}
