import { Button, Card, Form, Input, Space, Typography } from 'antd';
import { useLocale } from '../i18n/locale.tsx';
import { navigate } from '../router.tsx';

/** Two doors: report something, or look up a case by its code. */
export function PortalHome() {
  const { t } = useLocale();
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: '1.6em', marginBottom: 0 }}>
        {t('portal.subtitle')}
      </Typography.Title>
      <Card>
        <Typography.Title level={2} style={{ fontSize: '1.3em' }}>
          {t('portal.report')}
        </Typography.Title>
        <Typography.Paragraph>{t('portal.report_intro')}</Typography.Paragraph>
        <Button type="primary" size="large" onClick={() => navigate('/portal/report')}>
          {t('portal.report')}
        </Button>
      </Card>
      <Card>
        <Typography.Title level={2} style={{ fontSize: '1.3em' }}>
          {t('part.title')}
        </Typography.Title>
        <Typography.Paragraph>{t('part.entry')}</Typography.Paragraph>
        <Button size="large" onClick={() => navigate('/portal/participation')}>
          {t('part.title')}
        </Button>
      </Card>
      <Card>
        <Typography.Title level={2} style={{ fontSize: '1.3em' }}>
          {t('portal.track')}
        </Typography.Title>
        <TrackForm />
      </Card>
      <Space wrap>
        <Button size="large" onClick={() => navigate('/portal/map')}>{t('portal.map')}</Button>
        <Button size="large" onClick={() => navigate('/portal/guide')}>{t('portal.guide_title')}</Button>
        <Button size="large" onClick={() => navigate('/portal/mine')}>{t('portal.mine_title')}</Button>
      </Space>
    </Space>
  );
}

export function TrackForm({ initial }: { initial?: string }) {
  const { t } = useLocale();
  return (
    <Form layout="vertical" initialValues={{ code: initial }} onFinish={(v: { code: string }) => navigate(`/portal/track/${v.code.trim()}`)}>
      <Form.Item label={t('portal.code_label')} name="code" extra={t('portal.track_intro')} rules={[{ required: true, pattern: /^\s*[0-9]{13}\s*$/, message: t('portal.code_invalid') }]}>
        <Input inputMode="numeric" autoComplete="off" maxLength={15} size="large" />
      </Form.Item>
      <Button type="primary" htmlType="submit" size="large">
        {t('portal.query')}
      </Button>
    </Form>
  );
}
